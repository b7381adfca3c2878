"""sohoa's Airflow as production runs it, on one machine (tools/airflow-node): the
CeleryExecutor with Redis as its broker, PostgreSQL as Airflow's database and as the
catalog, the OpenSearch node, the S3 server for the archive, and two Celery workers that
share no disk. A batch sent with `sohoa submit` lands whole, each document on whichever
worker takes it; a worker SIGKILLed while it archives a document leaves it to the other."""

import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import psutil
import pytest

from archive_schema.catalog import Catalog
from indexing import open_search
from samples.batch import write_batch
from tests.airflow_setup import Cluster, airflow_client, archived, cluster, mapped_files, run_sohoa
from tests.postgres_server import PostgresServer
from tests.s3_server import new_bucket


@pytest.fixture(scope="module")
def airflow_cluster(
    tmp_path_factory: pytest.TempPathFactory,
    postgres: PostgresServer,
    s3_environment: dict[str, str],
    opensearch_url: str,
) -> Iterator[Cluster]:
    services = {
        "SOHOA_DATABASE_URL": postgres.new_database(),
        "SOHOA_STORAGE_URL": f"s3://{new_bucket()}/archive",
        "SOHOA_SEARCH_URL": f"{opensearch_url}/cluster-{uuid4().hex[:8]}",
    }
    folder = tmp_path_factory.mktemp("cluster")
    with cluster(folder, services, postgres.new_database()) as started:
        yield started


def test_a_batch_submitted_lands_whole_on_the_workers(
    airflow_cluster: Cluster, tmp_path: Path
) -> None:
    batch = write_batch(
        tmp_path / "batch", ("002", "004", "006", "010"), dpi=150, condition="clean"
    )
    submitted = run_sohoa(airflow_cluster.env, "submit", str(batch.path), "--wait")
    assert submitted.returncode == 0, submitted.stderr
    names = {doc.name for doc in batch.documents}
    assert archived(airflow_cluster.env) >= names
    ran_on = {ti["hostname"] for ti in task_instances(airflow_cluster, submitted.stdout.strip())}
    assert ran_on <= set(airflow_cluster.workers), ran_on  # never the control node
    for name, worker in airflow_cluster.workers.items():  # tasks forked warm
        processes = psutil.Process(worker.pid).children(recursive=True)
        celery = [m for p in processes if (m := mapped_files(p, "celery", "worker")) is not None]
        assert celery and all(any("/pikepdf/" in path for path in maps) for maps in celery), name
    for name in airflow_cluster.workers:  # nothing of the archive left on a worker's disk
        left = [p for p in (Path(airflow_cluster.env["SOHOA_HOME"]).parent / name).rglob("*")]
        assert not [p for p in left if p.suffix in (".tif", ".pdf", ".jpg", ".png")], left


def test_a_worker_killed_while_it_archives_a_document_leaves_it_to_the_other(
    airflow_cluster: Cluster, tmp_path: Path
) -> None:
    """The module's last test: one worker is gone after it."""
    batch = write_batch(tmp_path / "batch", ("016", "020", "024"), dpi=200, condition="medium")
    submitted = run_sohoa(airflow_cluster.env, "submit", str(batch.path))
    assert submitted.returncode == 0, submitted.stderr
    run_id = submitted.stdout.strip()
    victim = _archiving(airflow_cluster, run_id)
    worker = psutil.Process(airflow_cluster.workers[victim["hostname"]].pid)
    for process in [worker, *worker.children(recursive=True)]:
        process.send_signal(signal.SIGKILL)
    state = _finished(airflow_cluster, run_id)
    assert state == "success"
    retried = next(
        ti
        for ti in task_instances(airflow_cluster, run_id)
        if ti["map_index"] == victim["map_index"] and ti["task_id"] == "archive"
    )
    assert retried["try_number"] > victim["try_number"]
    assert retried["hostname"] != victim["hostname"]
    assert archived(airflow_cluster.env) >= {doc.name for doc in batch.documents}
    ids = {doc.id for doc in Catalog(airflow_cluster.env["SOHOA_DATABASE_URL"]).documents()}
    index = open_search(airflow_cluster.env["SOHOA_SEARCH_URL"])
    try:
        assert index.document_ids() == ids  # each once, none missing
    finally:
        index.close()
    verified = run_sohoa(airflow_cluster.env, "verify")
    assert verified.returncode == 0, verified.stderr


def _archiving(cluster: Cluster, run_id: str) -> dict[str, Any]:
    """An `archive` task instance of the run, once one is running on a worker."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        for ti in task_instances(cluster, run_id):
            if ti["task_id"] == "archive" and ti["state"] == "running" and ti["hostname"]:
                time.sleep(3)  # well into its OCR
                return ti
        time.sleep(0.5)
    raise AssertionError(f"no document of {run_id} began to be archived")


def _finished(cluster: Cluster, run_id: str) -> str:
    airflow = airflow_client(cluster.env)
    deadline = time.monotonic() + 600
    while (state := str(airflow.run(run_id)["state"])) not in ("success", "failed"):
        assert time.monotonic() < deadline, f"{run_id} still {state}"
        time.sleep(2)
    return state


def task_instances(cluster: Cluster, run_id: str) -> list[dict[str, Any]]:
    answer = airflow_client(cluster.env).http.get(
        f"/api/v2/dags/sohoa_ingest/dagRuns/{run_id}/taskInstances", params={"limit": 100}
    )
    answer.raise_for_status()
    return list(answer.json()["task_instances"])
