"""The archive in S3 object storage (MinIO on premises, or any S3), through boto3.

Every object is sent with its SHA-256 (`ChecksumAlgorithm`: S3 checks each part on
arrival) and carries its whole-file SHA-256 in its metadata, checked again as it is read.
Large files go in multipart, streamed from disk. When the bucket has Object Lock, a lock
becomes the object's retention date (compliance or governance mode) and legal hold.
"""

import hashlib
import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from archive_schema.identifiers import sha256_of
from pipelines.store.base import (
    ABANDONED,
    Lock,
    StoreDamaged,
    StoreRefused,
    StoreUnavailable,
    checked_key,
)

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import ObjectIdentifierTypeDef, ObjectLockRetentionTypeDef

SHA256_METADATA = "sha256"
PART_SIZE = 16 << 20
# Parts in flight at once: memory stays near PART_SIZE * CONCURRENCY whatever the file size.
TRANSFER = TransferConfig(
    multipart_threshold=PART_SIZE,
    multipart_chunksize=PART_SIZE,
    max_concurrency=4,
    max_io_queue=8,
)
MISSING = {"NoSuchKey", "404", "NotFound"}
BUSY = {"SlowDown", "Throttling", "ThrottlingException", "RequestTimeout", "ServiceUnavailable"}


class S3Store:
    """`s3://bucket/prefix`: the archive under `prefix` in `bucket`."""

    def __init__(
        self,
        bucket: str,
        prefix: str,
        lock_mode: str,
        endpoint_url: str = "",
        region: str = "",
        attempts: int = 8,
    ):
        self.bucket = bucket
        self.prefix = f"{prefix}/" if prefix else ""
        self.url = f"s3://{bucket}/{prefix}"
        self.lock_mode = lock_mode.upper()
        if self.lock_mode not in ("COMPLIANCE", "GOVERNANCE"):
            raise StoreRefused(f"SOHOA_OBJECT_LOCK_MODE {lock_mode!r}: compliance or governance")
        self.client: S3Client = boto3.client(
            "s3",
            endpoint_url=endpoint_url or None,
            region_name=region or None,
            config=Config(
                retries={"mode": "standard", "max_attempts": attempts}, connect_timeout=10
            ),
        )
        self.locking = self._object_lock_enabled()

    def _object_lock_enabled(self) -> bool:
        with self._errors("cannot open the bucket"):
            try:
                answer = self.client.get_object_lock_configuration(Bucket=self.bucket)
            except ClientError as error:
                if _code(error) == "ObjectLockConfigurationNotFoundError":
                    return False
                raise
        return answer.get("ObjectLockConfiguration", {}).get("ObjectLockEnabled") == "Enabled"

    def _key(self, key: str) -> str:
        return self.prefix + checked_key(key).as_posix()

    def put(
        self, key: str, source: Path | bytes, lock: Lock | None = None, sha256: str = ""
    ) -> None:
        sha256 = sha256 or sha256_of(source)
        extra: dict[str, Any] = {
            "ChecksumAlgorithm": "SHA256",
            "Metadata": {SHA256_METADATA: sha256},
        }
        if lock and self.locking:
            extra |= self._lock_arguments(lock)
        bucket, name = self.bucket, self._key(key)
        with self._errors(f"cannot write {key!r}"):
            if isinstance(source, bytes):
                data = io.BytesIO(source)
                self.client.upload_fileobj(data, bucket, name, ExtraArgs=extra, Config=TRANSFER)
            else:  # each part is read from the file as it is sent, none held in memory
                self.client.upload_file(str(source), bucket, name, ExtraArgs=extra, Config=TRANSFER)

    def _lock_arguments(self, lock: Lock) -> dict[str, Any]:
        arguments: dict[str, Any] = {
            "ObjectLockLegalHoldStatus": "ON" if lock.legal_hold else "OFF"
        }
        if until := _future(lock.retain_until):
            arguments |= {"ObjectLockMode": self.lock_mode, "ObjectLockRetainUntilDate": until}
        return arguments

    def open(self, key: str) -> BinaryIO:
        with self._errors(f"cannot read {key!r}"):
            try:
                answer = self.client.get_object(
                    Bucket=self.bucket, Key=self._key(key), ChecksumMode="ENABLED"
                )
            except ClientError as error:
                if _code(error) in MISSING:
                    raise StoreRefused(f"no object {key!r} in {self.url}") from error
                raise
        expected = answer.get("Metadata", {}).get(SHA256_METADATA)
        return io.BufferedReader(_Verified(answer["Body"], expected, f"{self.url}/{key}"))

    def exists(self, key: str) -> bool:
        with self._errors(f"cannot look up {key!r}"):
            try:
                self.client.head_object(Bucket=self.bucket, Key=self._key(key))
            except ClientError as error:
                if _code(error) in MISSING:
                    return False
                raise
        return True

    def delete(self, key: str) -> None:
        """Delete every version of the object; S3 refuses those under retention or legal
        hold, and the error lists them."""
        self._delete(key, self._versions(self._key(key), True))

    def delete_prefix(self, prefix: str) -> None:
        """delete() of every object whose key starts with `prefix`, listed once."""
        self._delete(prefix, self._versions(self.prefix + prefix, True, exact=False))

    def _delete(self, key: str, found: list[tuple[str, str]]) -> None:
        versions: list[ObjectIdentifierTypeDef] = [
            {"Key": full, "VersionId": version} for full, version in found
        ]
        refused = []
        for start in range(0, len(versions), 1000):
            with self._errors(f"cannot delete {key!r}"):
                answer = self.client.delete_objects(
                    Bucket=self.bucket, Delete={"Objects": versions[start : start + 1000]}
                )
            refused += answer.get("Errors", [])
        if refused:
            reasons = sorted({f"{e.get('Code')}: {e.get('Message')}" for e in refused})
            raise StoreRefused(
                f"{self.url} refused to delete {key!r} ({len(refused)} of {len(versions)}"
                f" versions): {'; '.join(reasons)}"
            )

    def _versions(
        self, full: str, markers: bool = False, exact: bool = True
    ) -> list[tuple[str, str]]:
        """(S3 key, version id) of every version of the object `full` (not `exact`: of
        every object under the prefix `full`), and of its delete markers when asked."""
        key = full.removeprefix(self.prefix)
        pages = self.client.get_paginator("list_object_versions").paginate(
            Bucket=self.bucket, Prefix=full
        )
        found = []
        with self._errors(f"cannot list the versions of {key!r}"):
            for page in pages:
                found += [(v["Key"], v["VersionId"]) for v in page.get("Versions", [])]
                if markers:
                    found += [(m["Key"], m["VersionId"]) for m in page.get("DeleteMarkers", [])]
        return [(name, version) for name, version in found if name == full or not exact]

    def keys(self, prefix: str = "") -> Iterator[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix + prefix
        )
        with self._errors("cannot list the archive"):
            for page in pages:
                for item in page.get("Contents", []):
                    yield item["Key"].removeprefix(self.prefix)

    def protect(self, key: str, lock: Lock) -> None:
        """Set the legal hold of every version of the object (earlier versions of a
        record's metadata included), and lengthen their retention to the lock's date. A
        retention is never shortened: S3 refuses it in compliance mode, and in governance
        mode without the right to bypass it; the longer date stays."""
        if not self.locking:
            return
        until = _future(lock.retain_until)
        for full, version in self._versions(self._key(key)):
            with self._errors(f"cannot lock {key!r}"):
                if until and until > self._retained_until(full, version):
                    retention: ObjectLockRetentionTypeDef = {
                        "Mode": self.lock_mode,  # type: ignore[typeddict-item]
                        "RetainUntilDate": until,
                    }
                    self.client.put_object_retention(
                        Bucket=self.bucket, Key=full, VersionId=version, Retention=retention
                    )
                self.client.put_object_legal_hold(
                    Bucket=self.bucket,
                    Key=full,
                    VersionId=version,
                    LegalHold={"Status": "ON" if lock.legal_hold else "OFF"},
                )

    def strays(self) -> list[str]:
        """Multipart uploads begun a day ago or more and never finished (their parts cost
        storage and show nowhere): a process killed while it uploaded."""
        return [f"{key} (unfinished upload {upload})" for key, upload in self._abandoned()]

    def sweep(self, thorough: bool = False) -> int:
        abandoned = self._abandoned()
        for key, upload in abandoned:
            with self._errors(f"cannot abort the unfinished upload of {key!r}"):
                self.client.abort_multipart_upload(
                    Bucket=self.bucket, Key=self.prefix + key, UploadId=upload
                )
        return len(abandoned)

    def _abandoned(self) -> list[tuple[str, str]]:
        cutoff = datetime.now(UTC) - ABANDONED
        pages = self.client.get_paginator("list_multipart_uploads").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        with self._errors("cannot list the unfinished uploads"):
            return [
                (item["Key"].removeprefix(self.prefix), item["UploadId"])
                for page in pages
                for item in page.get("Uploads", [])
                if item["Initiated"] < cutoff
            ]

    def _retained_until(self, full: str, version: str) -> datetime:
        answer = self.client.head_object(Bucket=self.bucket, Key=full, VersionId=version)
        return answer.get("ObjectLockRetainUntilDate") or datetime.min.replace(tzinfo=UTC)

    def lock(self, key: str) -> Lock:
        """The lock on the object's current version, as S3 reports it."""
        with self._errors(f"cannot look up {key!r}"):
            answer = self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        until = answer.get("ObjectLockRetainUntilDate")
        return Lock(
            retain_until=until.date() if until else None,
            legal_hold=answer.get("ObjectLockLegalHoldStatus") == "ON",
        )

    @contextmanager
    def _errors(self, what: str) -> Iterator[None]:
        """S3's and botocore's errors as StoreError naming the store and what failed."""
        try:
            yield
        except ClientError as error:
            detail = error.response["Error"].get("Message", "")
            message = f"{self.url}: {what}: {_code(error)} {detail}".rstrip()
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
            if _code(error) in BUSY or status >= 500:
                raise StoreUnavailable(message) from error
            raise StoreRefused(message) from error
        except BotoCoreError as error:
            raise StoreUnavailable(f"{self.url}: cannot reach the S3 server: {error}") from error


class _Verified(io.RawIOBase):
    """An object's body that checks its SHA-256 when the last byte has been read."""

    def __init__(self, body: Any, expected: str | None, name: str):
        self.body, self.expected, self.name = body, expected, name
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        chunk = self.body.read(len(buffer))
        if chunk:
            buffer[: len(chunk)] = chunk
            self.digest.update(chunk)
        elif self.expected and self.digest.hexdigest() != self.expected:
            raise StoreDamaged(
                f"{self.name}: SHA-256 is {self.digest.hexdigest()}, it was written with"
                f" {self.expected}: the object changed in the store"
            )
        return len(chunk)

    def close(self) -> None:
        self.body.close()
        super().close()


def _future(day: date | None) -> datetime | None:
    """Midnight UTC of `day` when it is still to come: S3 takes no past retention date."""
    if day is None:
        return None
    moment = datetime.combine(day, time(), UTC)
    return moment if moment > datetime.now(UTC) else None


def _code(error: Exception) -> str:
    return error.response["Error"].get("Code", "") if isinstance(error, ClientError) else ""
