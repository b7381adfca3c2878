"""A real OpenSearch node for the tests and benchmarks, started by tools/opensearch-node on
a free loopback port and stopped by its pid."""

import os
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "tools" / "opensearch-node"
PORTS = range(9201, 9300)  # the runner's HTTP ports


@contextmanager
def opensearch_node(home: Path, heap: str = "512m") -> Iterator[str]:
    """Yields the node's URL."""
    port = _free_port()
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


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS} for OpenSearch")
