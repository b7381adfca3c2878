"""The archive on two independent media (TT 05/2025 asks for at least two copies): every
object written to the archive store is written to the replica too (SOHOA_REPLICA_URL, a
folder or another S3 bucket), read back there and checked against the same SHA-256, under
the same lock; deletions and locks go to both. Reads come from the archive store; `sohoa
verify` compares the two and repairs either side from the other (pipelines.upkeep.replica)."""

from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from archive_schema.identifiers import sha256_of, sha256_stream
from pipelines.store.base import Lock, Store, StoreDamaged


class ReplicatedStore:
    def __init__(self, primary: Store, replica: Store):
        self.primary, self.replica = primary, replica
        self.url = primary.url

    def put(
        self, key: str, source: Path | bytes, lock: Lock | None = None, sha256: str = ""
    ) -> None:
        sha256 = sha256 or sha256_of(source)
        self.primary.put(key, source, lock, sha256)
        put_checked(self.replica, key, source, lock, sha256)

    def open(self, key: str) -> BinaryIO:
        return self.primary.open(key)

    def exists(self, key: str) -> bool:
        return self.primary.exists(key)

    def delete(self, key: str) -> None:
        self.primary.delete(key)
        if self.replica.exists(key):
            self.replica.delete(key)

    def delete_prefix(self, prefix: str) -> None:
        self.primary.delete_prefix(prefix)
        self.replica.delete_prefix(prefix)

    def keys(self, prefix: str = "") -> Iterator[str]:
        return self.primary.keys(prefix)

    def protect(self, key: str, lock: Lock) -> None:
        self.primary.protect(key, lock)
        self.replica.protect(key, lock)

    def strays(self) -> list[str]:
        return self.primary.strays() + [f"{self.replica.url}: {k}" for k in self.replica.strays()]

    def sweep(self, thorough: bool = False) -> int:
        return self.primary.sweep(thorough) + self.replica.sweep(thorough)


def put_checked(
    store: Store, key: str, source: Path | bytes, lock: Lock | None, sha256: str
) -> None:
    """Write an object and read it back: the copy that is not read every day is checked now."""
    store.put(key, source, lock, sha256)
    with store.open(key) as written:
        if sha256_stream(written) != sha256:
            raise StoreDamaged(f"{key} read back from {store.url} differs from what was written")
