"""Airflow for the tests: its settings, its metadata database, and its standalone server.

Airflow reads its configuration when first imported, so the environment is set before any
test imports it; test modules import Airflow inside their fixtures and tests."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AIRFLOW = Path(sys.executable).parent / "airflow"
STANDALONE = ROOT / "tools" / "airflow-standalone"


def environment(airflow_home: Path) -> dict[str, str]:
    """What tools/airflow-standalone sets too, for Airflow inside the test process."""
    return {
        "AIRFLOW_HOME": str(airflow_home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        "AIRFLOW__CORE__PARALLELISM": "2",
    }


def prepare(airflow_home: Path) -> None:
    """Point this process's Airflow at a fresh metadata database, and let it import the DAG
    files' shared module as its DAG processor and workers do (the folder on sys.path)."""
    os.environ.update(environment(airflow_home))
    if str(ROOT / "dags") not in sys.path:
        sys.path.append(str(ROOT / "dags"))
    subprocess.run([AIRFLOW, "db", "migrate"], check=True, capture_output=True, timeout=300)
