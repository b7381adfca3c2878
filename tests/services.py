"""Starting and stopping the servers the tests run (sohoa serve, airflow standalone)."""

import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running(
    command: Sequence[str | Path],
    env: dict[str, str],
    log: Path,
    ready: Callable[[], bool],
    timeout: float,
) -> Iterator[subprocess.Popen[bytes]]:
    """Runs `command` in its own process group, logging to `log`, until `ready()` says it
    answers; stops the group with SIGINT afterwards (uvicorn and Airflow shut down cleanly
    on it), SIGKILL if that takes too long."""
    with log.open("w") as output:
        process = subprocess.Popen(
            command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        _wait(process, log, ready, timeout)
        yield process
    finally:
        with suppress(ProcessLookupError):  # a test may have stopped it already
            os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def answers(url: str, check: Callable[[httpx.Response], bool]) -> Callable[[], bool]:
    """A `ready` test: `url` answers and `check` likes the answer."""

    def ready() -> bool:
        try:
            return check(httpx.get(url, timeout=5))
        except (httpx.HTTPError, ValueError):
            return False

    return ready


def listening(port: int) -> Callable[[], bool]:
    """A `ready` test: something accepts connections on loopback `port`."""

    def ready() -> bool:
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", port)) == 0

    return ready


def _wait(
    process: subprocess.Popen[bytes], log: Path, ready: Callable[[], bool], timeout: float
) -> None:
    name = Path(str(process.args[0])).name  # type: ignore[index]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} stopped:\n{log.read_text()[-3000:]}")
        if ready():
            return
        time.sleep(0.5)
    raise RuntimeError(f"{name} did not answer in {timeout:.0f} s:\n{log.read_text()[-3000:]}")
