"""The archive in S3 (SOHOA_STORAGE_URL=s3://…) against the real S3 server: a batch
ingested, its objects locked until their review date, verified, altered behind sohoa's
back and caught, and the catalog rebuilt from the bucket."""

import json
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest

from archive_schema.catalog import Catalog
from pipelines.archive import Archive
from pipelines.package.layout import METS_FILE, package_prefix
from pipelines.package.locks import record_lock
from pipelines.settings import Settings
from pipelines.store.s3 import S3Store
from samples.batch import write_batch
from tests.conftest import make_settings, sohoa
from tests.s3_server import new_bucket


@dataclass(frozen=True)
class S3Archive:
    settings: Settings
    bucket: str
    env: dict[str, str]


@pytest.fixture(scope="module")
def s3_archive(
    s3_environment: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> S3Archive:
    root = tmp_path_factory.mktemp("s3-archive")
    batch = write_batch(root / "batch", ("002", "010"), dpi=300, condition="clean", seed=3)
    bucket = new_bucket()
    env = {"SOHOA_STORAGE_URL": f"s3://{bucket}/sohoa"}
    result = sohoa(root / "home", "ingest", str(batch.path), env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    settings = make_settings(root / "home", storage_url=env["SOHOA_STORAGE_URL"])
    return S3Archive(settings, bucket, env)


def test_ingest_writes_locked_packages_into_the_bucket(s3_archive: S3Archive) -> None:
    store = Archive(s3_archive.settings).store
    assert isinstance(store, S3Store) and store.locking
    documents = list(Catalog(s3_archive.settings.database_url).documents())
    assert len(documents) == 2
    listed = boto3.client("s3").list_objects_v2(Bucket=s3_archive.bucket, Prefix="sohoa/records/")
    keys = {item["Key"] for item in listed["Contents"]}
    for doc in documents:
        assert f"sohoa/{package_prefix(doc.id)}{METS_FILE}" in keys
        expected = record_lock(doc, s3_archive.settings.object_lock_permanent_years)
        for f in doc.files:
            assert store.lock(f.key) == expected, f.key
    found = json.loads(sohoa(s3_archive.settings.home, "search", "ủy ban", "--json").stdout)
    assert found["total"] >= 1


def test_verify_catches_what_was_done_behind_sohoas_back(s3_archive: S3Archive) -> None:
    home, env = s3_archive.settings.home, s3_archive.env
    passed = sohoa(home, "verify", env=env)
    assert passed.returncode == 0, passed.stderr
    doc = next(Catalog(s3_archive.settings.database_url).documents())
    client, bucket = boto3.client("s3"), s3_archive.bucket
    text = next(f.key for f in doc.files if f.role == "text")
    layout = next(f.key for f in doc.files if f.role == "layout")
    head = client.head_object(Bucket=bucket, Key=f"sohoa/{text}")
    altered = client.put_object(
        Bucket=bucket, Key=f"sohoa/{text}", Body=b"altered", Metadata=head["Metadata"]
    )
    marker = client.delete_object(Bucket=bucket, Key=f"sohoa/{layout}")  # allowed: a marker
    client.put_object(Bucket=bucket, Key=f"sohoa/records/{doc.id}/stray.txt", Body=b"?")
    try:
        failed = sohoa(home, "verify", env=env)
    finally:  # the locked versions are all there: remove what was added over them
        for key, version in (
            (text, altered["VersionId"]),
            (layout, marker["VersionId"]),
        ):
            client.delete_object(Bucket=bucket, Key=f"sohoa/{key}", VersionId=version)
        client.delete_object(Bucket=bucket, Key=f"sohoa/records/{doc.id}/stray.txt")
    assert failed.returncode == 1
    assert "1 missing, 1 changed, 1 unexpected" in failed.stderr
    assert f"{text}: SHA-256 is unreadable" in failed.stderr
    assert "the object changed in the store" in failed.stderr
    assert f"{layout}: missing from s3://{bucket}/sohoa" in failed.stderr
    assert sohoa(home, "verify", env=env).returncode == 0  # what was locked is intact


def test_rebuild_from_the_bucket_alone(s3_archive: S3Archive, tmp_path: Path) -> None:
    home, env = s3_archive.settings.home, s3_archive.env
    before = sohoa(home, "search", "ủy ban", "--json").stdout
    rebuilt = sohoa(tmp_path / "new-home", "rebuild", env=env)  # a new machine, no catalog
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "2 records restored" in rebuilt.stderr
    assert sohoa(tmp_path / "new-home", "search", "ủy ban", "--json").stdout == before


def test_an_unreachable_s3_server_is_a_clear_error(s3_archive: S3Archive, tmp_path: Path) -> None:
    env = s3_archive.env | {"SOHOA_S3_ENDPOINT_URL": "http://127.0.0.1:9"}
    result = sohoa(tmp_path / "home", "verify", env=env)
    assert result.returncode == 4  # service unavailable (issue 16)
    assert "cannot reach the S3 server" in result.stderr
    assert "Traceback" not in result.stderr
