"""Faults in the middle of a batch, on the real services, with sohoa's default retries:
the S3 server, the OpenSearch node and PostgreSQL each stopped for 30 s, and the archive's
disk full for 30 s (a small tmpfs), each while `sohoa ingest` archives a batch; and the
OpenSearch node stopped for longer than the retries wait, then a rerun. The five runs go at
once, each with its own service or disk at fault, to keep the suite short."""

import json
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from uuid import uuid4

import boto3
from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from archive_schema.catalog import Catalog
from archive_schema.models import Status
from indexing import open_search
from samples.batch import write_batch
from tests.conftest import sohoa, started
from tests.outage import Outage, outage
from tests.postgres_server import PostgresServer
from tests.s3_server import new_bucket

OUTAGE_SECONDS = 30
DOCUMENTS = ("002", "004", "006", "010", "016")


@dataclass
class Fault:
    """A run of the batch and what befalls it once its first document is archived."""

    name: str
    home: Path
    env: dict[str, str]
    inject: Callable[[], None]
    felt: str  # what its stderr says when sohoa waits for the service
    index: str = ""  # the OpenSearch index it writes to, not through the fault
    injected: threading.Event = field(default_factory=threading.Event)

    @property
    def database_url(self) -> str:
        return self.env.get("SOHOA_DATABASE_URL", f"sqlite:///{self.home}/catalog.db")

    @property
    def search_url(self) -> str:
        return self.index or f"sqlite:///{self.home}/search.db"

    def run(self, batch: Path) -> subprocess.CompletedProcess[str]:
        process = started(self.home, "ingest", str(batch), "--json", workers="1", env=self.env)
        watcher = threading.Thread(target=self._inject_when_one_is_archived, args=(process,))
        watcher.start()
        out, errors = process.communicate(timeout=900)
        watcher.join()
        return subprocess.CompletedProcess(process.args, process.returncode, out, errors)

    def _inject_when_one_is_archived(self, process: subprocess.Popen[str]) -> None:
        """Looks at the catalog without opening it as sohoa does, which would build it."""
        engine = create_engine(self.database_url, poolclass=NullPool)
        archived = text("SELECT count(*) FROM documents WHERE status = 'archived'")
        while process.poll() is None:
            with suppress(SQLAlchemyError), engine.connect() as connection:  # made yet?
                if connection.scalar(archived):
                    break
            time.sleep(0.5)
        else:
            return
        self.inject()
        self.injected.set()


def stopped_for(proxy: Outage, seconds: float | None) -> Callable[[], None]:
    """The service behind `proxy` stops, and comes back after `seconds` (None: not before
    the test says so)."""

    def stop() -> None:
        proxy.go_down()
        if seconds is not None:
            proxy.up_after(seconds)

    return stop


@contextmanager
def small_disk(folder: Path) -> Iterator[Path]:
    """A 64 MB tmpfs at `folder`."""
    folder.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill_for(disk: Path, seconds: float) -> Callable[[], None]:
    """The disk fills up; `seconds` later, the file that filled it is deleted."""

    def fill() -> None:
        filler = disk / "filler"
        with filler.open("wb") as out, suppress(OSError):
            while True:
                out.write(bytes(1 << 20))
                out.flush()
        threading.Timer(seconds, filler.unlink).start()

    return fill


def restart_in(server: PostgresServer, seconds: float) -> Callable[[], None]:
    def restart() -> None:
        server.pg_ctl("stop", "-m", "fast")
        threading.Timer(seconds, server.pg_ctl, ("start",)).start()

    return restart


def test_a_batch_outlives_each_fault_and_a_longer_one_is_finished_by_a_rerun(
    tmp_path: Path,
    s3_environment: dict[str, str],
    opensearch_url: str,
    postgres: PostgresServer,
) -> None:
    batch = write_batch(tmp_path / "batch", DOCUMENTS, dpi=150, condition="clean").path
    index, other = (f"faults-{uuid4().hex[:8]}" for _ in range(2))
    with ExitStack() as stack:
        s3 = stack.enter_context(outage(s3_environment["AWS_ENDPOINT_URL"], down=False))
        search = stack.enter_context(outage(opensearch_url, down=False))
        beyond = stack.enter_context(outage(opensearch_url, down=False))
        disk = stack.enter_context(small_disk(tmp_path / "disk"))
        faults = [
            Fault(
                "S3",
                tmp_path / "s3",
                {
                    "SOHOA_STORAGE_URL": f"s3://{new_bucket()}/archive",
                    "SOHOA_S3_ENDPOINT_URL": s3.url,
                },
                stopped_for(s3, OUTAGE_SECONDS),
                "cannot reach the S3 server",
            ),
            Fault(
                "OpenSearch",
                tmp_path / "opensearch",
                {"SOHOA_SEARCH_URL": f"{search.url}/{index}"},
                stopped_for(search, OUTAGE_SECONDS),
                "cannot reach OpenSearch",
                f"{opensearch_url}/{index}",
            ),
            Fault(
                "PostgreSQL",
                tmp_path / "postgresql",
                {"SOHOA_DATABASE_URL": postgres.new_database()},
                restart_in(postgres, OUTAGE_SECONDS),
                "the catalog's database is unavailable",
            ),
            Fault(
                "disk",
                tmp_path / "disk-full",
                {"SOHOA_STORAGE_URL": (disk / "archive").as_uri()},
                fill_for(disk, OUTAGE_SECONDS),
                "the disk is full",
            ),
            Fault(
                "OpenSearch beyond the retries",
                tmp_path / "beyond",
                {"SOHOA_SEARCH_URL": f"{beyond.url}/{other}", "SOHOA_SERVICE_ATTEMPTS": "2"},
                stopped_for(beyond, None),
                "cannot reach OpenSearch",
                f"{opensearch_url}/{other}",
            ),
        ]
        results: dict[str, subprocess.CompletedProcess[str]] = {}
        threads = [
            threading.Thread(target=lambda f=f: results.__setitem__(f.name, f.run(batch)))
            for f in faults
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for fault in faults:
            assert fault.injected.is_set(), (
                f"{fault.name}: ended before the fault: {results[fault.name]}"
            )

        *survived, longer = faults
        for fault in survived:
            result = results[fault.name]
            assert result.returncode == 0, f"{fault.name}: {result.stderr}"
            assert "trying again" in result.stderr and fault.felt in result.stderr, fault.name
            report = json.loads(result.stdout)
            assert {d["status"] for d in report["documents"]} == {"archived"}, fault.name
            assert_archived_once(fault, {d["id"] for d in report["documents"]})

        first = results[longer.name]
        assert first.returncode == 4, first.stderr
        assert "sohoa: service unavailable:" in first.stderr and longer.felt in first.stderr
        assert "Traceback" not in first.stderr
        beyond.down = False
        rerun = sohoa(longer.home, "ingest", str(batch), "--json", env=longer.env)
        assert rerun.returncode == 0, rerun.stderr
        statuses = {d["status"] for d in json.loads(rerun.stdout)["documents"]}
        assert statuses == {"archived", "already archived"}
        assert_archived_once(longer, {d["id"] for d in json.loads(rerun.stdout)["documents"]})


def assert_archived_once(fault: Fault, ids: set[str]) -> None:
    """The batch's documents each once in the catalog and the index, and the store whole."""
    assert len(ids) == len(DOCUMENTS), fault.name
    catalog = Catalog(fault.database_url)
    assert sorted(doc.id for doc in catalog.documents()) == sorted(ids), fault.name
    assert list(catalog.documents(Status.REGISTERED)) == [], fault.name  # none half-archived
    index = open_search(fault.search_url)
    try:
        assert index.document_ids() == ids, fault.name
    finally:
        index.close()
    verified = sohoa(fault.home, "verify", env=fault.env)
    assert verified.returncode == 0, f"{fault.name}: {verified.stderr}"
    if fault.env.get("SOHOA_STORAGE_URL", "").startswith("s3://"):
        bucket = fault.env["SOHOA_STORAGE_URL"].split("/")[2]
        keys = boto3.client("s3").list_objects_v2(Bucket=bucket).get("Contents", [])
        mets = [k["Key"] for k in keys if k["Key"].endswith("METS.xml") and "/records/" in k["Key"]]
        assert len(mets) == len(DOCUMENTS), fault.name
