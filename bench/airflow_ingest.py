"""One batch archived embedded, through Airflow's LocalExecutor and through its
CeleryExecutor with two workers, on the same machine, in one run.

    .venv/bin/python bench/airflow_ingest.py [--documents 10]

Renders `--documents` corpus documents (300 dpi, medium scans) into a batch, then archives
it four times, each into an archive of its own:
- `sohoa ingest` with the defaults (SQLite catalog and index, a folder store);
- `sohoa submit --wait` to `airflow standalone` (tools/airflow-standalone, LocalExecutor)
  on the same defaults;
- `sohoa ingest` on the cluster's services (PostgreSQL, S3, OpenSearch, as tests run them);
- `sohoa submit --wait` to the cluster of tests/test_cluster.py (tools/airflow-node:
  CeleryExecutor, Redis, two workers) on those services.
Prints each wall time, the Airflow run's own duration, and the overhead Airflow adds per
document against `sohoa ingest` on the same services, with where it goes: how long an
`archive` task runs on average, and how long it waits between being queued and running.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from uuid import uuid4

from samples.batch import write_batch
from samples.corpus import corpus
from tests.airflow_setup import Cluster, Standalone, airflow_client, cluster, standalone
from tests.opensearch_node import opensearch_node
from tests.postgres_server import postgres_server
from tests.s3_server import new_bucket, s3_server

SOHOA = str(Path(sys.executable).parent / "sohoa")


@dataclass(frozen=True)
class Run:
    wall: float  # seconds, as the user waits
    duration: float = 0.0  # the Airflow run, start to end
    task_mean: float = 0.0  # an `archive` task, running
    queued_mean: float = 0.0  # an `archive` task, from queued to running


def seconds(start: str, end: str) -> float:
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()


def embedded(batch: Path, env: dict[str, str]) -> Run:
    started = time.monotonic()
    subprocess.run([SOHOA, "ingest", str(batch)], env=env, check=True, capture_output=True)
    return Run(time.monotonic() - started)


def through(airflow: AbstractContextManager[Standalone | Cluster], batch: Path) -> Run:
    with airflow as running:
        started = time.monotonic()
        submitted = subprocess.run(
            [SOHOA, "submit", "--wait", str(batch)],
            env=running.env,
            check=True,
            capture_output=True,
            text=True,
        )
        wall = time.monotonic() - started
        client = airflow_client(running.env)
        run_id = submitted.stdout.strip()
        run = client.run(run_id)
        tasks = client.http.get(f"/api/v2/dags/sohoa_ingest/dagRuns/{run_id}/taskInstances").json()[
            "task_instances"
        ]
    archiving = [t for t in tasks if t["task_id"] == "archive"]
    return Run(
        wall,
        seconds(run["start_date"], run["end_date"]),
        statistics.mean(seconds(t["start_date"], t["end_date"]) for t in archiving),
        statistics.mean(seconds(t["queued_when"], t["start_date"]) for t in archiving),
    )


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--documents", type=int, default=10)
    count = options.parse_args().documents
    with tempfile.TemporaryDirectory(prefix="sohoa-bench-airflow-") as work, ExitStack() as up:
        root = Path(work)
        ids = [doc.id for doc in corpus()][:count]
        batch = write_batch(root / "batch", ids, dpi=300, condition="medium", seed=11)
        local = os.environ | {"SOHOA_HOME": str(root / "embedded")}
        runs = {"embedded": embedded(batch.path, local)}
        print(f"embedded: {runs['embedded'].wall:.1f} s", flush=True)
        (root / "standalone").mkdir()
        runs["LocalExecutor"] = through(standalone(root / "standalone"), batch.path)
        print(f"LocalExecutor: {runs['LocalExecutor'].wall:.1f} s", flush=True)

        postgres = up.enter_context(postgres_server())
        os.environ.update(up.enter_context(s3_server(root / "moto.log")))
        search = up.enter_context(opensearch_node(root / "opensearch"))

        def services() -> dict[str, str]:
            return {
                "SOHOA_DATABASE_URL": postgres.new_database(),
                "SOHOA_STORAGE_URL": f"s3://{new_bucket()}/archive",
                "SOHOA_SEARCH_URL": f"{search}/bench-{uuid4().hex[:8]}",
            }

        on_services = os.environ | {"SOHOA_HOME": str(root / "embedded-2"), **services()}
        runs["embedded, services"] = embedded(batch.path, on_services)
        print(f"embedded on the services: {runs['embedded, services'].wall:.1f} s", flush=True)
        (root / "cluster").mkdir()
        celery = cluster(root / "cluster", services(), postgres.new_database())
        runs["CeleryExecutor"] = through(celery, batch.path)

    print(f"\n{count} documents, {batch.page_count} pages")
    print("| run | wall s | Airflow run s | overhead per document s | archive task s | queued s |")
    print("|---|---|---|---|---|---|")
    for name, run in runs.items():
        if not run.duration:
            print(f"| {name} | {run.wall:.1f} | | | | |")
            continue
        base = runs["embedded, services" if name == "CeleryExecutor" else "embedded"]
        overhead = (run.wall - base.wall) / count
        print(
            f"| {name} | {run.wall:.1f} | {run.duration:.1f} | {overhead:.2f}"
            f" | {run.task_mean:.1f} | {run.queued_mean:.1f} |"
        )


if __name__ == "__main__":
    main()
