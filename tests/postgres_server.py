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

from tests.services import free_port

BINARIES = sorted(Path("/usr/lib/postgresql").glob("*/bin"))


class PostgresServer:
    """The server of a cluster in `folder`, run by pg_ctl on `port`."""

    def __init__(self, folder: Path, port: int):
        self.folder, self.port = folder, port
        self._numbers = count(1)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """The URL of a database made now, empty."""
        name = f"catalog_{next(self._numbers)}_{os.getpid()}"
        with psycopg.connect(self._admin(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def pg_ctl(self, *action: str) -> None:
        """`start`, `stop -m fast` or `restart -m fast`, waiting until it is done."""
        options = (
            f"-p {self.port} -k {self.folder / 'sockets'} -c listen_addresses=127.0.0.1"
            " -c fsync=off -c max_connections=300"
        )
        log = self.folder / "postgres.log"
        try:
            _as_owner([BINARIES[-1] / "pg_ctl", *action, "-w", "-D", self.folder / "data", "-l",
                       log, "-o", options])  # fmt: skip
        except AssertionError as error:
            raise AssertionError(f"{error}\n{log.read_text()[-3000:]}") from None

    def _admin(self) -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres"


@contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    """The server, its cluster in a folder of its own (the tests' temporary folders are
    closed to the `postgres` user), stopped and removed afterwards."""
    if not BINARIES:
        raise RuntimeError(
            "PostgreSQL is not installed: run `make test` (tools/install-test-system)"
        )
    folder = Path(tempfile.mkdtemp(prefix="sohoa-postgres-"))
    try:
        data, sockets = folder / "data", folder / "sockets"
        for made in (folder, data, sockets):
            made.mkdir(exist_ok=True)
            if os.geteuid() == 0:
                shutil.chown(made, "postgres", "postgres")
        initdb = BINARIES[-1] / "initdb"
        _as_owner([initdb, "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8"])
        server = PostgresServer(folder, free_port())
        server.pg_ctl("start")
        try:
            yield server
        finally:
            server.pg_ctl("stop", "-m", "immediate")
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
