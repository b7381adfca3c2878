"""Airflow for the tests: its settings, its metadata database, and its standalone server.

Airflow reads its configuration when first imported, so the environment is set before any
test imports it; test modules import Airflow inside their fixtures and tests."""

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.services import answers, free_port, running

ROOT = Path(__file__).resolve().parent.parent
AIRFLOW = Path(sys.executable).parent / "airflow"
STANDALONE = ROOT / "tools" / "airflow-standalone"
PASSWORD = "test-password"


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


@dataclass(frozen=True)
class Standalone:
    env: dict[str, str]  # what `sohoa` needs to reach it
    process: subprocess.Popen[bytes]  # tools/airflow-standalone, its own process group


@contextmanager
def standalone(home: Path, **settings: str) -> Iterator[Standalone]:
    """`airflow standalone` (tools/airflow-standalone) on a free loopback port, with
    SOHOA_HOME `home` and the SOHOA_* `settings`; yields the environment `sohoa` needs to
    reach it. Stopped with SIGINT, as Airflow wants."""
    url = f"http://127.0.0.1:{free_port()}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")} | {
        "SOHOA_HOME": str(home),
        "SOHOA_AIRFLOW_URL": url,
        "SOHOA_AIRFLOW_PORT": url.rsplit(":", 1)[1],
        "SOHOA_AIRFLOW_PASSWORD": PASSWORD,
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
        **settings,
    }
    healthy = answers(
        f"{url}/api/v2/monitor/health",
        lambda answer: all(part.get("status") == "healthy" for part in answer.json().values()),
    )
    with running([STANDALONE], env, home / "airflow.log", healthy, 300) as process:
        yield Standalone(env, process)
