"""A real OpenSearch node for the tests and benchmarks, started by tools/opensearch-node on
a free loopback port and stopped by its pid."""

import fcntl
import os
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "tools" / "opensearch-node"
PORTS = range(9201, 9300)  # the runner's HTTP ports
# Two nodes started at once (pytest -n 2, two benchmarks) would both find a port free before
# either listens on it: each node holds a lock on its port's file for its lifetime.
PORT_LOCKS = Path(tempfile.gettempdir()) / "sohoa-opensearch-ports"


@contextmanager
def opensearch_node(home: Path, heap: str = "512m") -> Iterator[str]:
    """Yields the node's URL."""
    port, lock = _reserve_port()
    env = os.environ | {
        "SOHOA_OPENSEARCH_HOME": str(home),
        "SOHOA_OPENSEARCH_PORT": str(port),
        "SOHOA_OPENSEARCH_HEAP": heap,
    }
    started = subprocess.run([NODE, "start"], env=env, capture_output=True, text=True)
    if started.returncode:
        raise RuntimeError(f"OpenSearch did not start:\n{started.stdout}{started.stderr}")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        subprocess.run([NODE, "stop"], env=env, capture_output=True, check=True)
        lock.close()


def _reserve_port() -> tuple[int, IO[bytes]]:
    """A free port and the open lock file that keeps other nodes of this machine off it."""
    PORT_LOCKS.mkdir(exist_ok=True)
    for port in PORTS:
        lock = (PORT_LOCKS / str(port)).open("ab")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                lock.close()
                continue
        return port, lock
    raise RuntimeError(f"no free port in {PORTS} for OpenSearch")
