"""The archive store: where packages live, the source of truth of the archive.

Keys are '/'-separated paths such as `records/<id>/METS.xml`. Writes are atomic per
object, so a reader sees a whole object or none; a package counts as written only once its
METS, written last, is there. What a write killed half way leaves (a temporary file, an
unfinished multipart upload) is a stray: `verify` lists them, `sweep` removes them.
"""

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Protocol
from urllib.parse import unquote, urlparse

from archive_schema.claims import process_alive, this_process
from archive_schema.errors import UserError

INCOMING = ".incoming"  # where a folder store writes an object before moving it in place
ABANDONED = timedelta(days=1)  # a write of another machine not finished by then is dead


class StoreError(UserError, RuntimeError):
    """The store refused or failed an operation; the message names the key (for the
    operator: the web says only that the archive store failed)."""

    def __init__(self, message: str, vi: str | None = None):
        super().__init__(
            message,
            vi
            or "Kho lưu trữ không thực hiện được yêu cầu; lỗi đã được ghi lại để quản trị"
            " viên xử lý.",
        )


@dataclass(frozen=True)
class Lock:
    """What protects an object from deletion and overwriting: a retention date, a legal
    hold, or both. Only a store with Object Lock enforces it."""

    retain_until: date | None = None
    legal_hold: bool = False


class Store(Protocol):
    url: str

    def put(
        self, key: str, source: Path | bytes, lock: Lock | None = None, sha256: str = ""
    ) -> None:
        """Write `source` at `key`; `sha256`, when the caller knows it, saves hashing it."""

    def open(self, key: str) -> BinaryIO: ...
    def exists(self, key: str) -> bool: ...
    def delete(self, key: str) -> None: ...
    def keys(self, prefix: str = "") -> Iterator[str]: ...
    def protect(self, key: str, lock: Lock) -> None: ...

    def strays(self) -> list[str]:
        """What writes that died half way left behind (no live process is writing it)."""

    def sweep(self, thorough: bool = False) -> int:
        """Remove the strays of dead writes (never those of writes under way), those found
        at a glance, or `thorough`ly all of them; returns how many."""


def checked_key(key: str) -> PurePosixPath:
    """The parts of a key; a key that could leave the store is refused."""
    path = PurePosixPath(key)
    if not path.parts or key.startswith("/") or any(part in ("..", ".") for part in path.parts):
        raise StoreError(f"invalid store key {key!r}")
    return path


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
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def open(self, key: str) -> BinaryIO:
        try:
            return self._path(key).open("rb")
        except FileNotFoundError as error:
            raise StoreError(f"no object {key!r} in {self.url}") from error

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

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


def open_store(
    url: str, lock_mode: str = "compliance", endpoint_url: str = "", region: str = ""
) -> Store:
    """The store at `url`: `file:///path` or `s3://bucket/prefix`. For S3, `lock_mode` is
    the Object Lock mode of retention periods; `endpoint_url` and `region` override
    boto3's own (AWS_ENDPOINT_URL, AWS_REGION, ~/.aws/config)."""
    parsed = urlparse(url)
    if parsed.scheme == "file":
        return FileStore(Path(unquote(parsed.path)))
    if parsed.scheme == "s3" and parsed.netloc:
        from pipelines.s3_store import S3Store  # boto3 is loaded only for an S3 archive

        return S3Store(parsed.netloc, parsed.path.strip("/"), lock_mode, endpoint_url, region)
    raise StoreError(
        f"SOHOA_STORAGE_URL {url!r}: the archive store is file:///path or s3://bucket/prefix"
    )
