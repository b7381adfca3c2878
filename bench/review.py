"""The archivist's review screen under work: how long "save and next" takes, from the save to
the next record's screen and its page image drawn from the PDF/A.

    .venv/bin/python bench/review.py [--documents 8] [--catalog 10000]

A batch of heavy scans (`--documents` corpus documents) is OCRed and archived for real; the
catalog also holds `--catalog` records already checked, so that the queue's query works on
a catalog of some size. An archivist logs in through the form, then works through the
queue with `sohoa serve`: for each record, its screen, its page image, and the save that
answers with the next record. Prints p50 and p95 of each step and of the whole.
"""

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import update

from archive_schema.catalog import DocumentRow, now
from archive_schema.models import Document, Event, Page
from pipelines.archive import Archive
from pipelines.ingest.runner import ingest
from pipelines.settings import Settings
from samples.batch import write_batch
from samples.corpus import corpus
from tests.web_server import add_user, form_token, logged_in_client, web_server

PASSWORD = "bench-archivist-2026"


def checked_records(archive: Archive, count: int) -> None:
    """`count` records already checked: the queue passes over them, its query does not."""
    for n in range(count):
        doc = Document(
            id=f"bench{n:08d}",
            batch_id="bench",
            source_name=f"{n}.tif",
            number_symbol=f"{n}/QĐ-UBND",
            issuing_agency="UBND tỉnh Lào Cai",
            pages=[Page(number=1, text="", confidence=90)],
            field_confidence={"subject": 50.0},
        )
        if n == 0:
            archive.catalog.start_batch("bench", "bench")
        archive.catalog.register(doc)
        archive.catalog.mark_archived(doc.id, Event(stage="archive", outcome="ok"))
    with archive.catalog.session() as session, session.begin():
        session.execute(
            update(DocumentRow)
            .where(DocumentRow.batch_id == "bench")
            .values(checked_by="bench", checked_at=now())
        )


def percentiles(label: str, values: list[float]) -> None:
    ordered = sorted(values)
    p95 = ordered[max(0, round(len(ordered) * 0.95) - 1)]
    print(f"{label:28} p50 {statistics.median(ordered):6.1f}   p95 {p95:6.1f}   ({len(values)})")


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--documents", type=int, default=8)
    options.add_argument("--catalog", type=int, default=10_000)
    args = options.parse_args()
    ids = [doc.id for doc in corpus()][: args.documents]
    with tempfile.TemporaryDirectory(prefix="sohoa-bench-review-") as work:
        home = Path(work) / "home"
        batch = write_batch(Path(work) / "batch", ids, condition="heavy", seed=5)
        archive = Archive(Settings(home=home))
        report = ingest(batch.path, archive)
        checked_records(archive, args.catalog)
        archive.close()
        add_user(home, "lan", "archivist", PASSWORD)
        screens, images, saves, wholes = [], [], [], []
        with web_server(home) as url:
            client = logged_in_client(url, "lan", PASSWORD)
            token = form_token(client, f"{url}/quality")
            target = client.get(f"{url}/quality?batch={report.batch_id}").text
            link = target.split('href="/quality/', 1)[1].split('"', 1)[0]
            path = f"/quality/{link}"
            while path.startswith("/quality/"):
                started = time.perf_counter()
                screen = client.get(url + path)
                shown = time.perf_counter()
                document_id = path.split("/")[2].split("?")[0]
                image = client.get(f"{url}/quality/{document_id}/pages/1.jpg")
                drawn = time.perf_counter()
                assert screen.status_code == image.status_code == 200, (path, image.status_code)
                revision = screen.text.split('name="revision" value="', 1)[1].split('"', 1)[0]
                form = {"csrf": token, "revision": revision, "batch": report.batch_id}
                saving = time.perf_counter()
                saved = client.post(f"{url}/quality/{document_id}", data=form)
                done = time.perf_counter()
                assert saved.status_code == 303, saved.text[:300]
                screens.append((shown - started) * 1000)
                images.append((drawn - shown) * 1000)
                saves.append((done - saving) * 1000)
                if len(saves) > 1:  # the save before, this screen and its image
                    wholes.append(saves[-2] + screens[-1] + images[-1])
                path = saved.headers["location"]
    print(
        f"review, {len(saves)} heavy scans ingested + {args.catalog} checked records in the"
        " SQLite catalog (ms)"
    )
    percentiles("review screen", screens)
    percentiles("page image from the PDF/A", images)
    percentiles("save", saves)
    percentiles("save and next (all three)", wholes)


if __name__ == "__main__":
    main()
