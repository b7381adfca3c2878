"""The archive store: where packages live, the source of truth of the archive.

Keys are '/'-separated paths such as `records/<id>/METS.xml`. Writes are atomic per
object, so a reader sees a whole object or none; a package counts as written only once its
METS, written last, is there. What a write killed half way leaves (a temporary file, an
unfinished multipart upload) is a stray: `verify` lists them, `sweep` removes them.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Protocol

from archive_schema.errors import IntegrityError, ServiceUnavailable, SohoaError, UserError

ABANDONED = timedelta(days=1)  # a write of another machine not finished by then is dead


class StoreError(SohoaError, RuntimeError):
    """Any fault of the archive store; the message names the store and the key (for the
    operator: the web says only that the archive store failed). One of the three below."""

    default_vi: str | None = (
        "Kho lưu trữ không thực hiện được yêu cầu; lỗi đã được ghi lại để quản trị viên xử lý."
    )


class StoreRefused(StoreError, UserError):
    """The store refused: a key it has not, a lock that keeps an object, a bad setting."""

    default_vi = StoreError.default_vi


class StoreUnavailable(StoreError, ServiceUnavailable):
    """The store cannot be reached, or is too slow or too busy: retried."""

    default_vi: str | None = "Kho lưu trữ tạm thời không truy cập được; hãy thử lại sau ít phút."


class StoreDamaged(StoreError, IntegrityError):
    """What the store holds does not match the checksum recorded of it: never retried."""

    default_vi = IntegrityError.default_vi


# What makes one object or package unreadable while the store itself works: caught to name
# the object and go on with the others (an unavailable store stops the work instead).
UNREADABLE = (StoreRefused, StoreDamaged)


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
    def delete_prefix(self, prefix: str) -> None:
        """Delete every object whose key starts with `prefix`."""

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
        raise StoreRefused(f"invalid store key {key!r}")
    return path
