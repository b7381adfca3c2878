"""The archive store: where packages live, the source of truth of the archive.

Keys are '/'-separated paths such as `records/<id>/metadata.json`. Writes are atomic per
object, so a reader sees a whole object or none; a package counts as written only once its
checksum list, written last, is there.
"""

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Protocol
from urllib.parse import unquote, urlparse

from archive_schema.errors import UserError


class StoreError(UserError, RuntimeError):
    """The store refused or failed an operation; the message names the key."""


class Store(Protocol):
    url: str

    def put(self, key: str, source: Path | bytes) -> None: ...
    def open(self, key: str) -> BinaryIO: ...
    def exists(self, key: str) -> bool: ...
    def delete(self, key: str) -> None: ...
    def keys(self, prefix: str = "") -> Iterator[str]: ...


class FileStore:
    """An archive folder on a local or mounted disk (`file:///srv/archive`)."""

    def __init__(self, root: Path):
        self.root = root
        self.url = root.as_uri()
        root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        parts = PurePosixPath(key).parts
        if not parts or key.startswith("/") or any(part in ("..", ".") for part in parts):
            raise StoreError(f"invalid store key {key!r}")
        return self.root.joinpath(*parts)

    def put(self, key: str, source: Path | bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
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
            if path.is_file() and key.startswith(prefix) and not path.name.startswith(".incoming-"):
                yield key


def open_store(url: str) -> Store:
    parsed = urlparse(url)
    if parsed.scheme == "file":
        return FileStore(Path(unquote(parsed.path)))
    raise StoreError(f"SOHOA_STORAGE_URL {url!r}: only file:// archive stores are supported so far")
