"""Batches archived embedded, through Airflow's LocalExecutor and through its CeleryExecutor
with two workers, on the same machine, in one run.

    .venv/bin/python bench/airflow_ingest.py [--documents 10] [--repeat 3]

Renders `--repeat` batches of `--documents` corpus documents (300 dpi, medium scans, each
batch with its own noise, so that each is new to an archive), then archives each batch
four ways:
- `sohoa ingest` with the defaults (SQLite catalog and index, a folder store);
- `sohoa submit --wait` to `airflow standalone` (tools/airflow-standalone, LocalExecutor)
  on the same defaults;
- `sohoa ingest` on the cluster's services (PostgreSQL, S3, OpenSearch, as tests run them);
- `sohoa submit --wait` to the cluster of tests/test_cluster.py (tools/airflow-node:
  CeleryExecutor, Redis, two workers) on those services.
Each batch goes embedded first, while no Airflow runs, then through an Airflow started for
it: the machine's OCR speed drifts by several per cent over minutes, and each pair is close
in time. Prints each Airflow run's tasks, in seconds from the start of the run; then, for
each way, the median wall time (as the user waits) and of the Airflow run's own duration,
the median of the overhead Airflow adds per document in each pair (against `sohoa ingest`
on the same services), and where it goes: how long an `archive` task runs, and how long
it waits between being queued and running.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
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
SETTLE_SECONDS = 20  # a new Airflow runs its daily DAGs once at start


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


def paired(
    batches: list[Path],
    alone: Callable[[int], dict[str, str]],
    airflow: Callable[[int], AbstractContextManager[Standalone | Cluster]],
) -> tuple[list[Run], list[Run]]:
    """Each batch archived by `sohoa ingest` (environment `alone(i)`, no Airflow running),
    then through a fresh `airflow(i)` once its start-up has settled: each pair close in
    time, so that the machine's drift does not count as overhead."""
    embedded_runs, airflow_runs = [], []
    for i, batch in enumerate(batches):
        embedded_runs.append(embedded(batch, alone(i)))
        with airflow(i) as running:
            time.sleep(SETTLE_SECONDS)
            airflow_runs.append(_submitted(running.env, batch))
        print(f"{batch.name}: embedded {embedded_runs[-1].wall:.1f} s", flush=True)
    return embedded_runs, airflow_runs


def _submitted(env: dict[str, str], batch: Path) -> Run:
    started = time.monotonic()
    command = [SOHOA, "submit", "--wait", str(batch)]
    submitted = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    wall = time.monotonic() - started
    client = airflow_client(env)
    run_id = submitted.stdout.strip()
    run = client.run(run_id)
    tasks = client.http.get(f"/api/v2/dags/sohoa_ingest/dagRuns/{run_id}/taskInstances").json()[
        "task_instances"
    ]
    print(f"{batch.name}: {wall:.1f} s", flush=True)
    for t in sorted(tasks, key=lambda t: t["start_date"] or ""):
        name = t["task_id"] + (f"[{t['map_index']}]" if t["map_index"] >= 0 else "")
        print(
            f"  {name}: queued +{seconds(run['start_date'], t['queued_when']):.1f} s,"
            f" ran +{seconds(run['start_date'], t['start_date']):.1f}"
            f" to +{seconds(run['start_date'], t['end_date']):.1f} s",
            flush=True,
        )
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
    options.add_argument("--repeat", type=int, default=3)
    parsed = options.parse_args()
    count, repeat = parsed.documents, parsed.repeat
    with tempfile.TemporaryDirectory(prefix="sohoa-bench-airflow-") as work, ExitStack() as up:
        root = Path(work)
        ids = [doc.id for doc in corpus()][:count]
        rendered = [
            write_batch(root / f"batch-{i + 1}", ids, dpi=300, condition="medium", seed=11 + i)
            for i in range(repeat)
        ]
        batches = [batch.path for batch in rendered]
        runs = {}
        runs["embedded"], runs["LocalExecutor"] = paired(
            batches,
            lambda i: os.environ | {"SOHOA_HOME": str(root / f"embedded-{i + 1}")},
            lambda i: standalone(_folder(root / f"standalone-{i + 1}")),
        )

        postgres = up.enter_context(postgres_server())
        os.environ.update(up.enter_context(s3_server(root / "moto.log")))
        search = up.enter_context(opensearch_node(root / "opensearch"))

        def services() -> dict[str, str]:
            return {
                "SOHOA_DATABASE_URL": postgres.new_database(),
                "SOHOA_STORAGE_URL": f"s3://{new_bucket()}/archive",
                "SOHOA_SEARCH_URL": f"{search}/bench-{uuid4().hex[:8]}",
            }

        runs["embedded, services"], runs["CeleryExecutor"] = paired(
            batches,
            lambda i: os.environ | {"SOHOA_HOME": str(root / f"services-{i + 1}")} | services(),
            lambda i: cluster(
                _folder(root / f"cluster-{i + 1}"), services(), postgres.new_database()
            ),
        )

    print(f"\n{repeat} batches of {count} documents, {rendered[0].page_count} pages; medians")
    print("| run | wall s | Airflow run s | overhead per document s | archive task s | queued s |")
    print("|---|---|---|---|---|---|")
    for name, ways in runs.items():
        wall = statistics.median(run.wall for run in ways)
        if not ways[0].duration:
            print(f"| {name} | {wall:.1f} | | | | |")
            continue
        base = runs["embedded, services" if name == "CeleryExecutor" else "embedded"]
        overhead = statistics.median(
            (a.wall - e.wall) / count for a, e in zip(ways, base, strict=True)
        )
        print(
            f"| {name} | {wall:.1f} | {statistics.median(r.duration for r in ways):.1f}"
            f" | {overhead:.2f} | {statistics.median(r.task_mean for r in ways):.1f}"
            f" | {statistics.median(r.queued_mean for r in ways):.1f} |"
        )


def _folder(path: Path) -> Path:
    path.mkdir()
    return path


if __name__ == "__main__":
    main()
