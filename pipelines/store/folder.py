"""The archive store in a folder of a local or mounted disk (`file:///srv/archive`)."""

import errno
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from archive_schema.claims import process_alive, this_process
from pipelines.store.base import ABANDONED, Lock, StoreRefused, StoreUnavailable, checked_key

INCOMING = ".incoming"  # where a folder store writes an object before moving it in place


class FileStore:
    """An archive folder on a local or mounted disk (`file:///srv/archive`). A folder cannot
    enforce locks: a retention period needs an S3 store with Object Lock. Each object is
    written into `.incoming/` first, named by the process writing it, then moved in place."""

    def __init__(self, root: Path):
        self.root = root
        self.url = root.as_uri()
        self.incoming = root / INCOMING
        self.incoming.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        return self.root.joinpath(*checked_key(key).parts)

    def put(
        self, key: str, source: Path | bytes, lock: Lock | None = None, sha256: str = ""
    ) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=self.incoming, prefix=f"{this_process()}:")
        try:
            os.fchmod(fd, 0o644)  # mkstemp makes it private; the archive is read by others
            with os.fdopen(fd, "wb") as out:
                if isinstance(source, bytes):
                    out.write(source)
                else:
                    with source.open("rb") as data:
                        shutil.copyfileobj(data, out, 1 << 20)
                out.flush()
                os.fsync(out.fileno())
            Path(temporary).replace(path)
        except BaseException as error:
            Path(temporary).unlink(missing_ok=True)
            if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
                raise StoreUnavailable(f"{self.url}: the disk is full ({key})") from error
            raise

    def open(self, key: str) -> BinaryIO:
        try:
            return self._path(key).open("rb")
        except FileNotFoundError as error:
            raise StoreRefused(f"no object {key!r} in {self.url}") from error

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def delete_prefix(self, prefix: str) -> None:
        for key in list(self.keys(prefix)):
            self.delete(key)

    def keys(self, prefix: str = "") -> Iterator[str]:
        for path in sorted(self.root.rglob("*")):
            key = path.relative_to(self.root).as_posix()
            if path.is_file() and key.startswith(prefix) and not _temporary(key):
                yield key

    def protect(self, key: str, lock: Lock) -> None:
        self._path(key)

    def strays(self) -> list[str]:
        """Temporary files of dead writers, in `.incoming/` and, as older versions of
        sohoa left them, beside their objects (`.incoming-*`)."""
        return [path.relative_to(self.root).as_posix() for path in self._strays(True)]

    def sweep(self, thorough: bool = False) -> int:
        """At a glance: the dead writers' files of `.incoming/`, one folder, cheap at every
        start; `thorough`: every stray of the archive."""
        strays = self._strays(thorough)
        for path in strays:
            path.unlink(missing_ok=True)
        return len(strays)

    def _strays(self, everywhere: bool) -> list[Path]:
        paths = self.root.rglob("*") if everywhere else self.incoming.iterdir()
        return sorted(
            path
            for path in paths
            if path.is_file()
            and _temporary(key := path.relative_to(self.root).as_posix())
            and _abandoned(path, key)
        )


def _abandoned(path: Path, key: str) -> bool:
    """A temporary file no live process is writing: its writer is dead, or of another
    machine and a day gone, or of an older sohoa (named `.incoming-*` beside its object)."""
    if not key.startswith(INCOMING + "/"):
        return True
    alive = process_alive(path.name.rsplit(":", 1)[0])
    if alive is None:
        return time.time() - path.stat().st_mtime > ABANDONED.total_seconds()
    return not alive


def _temporary(key: str) -> bool:
    return key.startswith(INCOMING + "/") or key.rsplit("/", 1)[-1].startswith(".incoming-")
