"""A throwaway PostgreSQL (Debian's `postgresql` package) for the tests: a cluster made
with initdb in a temporary folder, listening on loopback only, a fresh database for each
test that asks. As root (CI), the server runs as the `postgres` user, as initdb requires."""

import getpass
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from itertools import count
from pathlib import Path

import psycopg

from tests.services import free_port, listening, running

BINARIES = sorted(Path("/usr/lib/postgresql").glob("*/bin"))


class PostgresServer:
    def __init__(self, port: int):
        self.port = port
        self._numbers = count(1)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """The URL of a database made now, empty."""
        name = f"catalog_{next(self._numbers)}_{os.getpid()}"
        with psycopg.connect(self._admin(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def restart(self) -> None:
        """Drop every connection, as a restarted server does, and come back."""
        with psycopg.connect(self._admin(), autocommit=True) as connection:
            connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE pid <> pg_backend_pid() AND datname LIKE 'catalog_%'"
            )

    def _admin(self) -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres"


@contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    """The server, its cluster in a folder of its own (the tests' temporary folders are
    closed to the `postgres` user), removed afterwards."""
    if not BINARIES:
        raise RuntimeError(
            "PostgreSQL is not installed: run `make test` (tools/install-test-system)"
        )
    binaries = BINARIES[-1]
    folder = Path(tempfile.mkdtemp(prefix="sohoa-postgres-"))
    try:
        data, sockets = folder / "data", folder / "sockets"
        for made in (folder, data, sockets):
            made.mkdir(exist_ok=True)
            if os.geteuid() == 0:
                shutil.chown(made, "postgres", "postgres")
        _as_owner([binaries / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8"])
        port = free_port()
        command = [
            *_owner_prefix(),
            binaries / "postgres",
            "-D", data,
            "-p", str(port),
            "-k", sockets,
            "-c", "listen_addresses=127.0.0.1",
            "-c", "fsync=off",
            "-c", "max_connections=300",
        ]  # fmt: skip
        with running(command, dict(os.environ), folder / "postgres.log", listening(port), 60):
            yield PostgresServer(port)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _owner_prefix() -> list[str | Path]:
    """Root may not run PostgreSQL: its own user does."""
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def _as_owner(command: Sequence[str | Path]) -> None:
    done = subprocess.run(
        [*_owner_prefix(), *map(str, command)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"{command[0]} as {getpass.getuser()}: {done.stderr}"
