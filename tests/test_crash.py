"""A batch killed half way leaves nothing half-written visible, and running it again
completes it without duplicates."""

import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from archive_schema.catalog import Catalog
from archive_schema.models import Status
from archive_schema.vocab import cleared_for
from indexing import open_search
from indexing.base import SearchQuery
from pipelines.archive import Archive
from pipelines.package.read import load_package
from pipelines.settings import Settings
from samples.batch import write_batch
from tests.conftest import ROOT, sohoa


def killed_ingest(batch: Path, env: dict[str, str], when: Callable[[], bool]) -> int:
    """`sohoa ingest` of `batch`, killed with its workers (SIGKILL) once `when()`; its pid."""
    process = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "sohoa"), "ingest", str(batch)],
        env={**os.environ, "SOHOA_WORKERS": "1", **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 600
    while not when():
        assert process.poll() is None, "ingest ended before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    return process.pid


def test_killed_batch_is_completed_by_running_it_again(tmp_path: Path) -> None:
    batch = write_batch(
        tmp_path / "batch", ["002", "004", "006"], dpi=200, condition="clean", formats=["png"]
    )
    home = tmp_path / "home"
    records = home / "archive" / "records"
    killed_ingest(
        batch.path, {"SOHOA_HOME": str(home)}, lambda: bool(list(records.glob("*/METS.xml")))
    )

    settings = Settings(home=home)
    catalog, store = Catalog(settings.database_url), Archive(settings).store
    visible = list(catalog.documents())
    assert len(visible) < 3
    for doc in visible:  # whatever is visible is whole
        assert load_package(store, doc.id) is not None
    search = open_search(settings.search_url)
    found = {
        hit.document_id for hit in search.search(SearchQuery("số", cleared_for("secret"))).hits
    }
    search.close()
    assert all(catalog.status(doc_id) in (Status.REGISTERED, Status.ARCHIVED) for doc_id in found)

    rerun = sohoa(home, "ingest", str(batch.path))
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    documents = list(catalog.documents())
    assert sorted(d.source_name for d in documents) == ["002.png", "004.png", "006.png"]
    assert len({key.split("/")[1] for key in store.keys("records/")}) == 3
    assert all(load_package(store, d.id) is not None for d in documents)


def test_what_a_kill_leaves_is_swept_at_the_next_start_and_verify_names_it(
    tmp_path: Path,
) -> None:
    batch = write_batch(tmp_path / "batch", ["002", "004"], dpi=200, condition="clean")
    home, scratch = tmp_path / "home", tmp_path / "tmp"
    scratch.mkdir()
    pid = killed_ingest(
        batch.path,
        {"SOHOA_HOME": str(home), "TMPDIR": str(scratch)},
        lambda: bool(list(scratch.glob("sohoa-*/**/ocrmypdf.io.*"))),  # OCR under way
    )
    (left,) = scratch.iterdir()
    assert left.name == f"sohoa-{socket.gethostname()}:{pid}"
    archive = home / "archive"
    dead_write = archive / ".incoming" / f"{socket.gethostname()}:{2**22 + 1}:abc"
    dead_write.write_bytes(b"half")
    (archive / "records" / "old").mkdir(parents=True)
    older = archive / "records" / "old" / ".incoming-x1y2"  # as sohoa 0.1 left them
    older.write_bytes(b"half")

    verify = sohoa(home, "verify", env={"TMPDIR": str(scratch)})
    assert verify.returncode == 1
    assert f".incoming/{dead_write.name}: left by a write that was killed" in verify.stderr
    assert "records/old/.incoming-x1y2: left by a write" in verify.stderr
    assert list(scratch.iterdir()) == []  # the killed run's work folder, swept at start

    rerun = sohoa(home, "ingest", str(batch.path), env={"TMPDIR": str(scratch)})
    assert rerun.returncode == 0, rerun.stderr
    assert not dead_write.exists() and older.exists()  # swept at a glance, not the old one
    repaired = sohoa(home, "verify", "--repair", env={"TMPDIR": str(scratch)})
    assert repaired.returncode == 0, repaired.stderr
    assert "removed 1 objects left by writes killed half way" in repaired.stderr
    assert not older.exists() and list(scratch.iterdir()) == []
