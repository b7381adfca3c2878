"""A batch through Airflow against `sohoa ingest` on the same machine.

    .venv/bin/python bench/airflow_ingest.py [--documents 10]

Renders `--documents` corpus documents (300 dpi, medium scans) into a batch, archives it with
`sohoa ingest` in a fresh SOHOA_HOME, then starts `airflow standalone`
(tools/airflow-standalone: LocalExecutor, one OCR slot per core) with another fresh
SOHOA_HOME and archives it with `sohoa submit --wait`. Prints both wall times, the Airflow
run's own duration, the overhead Airflow adds per document, and where it goes: how long an
`archive` task runs on average, and how long it waits between being queued and running.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from pipelines.settings import Settings
from pipelines.uploads.airflow import Airflow
from samples.batch import write_batch
from samples.corpus import corpus
from tests.airflow_setup import standalone

SOHOA = str(Path(sys.executable).parent / "sohoa")


def seconds(start: str, end: str) -> float:
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()


def wall_seconds(command: list[str], env: dict[str, str]) -> float:
    started = time.monotonic()
    subprocess.run(command, env=env, check=True, capture_output=True)
    return time.monotonic() - started


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--documents", type=int, default=10)
    count = options.parse_args().documents
    with tempfile.TemporaryDirectory(prefix="sohoa-bench-airflow-") as work:
        root = Path(work)
        ids = [doc.id for doc in corpus()][:count]
        batch = write_batch(root / "batch", ids, dpi=300, condition="medium", seed=11)
        embedded_env = os.environ | {"SOHOA_HOME": str(root / "embedded")}
        embedded = wall_seconds([SOHOA, "ingest", str(batch.path)], embedded_env)
        print(f"{count} documents: sohoa ingest {embedded:.1f} s", flush=True)

        (root / "airflow").mkdir()
        with standalone(root / "airflow") as started_airflow:
            env = started_airflow.env
            started = time.monotonic()
            submitted = subprocess.run(
                [SOHOA, "submit", "--wait", str(batch.path)],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            through_airflow = time.monotonic() - started
            settings = Settings(
                home=Path(env["SOHOA_HOME"]),
                airflow_url=env["SOHOA_AIRFLOW_URL"],
                airflow_password=env["SOHOA_AIRFLOW_PASSWORD"],
            )
            airflow = Airflow(settings)
            run_id = submitted.stdout.strip()
            run = airflow.run(run_id)
            duration = seconds(run["start_date"], run["end_date"])
            tasks = airflow.http.get(
                f"/api/v2/dags/sohoa_ingest/dagRuns/{run_id}/taskInstances"
            ).json()["task_instances"]
            archiving = [t for t in tasks if t["task_id"] == "archive"]
            ran = [seconds(t["start_date"], t["end_date"]) for t in archiving]
            waits = [seconds(t["queued_when"], t["start_date"]) for t in archiving]
    print(f"{count} documents, {batch.page_count} pages")
    print(f"sohoa ingest (embedded):       {embedded:7.1f} s")
    print(f"sohoa submit --wait (Airflow): {through_airflow:7.1f} s (run itself {duration:.1f} s)")
    print(f"Airflow overhead per document: {(through_airflow - embedded) / count:7.2f} s")
    print(f"archive task, mean run time:   {statistics.mean(ran):7.1f} s")
    print(f"archive task, mean queued→run: {statistics.mean(waits):7.1f} s")
    print(f"ratio Airflow / embedded:      {through_airflow / embedded:7.2f}")


if __name__ == "__main__":
    main()
