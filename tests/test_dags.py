"""The DAGs, run by Airflow itself (`dag.test()`, every task in this process) over a real
batch, catalog, archive store and search index."""

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import select

from archive_schema.catalog import Catalog, EventRow
from archive_schema.errors import UserError
from archive_schema.models import Status
from archive_schema.vocab import cleared_for
from indexing import open_search
from indexing.base import SearchQuery
from pipelines.archive import Archive
from pipelines.ingest.report import BatchReport, Outcome
from pipelines.package.read import package_files
from pipelines.settings import Settings
from pipelines.store import StoreUnavailable
from samples.batch import write_batch
from tests import airflow_setup
from tests.bad_files import corrupt_tiff_bytes
from tests.outage import outage
from tests.s3_server import new_bucket, s3_settings

if TYPE_CHECKING:
    from airflow.dag_processing.dagbag import DagBag

DAG_IDS = {
    "sohoa_ingest",
    "sohoa_inbox",
    "sohoa_retention_review",
    "sohoa_fixity_audit",
    "sohoa_reindex",
}


@dataclass(frozen=True)
class AirflowIngest:
    batch: Path
    home: Path
    runs: list[Any]  # the DagRun of each run of sohoa_ingest over the batch
    keys: list[set[str]]  # the archive store's keys after each run
    reports: list[BatchReport]  # the batch's report after each run


@pytest.fixture(scope="module")
def dagbag(tmp_path_factory: pytest.TempPathFactory) -> "DagBag":
    airflow_setup.prepare(tmp_path_factory.mktemp("airflow"))
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(airflow_setup.ROOT / "dags"))


@pytest.fixture(scope="module")
def ingested(dagbag: "DagBag", tmp_path_factory: pytest.TempPathFactory) -> AirflowIngest:
    """Two documents (ten-year correspondence closed in 2005, a permanent decision) and a
    scan damaged inside, archived by sohoa_ingest, then the same batch again."""
    root = tmp_path_factory.mktemp("airflow-batch")
    batch = write_batch(root / "batch", ("002", "004"), dpi=300, condition="light", seed=3)
    (batch.path / "damaged.tif").write_bytes(corrupt_tiff_bytes())
    first, second = (doc.name for doc in batch.documents)
    (batch.path / "manifest.csv").write_text(
        "file,retention_row,dossier_end_year\n"
        f"{first},1.9,2005\n{second},1.2,2005\ndamaged.tif,1.9,2005\n",
        encoding="utf-8",
    )
    home = tmp_path_factory.mktemp("airflow-home")
    runs, keys, reports = [], [], []
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SOHOA_HOME", str(home))
        env.setenv("SOHOA_OCR_SLOTS", "2")  # the three documents in two chunks
        store = Archive(Settings()).store
        for _ in range(2):
            runs.append(_run(dagbag, "sohoa_ingest", {"batch": str(batch.path)}))
            keys.append(set(store.keys()))
            (report,) = [k for k in keys[-1] if k.endswith("/report.json")]
            with store.open(report) as data:
                reports.append(BatchReport.model_validate_json(data.read()))
    return AirflowIngest(batch.path, home, runs, keys, reports)


@pytest.fixture
def archive_copy(
    ingested: AirflowIngest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Settings:
    """A copy of the archived home, for a test that changes it."""
    home = tmp_path / "archived"
    shutil.copytree(ingested.home, home)
    monkeypatch.setenv("SOHOA_HOME", str(home))
    return Settings()


def test_every_dag_imports_with_owner_tags_and_retries(dagbag: "DagBag") -> None:
    assert dagbag.import_errors == {}
    assert set(dagbag.dag_ids) == DAG_IDS
    for dag_id in DAG_IDS:
        dag = dagbag.get_dag(dag_id)
        assert dag is not None and "sohoa" in dag.tags and dag.doc_md
        for task in dag.tasks:
            assert task.owner == "sohoa", task.task_id
            assert task.retries >= 1, task.task_id
        ordered = dag.topological_sort()  # raises on a cycle
        assert len(ordered) == len(dag.tasks)


def test_documents_are_archived_registered_and_searchable(ingested: AirflowIngest) -> None:
    settings = Settings(home=ingested.home)
    archived = list(Catalog(settings.database_url).documents())
    assert len(archived) == 2 and all(doc.status == Status.ARCHIVED for doc in archived)
    search = open_search(settings.search_url)
    for doc in archived:
        word = max(doc.text.split(), key=lambda w: (w.isalpha(), len(w)))
        hits = search.search(SearchQuery(word, cleared_for("secret"))).hits
        assert doc.id in {hit.document_id for hit in hits}, word
    search.close()


def test_a_bad_document_fails_only_the_task_of_its_chunk_and_is_reported(
    ingested: AirflowIngest,
) -> None:
    """Three documents in two chunks (the OCR slots): the chunk holding the damaged scan
    fails, after archiving the others it holds."""
    run = ingested.runs[0]
    states = {(ti.task_id, ti.rendered_map_index): ti.state for ti in run.get_task_instances()}
    assert states[("intake", None)] == "success"
    archive_states = {names: s for (task, names), s in states.items() if task == "archive"}
    assert len(archive_states) == 2
    assert sorted(n for names in archive_states for n in names.split(", ")) == sorted(
        ["damaged.tif", *[d.name for d in ingested.reports[0].documents if d.name != "damaged.tif"]]
    )
    assert {names: s for names, s in archive_states.items() if "damaged.tif" in names} == {
        next(n for n in archive_states if "damaged.tif" in n): "failed"
    }
    assert [s for names, s in archive_states.items() if "damaged.tif" not in names] == ["success"]
    assert states[("finalize", None)] == "failed"  # the run says the batch has a problem
    assert run.state == "failed"
    report = ingested.reports[0]
    assert report.count(Outcome.ARCHIVED) == 2
    (damaged,) = [d for d in report.documents if d.status == Outcome.QUARANTINED]
    assert damaged.name == "damaged.tif" and "ocr" in (damaged.reason or "")
    batch_keys = {k for k in ingested.keys[0] if k.startswith(f"batches/{report.batch_id}/")}
    assert f"batches/{report.batch_id}/quarantine/damaged.tif" in batch_keys
    assert not [k for k in batch_keys if "/incoming/" in k or "/outcomes/" in k]


def test_running_the_batch_again_adds_nothing(ingested: AirflowIngest) -> None:
    assert ingested.keys[1] == ingested.keys[0]
    second = ingested.runs[1]
    archived_again = [ti for ti in second.get_task_instances() if ti.task_id == "archive"]
    assert [ti.rendered_map_index for ti in archived_again] == ["damaged.tif"]
    report = ingested.reports[1]
    assert report.count(Outcome.ALREADY_ARCHIVED) == 2
    catalog = Catalog(Settings(home=ingested.home).database_url)
    assert len(list(catalog.documents())) == 2


def test_fixity_audit_passes_then_catches_an_altered_and_a_missing_object(
    dagbag: "DagBag", archive_copy: Settings
) -> None:
    assert _run(dagbag, "sohoa_fixity_audit").state == "success"
    catalog = Catalog(archive_copy.database_url)
    doc = next(catalog.documents())
    pdf = next(f.key for f in doc.files if f.role == "pdfa")
    text = next(f.key for f in doc.files if f.role == "text")
    archive = Path(archive_copy.storage_url.removeprefix("file://"))
    with (archive / pdf).open("ab") as altered:
        altered.write(b"\n% one more line\n")
    (archive / text).unlink()

    assert _run(dagbag, "sohoa_fixity_audit").state == "failed"
    failed = _events(catalog, "fixity", "failed")
    assert {e.document_id for e in failed} == {doc.id}
    assert sorted(e.detail.split(":")[0] for e in failed) == sorted([pdf, text])
    assert any("missing" in e.detail for e in failed)
    checked = len(_events(catalog, "fixity", "ok")) + len(failed)
    store = Archive(archive_copy).store
    objects = sum(len(package_files(store, d.id)) + 1 for d in catalog.documents())  # + METS
    assert checked == 2 * objects


def test_retention_review_marks_records_whose_period_has_ended(
    dagbag: "DagBag", archive_copy: Settings
) -> None:
    catalog = Catalog(archive_copy.database_url)
    for _ in range(2):  # the second run finds nothing new
        assert _run(dagbag, "sohoa_retention_review").state == "success"
    by_row = {doc.retention.row: doc for doc in catalog.documents() if doc.retention}
    assert by_row["1.9"].retention is not None and by_row["1.9"].retention.status == "review"
    assert by_row["1.2"].retention is not None and by_row["1.2"].retention.permanent
    assert by_row["1.2"].retention.status == "classified"
    (marked,) = _events(catalog, "retention", "ok")
    assert marked.document_id == by_row["1.9"].id and "Xem xét hủy" in marked.detail


def test_reindex_rebuilds_the_search_index_from_the_store(
    dagbag: "DagBag", archive_copy: Settings
) -> None:
    search_db = Path(archive_copy.search_url.removeprefix("sqlite:///"))
    for path in search_db.parent.glob(search_db.name + "*"):
        path.unlink()
    assert _run(dagbag, "sohoa_reindex").state == "success"
    search = open_search(archive_copy.search_url)
    expected = {doc.id for doc in Catalog(archive_copy.database_url).documents()}
    assert search.document_ids() == expected
    search.close()


def test_a_task_fails_at_once_on_bad_input_and_is_retried_in_an_outage(
    dagbag: "DagBag", tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from airflow.sdk.exceptions import AirflowFailException
    from sohoa_dags.defaults import archive_task

    monkeypatch.setenv("SOHOA_HOME", str(tmp_path / "home"))
    with pytest.raises(AirflowFailException), archive_task():
        raise UserError("a bad batch")
    with pytest.raises(StoreUnavailable), archive_task():  # left to Airflow's retries
        raise StoreUnavailable("s3://x: cannot reach the S3 server")


def test_a_store_down_for_a_while_is_waited_for_by_the_tasks(
    dagbag: "DagBag",
    s3_environment: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    batch = write_batch(tmp_path / "batch", ["004"], dpi=200, condition="clean").path
    bucket = new_bucket()
    with outage(s3_environment["AWS_ENDPOINT_URL"]) as proxy:
        monkeypatch.setenv("SOHOA_HOME", str(tmp_path / "home"))
        for name, value in s3_settings(proxy.url, bucket, attempts=5).items():
            monkeypatch.setenv(name, value)
        proxy.up_after(4)
        run = _run(dagbag, "sohoa_ingest", {"batch": str(batch)})
    assert run.state == "success"
    assert proxy.refused >= 1
    archived = list(Catalog(Settings().database_url).documents())
    assert len(archived) == 1 and archived[0].status == Status.ARCHIVED


def _run(dagbag: "DagBag", dag_id: str, conf: dict[str, Any] | None = None) -> Any:
    dag = dagbag.get_dag(dag_id)
    assert dag is not None
    return dag.test(run_conf=conf)


def _events(catalog: Catalog, stage: str, outcome: str) -> list[EventRow]:
    query = select(EventRow).where(EventRow.stage == stage, EventRow.outcome == outcome)
    with catalog.session() as session:
        return list(session.scalars(query))
