"""The archive in S3 object storage (MinIO on premises, or any S3), through boto3.

Every object is sent with its SHA-256 (`ChecksumAlgorithm`: S3 checks each part on
arrival) and carries its whole-file SHA-256 in its metadata, checked again as it is read.
Large files go in multipart, streamed from disk. When the bucket has Object Lock, a lock
becomes the object's retention date (compliance or governance mode) and legal hold.
"""

import hashlib
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from pipelines.formats import sha256_file
from pipelines.store import Lock, StoreError, checked_key

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
RETRIES = Config(retries={"mode": "standard", "max_attempts": 8}, connect_timeout=10)
MISSING = {"NoSuchKey", "404", "NotFound"}


class S3Store:
    """`s3://bucket/prefix`: the archive under `prefix` in `bucket`."""

    def __init__(
        self, bucket: str, prefix: str, lock_mode: str, endpoint_url: str = "", region: str = ""
    ):
        self.bucket = bucket
        self.prefix = f"{prefix}/" if prefix else ""
        self.url = f"s3://{bucket}/{prefix}"
        self.lock_mode = lock_mode.upper()
        if self.lock_mode not in ("COMPLIANCE", "GOVERNANCE"):
            raise StoreError(f"SOHOA_OBJECT_LOCK_MODE {lock_mode!r}: compliance or governance")
        self.client: S3Client = boto3.client(
            "s3", endpoint_url=endpoint_url or None, region_name=region or None, config=RETRIES
        )
        self.locking = self._object_lock_enabled()

    def _object_lock_enabled(self) -> bool:
        try:
            answer = self.client.get_object_lock_configuration(Bucket=self.bucket)
        except ClientError as error:
            if _code(error) == "ObjectLockConfigurationNotFoundError":
                return False
            raise self._error("cannot open the bucket", error) from error
        except BotoCoreError as error:
            raise StoreError(f"{self.url}: cannot reach the S3 server: {error}") from error
        return answer.get("ObjectLockConfiguration", {}).get("ObjectLockEnabled") == "Enabled"

    def _key(self, key: str) -> str:
        return self.prefix + checked_key(key).as_posix()

    def put(self, key: str, source: Path | bytes, lock: Lock | None = None) -> None:
        if isinstance(source, bytes):
            sha256 = hashlib.sha256(source).hexdigest()
        else:
            sha256 = sha256_file(source)
        extra: dict[str, Any] = {
            "ChecksumAlgorithm": "SHA256",
            "Metadata": {SHA256_METADATA: sha256},
        }
        if lock and self.locking:
            extra |= self._lock_arguments(lock)
        bucket, name = self.bucket, self._key(key)
        try:
            if isinstance(source, bytes):
                data = io.BytesIO(source)
                self.client.upload_fileobj(data, bucket, name, ExtraArgs=extra, Config=TRANSFER)
            else:  # each part is read from the file as it is sent, none held in memory
                self.client.upload_file(str(source), bucket, name, ExtraArgs=extra, Config=TRANSFER)
        except (ClientError, BotoCoreError) as error:
            raise self._error(f"cannot write {key!r}", error) from error

    def _lock_arguments(self, lock: Lock) -> dict[str, Any]:
        arguments: dict[str, Any] = {
            "ObjectLockLegalHoldStatus": "ON" if lock.legal_hold else "OFF"
        }
        if until := _future(lock.retain_until):
            arguments |= {"ObjectLockMode": self.lock_mode, "ObjectLockRetainUntilDate": until}
        return arguments

    def open(self, key: str) -> BinaryIO:
        try:
            answer = self.client.get_object(
                Bucket=self.bucket, Key=self._key(key), ChecksumMode="ENABLED"
            )
        except ClientError as error:
            if _code(error) in MISSING:
                raise StoreError(f"no object {key!r} in {self.url}") from error
            raise self._error(f"cannot read {key!r}", error) from error
        expected = answer.get("Metadata", {}).get(SHA256_METADATA)
        return io.BufferedReader(_Verified(answer["Body"], expected, f"{self.url}/{key}"))

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as error:
            if _code(error) in MISSING:
                return False
            raise self._error(f"cannot look up {key!r}", error) from error
        return True

    def delete(self, key: str) -> None:
        """Delete every version of the object; S3 refuses those under retention or legal
        hold, and the error lists them."""
        versions: list[ObjectIdentifierTypeDef] = [
            {"Key": full, "VersionId": version} for full, version in self._versions(key, True)
        ]
        refused = []
        for start in range(0, len(versions), 1000):
            answer = self.client.delete_objects(
                Bucket=self.bucket, Delete={"Objects": versions[start : start + 1000]}
            )
            refused += answer.get("Errors", [])
        if refused:
            reasons = sorted({f"{e.get('Code')}: {e.get('Message')}" for e in refused})
            raise StoreError(
                f"{self.url} refused to delete {key!r} ({len(refused)} of {len(versions)}"
                f" versions): {'; '.join(reasons)}"
            )

    def _versions(self, key: str, markers: bool = False) -> list[tuple[str, str]]:
        """(S3 key, version id) of every version of an object, and of its delete markers
        when asked."""
        full = self._key(key)
        pages = self.client.get_paginator("list_object_versions").paginate(
            Bucket=self.bucket, Prefix=full
        )
        found = []
        for page in pages:
            found += [(v["Key"], v["VersionId"]) for v in page.get("Versions", [])]
            if markers:
                found += [(m["Key"], m["VersionId"]) for m in page.get("DeleteMarkers", [])]
        return [(name, version) for name, version in found if name == full]

    def keys(self, prefix: str = "") -> Iterator[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix + prefix
        )
        try:
            for page in pages:
                for item in page.get("Contents", []):
                    yield item["Key"].removeprefix(self.prefix)
        except ClientError as error:
            raise self._error("cannot list the archive", error) from error

    def protect(self, key: str, lock: Lock) -> None:
        """Set the retention date and legal hold of every version of the object (earlier
        versions of a record's metadata included). S3 refuses to shorten a compliance-mode
        retention, and a governance one without the right to bypass it."""
        if not self.locking:
            return
        for full, version in self._versions(key):
            try:
                if until := _future(lock.retain_until):
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
            except ClientError as error:
                raise self._error(f"cannot lock {key!r}", error) from error

    def lock(self, key: str) -> Lock:
        """The lock on the object's current version, as S3 reports it."""
        answer = self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        until = answer.get("ObjectLockRetainUntilDate")
        return Lock(
            retain_until=until.date() if until else None,
            legal_hold=answer.get("ObjectLockLegalHoldStatus") == "ON",
        )

    def _error(self, what: str, error: Exception) -> StoreError:
        detail = _message(error)
        return StoreError(f"{self.url}: {what}: {_code(error) or error} {detail}".rstrip())


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
            raise StoreError(
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


def _message(error: Exception) -> str:
    return error.response["Error"].get("Message", "") if isinstance(error, ClientError) else ""
