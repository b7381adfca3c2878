"""The archive store, the source of truth of the archive, chosen by its URL: a folder
(`file:///srv/archive`) or S3 (`s3://bucket/prefix`). Every implementation passes one
contract suite (tests/test_store.py)."""

from pathlib import Path
from urllib.parse import unquote, urlparse

from pipelines.store.base import (
    ABANDONED,
    UNREADABLE,
    Lock,
    Store,
    StoreDamaged,
    StoreError,
    StoreRefused,
    StoreUnavailable,
    checked_key,
)
from pipelines.store.folder import FileStore

__all__ = [
    "ABANDONED",
    "UNREADABLE",
    "FileStore",
    "Lock",
    "Store",
    "StoreDamaged",
    "StoreError",
    "StoreRefused",
    "StoreUnavailable",
    "checked_key",
    "open_store",
]


def open_store(
    url: str,
    lock_mode: str = "compliance",
    endpoint_url: str = "",
    region: str = "",
    attempts: int = 8,
) -> Store:
    """The store at `url`: `file:///path` or `s3://bucket/prefix`. For S3, `lock_mode` is
    the Object Lock mode of retention periods; `endpoint_url` and `region` override
    boto3's own (AWS_ENDPOINT_URL, AWS_REGION, ~/.aws/config); each request is tried up
    to `attempts` times, with backoff."""
    parsed = urlparse(url)
    if parsed.scheme == "file":
        return FileStore(Path(unquote(parsed.path)))
    if parsed.scheme == "s3" and parsed.netloc:
        from pipelines.store.s3 import S3Store  # boto3 is loaded only for an S3 archive

        return S3Store(
            parsed.netloc, parsed.path.strip("/"), lock_mode, endpoint_url, region, attempts
        )
    raise StoreRefused(
        f"SOHOA_STORAGE_URL {url!r}: the archive store is file:///path or s3://bucket/prefix"
    )
