"""A real S3 server for the tests and benchmarks: moto's standalone server on loopback,
spoken to over HTTP by boto3, with buckets that have Object Lock."""

import os
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import boto3

from tests.services import answers, free_port, running

MOTO_SERVER = Path(sys.executable).parent / "moto_server"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "sohoa-test",
    "AWS_SECRET_ACCESS_KEY": "sohoa-test-secret",
    "AWS_DEFAULT_REGION": "ap-southeast-1",
}


@contextmanager
def s3_server(log: Path) -> Iterator[dict[str, str]]:
    """Yields the environment that points boto3 at the server."""
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    command: list[str | Path] = [MOTO_SERVER, "-H", "127.0.0.1", "-p", str(port)]
    with running(command, os.environ.copy(), log, answers(endpoint, lambda r: True), 60):
        yield CREDENTIALS | {"AWS_ENDPOINT_URL": endpoint}


def new_bucket(object_lock: bool = True) -> str:
    """A bucket of its own for a test, with Object Lock (and so versioning) when asked;
    returns its name. boto3 finds the server through the environment."""
    name = f"sohoa-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3")
    region = os.environ["AWS_DEFAULT_REGION"]
    client.create_bucket(
        Bucket=name,
        CreateBucketConfiguration={"LocationConstraint": region},  # type: ignore[typeddict-item]
        ObjectLockEnabledForBucket=object_lock,
    )
    return name


def s3_settings(endpoint: str, bucket: str, attempts: int) -> dict[str, str]:
    """The archive in `bucket` behind `endpoint`; one try per S3 request, so that what is
    measured is sohoa's own waiting, `attempts` times, from one second on."""
    return {
        "SOHOA_STORAGE_URL": f"s3://{bucket}/archive",
        "SOHOA_S3_ENDPOINT_URL": endpoint,
        "SOHOA_S3_ATTEMPTS": "1",
        "SOHOA_SERVICE_ATTEMPTS": str(attempts),
        "SOHOA_SERVICE_RETRY_SECONDS": "1",
    }
