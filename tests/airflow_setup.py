"""Airflow for the tests: its settings, its metadata database, and its standalone server.

Airflow reads its configuration when first imported, so the environment is set before any
test imports it; test modules import Airflow inside their fixtures and tests."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

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


@contextmanager
def standalone(home: Path, **settings: str) -> Iterator[dict[str, str]]:
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
    log = home / "airflow.log"
    with log.open("w") as output:
        airflow = subprocess.Popen(
            [STANDALONE],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_until_healthy(url, airflow, log)
        yield env
    finally:
        os.killpg(airflow.pid, signal.SIGINT)
        try:
            airflow.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(airflow.pid, signal.SIGKILL)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_healthy(url: str, airflow: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if airflow.poll() is not None:
            raise RuntimeError(f"Airflow stopped:\n{log.read_text()[-3000:]}")
        try:
            health = httpx.get(f"{url}/api/v2/monitor/health", timeout=5).json()
            if all(part.get("status") == "healthy" for part in health.values()):
                return
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(2)
    raise RuntimeError(f"Airflow was not healthy after 5 minutes:\n{log.read_text()[-3000:]}")
