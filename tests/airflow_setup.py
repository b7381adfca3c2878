"""Airflow for the tests: its settings, its metadata database, and its standalone server.

Airflow reads its configuration when first imported, so the environment is set before any
test imports it; test modules import Airflow inside their fixtures and tests."""

import os
import secrets
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import psutil

from archive_schema.catalog import Catalog
from pipelines.settings import Settings
from tests.services import answers, free_port, listening, running

if TYPE_CHECKING:
    from pipelines.uploads.airflow import Airflow

ROOT = Path(__file__).resolve().parent.parent
AIRFLOW = Path(sys.executable).parent / "airflow"
SOHOA = Path(sys.executable).parent / "sohoa"
STANDALONE = ROOT / "tools" / "airflow-standalone"
NODE = ROOT / "tools" / "airflow-node"
REDIS = Path("/usr/bin/redis-server")
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


def _reached(url: str, home: Path, **settings: str) -> dict[str, str]:
    """The environment of an Airflow answering at `url`, run in `home`, with `settings`,
    none of this process's own AIRFLOW settings."""
    return {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")} | {
        "SOHOA_HOME": str(home),
        "SOHOA_AIRFLOW_URL": url,
        "SOHOA_AIRFLOW_PASSWORD": PASSWORD,
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
        **settings,
    }


def _healthy(url: str) -> Callable[[], bool]:
    return answers(
        f"{url}/api/v2/monitor/health",
        lambda answer: all(part.get("status") == "healthy" for part in answer.json().values()),
    )


@contextmanager
def standalone(home: Path, **settings: str) -> Iterator[Standalone]:
    """`airflow standalone` (tools/airflow-standalone) on a free loopback port, with
    SOHOA_HOME `home` and the SOHOA_* `settings`; yields the environment `sohoa` needs to
    reach it. Stopped with SIGINT, as Airflow wants."""
    url = f"http://127.0.0.1:{free_port()}"
    env = _reached(url, home, SOHOA_AIRFLOW_PORT=url.rsplit(":", 1)[1], **settings)
    with running([STANDALONE], env, home / "airflow.log", _healthy(url), 300) as process:
        yield Standalone(env, process)


@dataclass(frozen=True)
class Cluster:
    env: dict[str, str]  # what `sohoa` needs to reach it
    workers: dict[str, subprocess.Popen[bytes]]  # by host name


@contextmanager
def cluster(folder: Path, services: dict[str, str], airflow_database: str) -> Iterator[Cluster]:
    """Airflow as tools/airflow-node runs it on real machines: a Redis broker, a control
    node, and two Celery workers, each a machine of its own (its own host name, in a UTS
    namespace, and its own empty working folder), all on loopback. `services`: the
    SOHOA_* settings of the catalog, the archive and the index every node shares."""
    if not REDIS.exists():
        raise RuntimeError(f"{REDIS} is missing: run `make test` (tools/install-test-system)")
    redis_port = free_port()
    url = f"http://127.0.0.1:{free_port()}"
    shared = services | {
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": airflow_database,
        "AIRFLOW__CELERY__BROKER_URL": f"redis://127.0.0.1:{redis_port}/0",
        "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_hex(16),
        # a worker killed is found out after 30 s (the default: 5 minutes)
        "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": "30",
    }
    with ExitStack() as stack:
        redis: list[str | Path] = [REDIS, "--port", str(redis_port), "--bind", "127.0.0.1",
                                   "--save", "", "--appendonly", "no", "--dir", folder]  # fmt: skip
        stack.enter_context(running(redis, {}, folder / "redis.log", listening(redis_port), 30))
        control = _reached(url, folder / "control", AIRFLOW__API__HOST="127.0.0.1", **shared)
        log = folder / "control.log"
        stack.enter_context(running([NODE, "control"], control, log, _healthy(url), 300))
        workers = {}
        for name in ("worker-1", "worker-2"):
            home = folder / name
            (home / "tmp").mkdir(parents=True)
            env = _reached(url, home, TMPDIR=str(home / "tmp"), **shared)
            machine: list[str | Path] = [
                "unshare", "--uts", "sh", "-c",
                f'hostname {name} && cd "$SOHOA_HOME" && exec "$0" worker'
                " --celery-hostname sohoa@%h --skip-serve-logs",
                NODE,
            ]  # fmt: skip
            log = folder / f"{name}.log"
            ready = _says(log, " ready.")
            workers[name] = stack.enter_context(running(machine, env, log, ready, 120))
        yield Cluster(_reached(url, folder / "submitter", **services), workers)


def mapped_files(process: psutil.Process, *words: str) -> list[str] | None:
    """The files `process` has mapped when it is a live process whose command has `words`;
    None for another process, or one gone or left a zombie while it was looked at (a task's,
    or one its pool replaced)."""
    try:
        command = " ".join(process.cmdline()).split()  # a process title is one string
        if not all(w in command for w in words) or process.status() == psutil.STATUS_ZOMBIE:
            return None
        return [m.path for m in process.memory_maps()]
    except psutil.Error:
        return None


def _says(log: Path, words: str) -> Callable[[], bool]:
    return lambda: words in log.read_text(errors="replace")


def airflow_client(env: dict[str, str]) -> "Airflow":
    """sohoa's client of the Airflow `env` reaches."""
    from pipelines.uploads.airflow import Airflow

    return Airflow(
        Settings(
            home=Path(env["SOHOA_HOME"]),
            airflow_url=env["SOHOA_AIRFLOW_URL"],
            airflow_password=env["SOHOA_AIRFLOW_PASSWORD"],
        )
    )


def run_sohoa(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """`sohoa` with exactly the environment `env`."""
    return subprocess.run(
        [SOHOA, *args], env=env, capture_output=True, text=True, timeout=900, check=False
    )


def archived(env: dict[str, str]) -> set[str]:
    """The names of the documents archived in the catalog of `env`."""
    home = Path(env["SOHOA_HOME"])
    url = env.get("SOHOA_DATABASE_URL") or Settings(home=home).database_url
    return {doc.source_name for doc in Catalog(url).documents()}
