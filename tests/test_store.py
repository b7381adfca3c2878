"""Contract of the archive store, run against every backend; then what only S3 does:
Object Lock, checksums checked on read, multipart."""

import os
import socket
from datetime import date, timedelta
from pathlib import Path

import boto3
import pytest

from archive_schema.claims import this_process
from bench.s3_upload import random_file, upload_figures
from pipelines.store import FileStore, Lock, Store, StoreError, open_store
from pipelines.store.s3 import PART_SIZE, S3Store

NEXT_YEAR = date.today() + timedelta(days=366)


@pytest.fixture(params=["file", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    if request.param == "s3":
        return open_store(request.getfixturevalue("s3_url"))
    return open_store((tmp_path / "archive").as_uri())


@pytest.fixture
def s3(s3_url: str) -> S3Store:
    store = open_store(s3_url)
    assert isinstance(store, S3Store) and store.locking
    return store


def test_put_then_read_back(store: Store, tmp_path: Path) -> None:
    source = tmp_path / "scan.tif"
    source.write_bytes(b"II*\0" + bytes(range(256)) * 100)
    store.put("records/a/original/scan.tif", source)
    store.put("records/a/metadata.json", '{"tên": "Hòa"}'.encode())
    with store.open("records/a/original/scan.tif") as data:
        assert data.read() == source.read_bytes()
    assert store.exists("records/a/metadata.json")
    assert not store.exists("records/a/other.json")
    assert list(store.keys("records/a/")) == [
        "records/a/metadata.json",
        "records/a/original/scan.tif",
    ]


def test_overwrite_replaces_and_delete_removes(store: Store) -> None:
    store.put("k/x.txt", b"one")
    store.put("k/x.txt", b"two")
    with store.open("k/x.txt") as data:
        assert data.read() == b"two"
    store.delete("k/x.txt")
    assert not store.exists("k/x.txt")
    assert list(store.keys("k/")) == []
    store.delete("k/x.txt")  # deleting what is gone is not an error
    with pytest.raises(StoreError, match=r"no object 'k/x\.txt'"):
        store.open("k/x.txt")


def test_delete_prefix_removes_every_version_under_it_and_nothing_beside(store: Store) -> None:
    for key in ("batch/incoming/a.tif", "batch/incoming/b/c.tif", "batch/incoming-kept.txt"):
        store.put(key, b"one")
        store.put(key, b"two")
    store.delete_prefix("batch/incoming/")
    assert list(store.keys("batch/")) == ["batch/incoming-kept.txt"]
    store.delete_prefix("batch/incoming/")  # nothing left: not an error


def test_an_expired_lock_does_not_keep_an_object(store: Store) -> None:
    store.put("k/old.txt", b"due", Lock(retain_until=date(2001, 1, 1)))
    store.delete("k/old.txt")
    assert not store.exists("k/old.txt")


@pytest.mark.parametrize("key", ["../outside", "/abs/key", "a/../../b", ""])
def test_keys_cannot_escape(store: Store, key: str) -> None:
    with pytest.raises(StoreError, match="invalid store key"):
        store.put(key, b"x")


def test_unsupported_url() -> None:
    with pytest.raises(StoreError, match=r"file:///path or s3://bucket/prefix"):
        open_store("ftp://example/archive")


def test_archived_files_are_readable_by_others(tmp_path: Path) -> None:
    store = open_store((tmp_path / "archive").as_uri())
    store.put("records/a/x.pdf", b"%PDF")
    assert (tmp_path / "archive" / "records" / "a" / "x.pdf").stat().st_mode & 0o777 == 0o644


def test_retention_keeps_an_object_from_deletion_and_overwriting(s3: S3Store) -> None:
    s3.put("records/a/x.pdf", b"original", Lock(retain_until=NEXT_YEAR))
    assert s3.lock("records/a/x.pdf") == Lock(retain_until=NEXT_YEAR)
    s3.put("records/a/x.pdf", b"overwritten")  # a new version; the locked one stays
    with pytest.raises(StoreError, match=r"refused to delete 'records/a/x\.pdf' \(1 of 2"):
        s3.delete("records/a/x.pdf")
    client = boto3.client("s3")
    versions = client.list_object_versions(Bucket=s3.bucket, Prefix="archive/records/a/x.pdf")
    kept = [v for v in versions.get("Versions", [])]
    assert len(kept) == 1
    old = client.get_object(Bucket=s3.bucket, Key=kept[0]["Key"], VersionId=kept[0]["VersionId"])
    assert old["Body"].read() == b"original"


def test_retention_is_lengthened_never_shortened(s3: S3Store) -> None:
    s3.put("records/a/x.pdf", b"%PDF", Lock(retain_until=NEXT_YEAR))
    later = NEXT_YEAR + timedelta(days=365)
    s3.protect("records/a/x.pdf", Lock(retain_until=later))
    assert s3.lock("records/a/x.pdf") == Lock(retain_until=later)
    s3.protect("records/a/x.pdf", Lock(retain_until=NEXT_YEAR, legal_hold=True))
    assert s3.lock("records/a/x.pdf") == Lock(retain_until=later, legal_hold=True)


def test_a_legal_hold_keeps_an_object_until_it_is_released(s3: S3Store) -> None:
    s3.put("records/a/x.pdf", b"%PDF")
    s3.protect("records/a/x.pdf", Lock(legal_hold=True))
    assert s3.lock("records/a/x.pdf") == Lock(legal_hold=True)
    with pytest.raises(StoreError, match="refused to delete"):
        s3.delete("records/a/x.pdf")
    assert s3.exists("records/a/x.pdf")
    s3.protect("records/a/x.pdf", Lock(legal_hold=False))
    s3.delete("records/a/x.pdf")
    assert not s3.exists("records/a/x.pdf")


def test_governance_mode(s3_url: str) -> None:
    store = open_store(s3_url, lock_mode="governance")
    store.put("k/x", b"x", Lock(retain_until=NEXT_YEAR))
    head = boto3.client("s3").head_object(Bucket=s3_url.split("/")[2], Key="archive/k/x")
    assert head["ObjectLockMode"] == "GOVERNANCE"
    with pytest.raises(StoreError, match="refused to delete"):
        store.delete("k/x")
    with pytest.raises(StoreError, match="SOHOA_OBJECT_LOCK_MODE 'forever'"):
        open_store(s3_url, lock_mode="forever")


def test_an_object_changed_behind_the_stores_back_is_caught_on_read(s3: S3Store) -> None:
    s3.put("records/a/x.txt", b"what was archived")
    client = boto3.client("s3")
    metadata = client.head_object(Bucket=s3.bucket, Key="archive/records/a/x.txt")["Metadata"]
    client.put_object(
        Bucket=s3.bucket, Key="archive/records/a/x.txt", Body=b"what was altered", Metadata=metadata
    )
    with (
        pytest.raises(StoreError, match=r"x\.txt: SHA-256 is .* the object changed in the store"),
        s3.open("records/a/x.txt") as data,
    ):
        data.read()


def test_a_large_file_goes_in_multipart(s3: S3Store, tmp_path: Path) -> None:
    big = tmp_path / "big.tif"
    big.write_bytes(bytes(range(256)) * (40 << 12))  # 40 MiB: three parts
    s3.put("records/a/big.tif", big)
    head = boto3.client("s3").head_object(Bucket=s3.bucket, Key="archive/records/a/big.tif")
    assert head["ETag"].strip('"').endswith("-3")
    with s3.open("records/a/big.tif") as data:
        assert data.read() == big.read_bytes()


def test_missing_bucket_and_unreachable_server(s3_environment: dict[str, str]) -> None:
    with pytest.raises(StoreError, match="s3://no-such-bucket/a: cannot open the bucket"):
        open_store("s3://no-such-bucket/a")
    with pytest.raises(StoreError, match="cannot reach the S3 server"):
        open_store("s3://b/a", endpoint_url="http://127.0.0.1:9")


def test_a_1_gib_file_goes_in_multipart_with_flat_memory(s3_url: str, tmp_path: Path) -> None:
    """Measured in a process of its own: memory does not grow with the file."""
    figures = {}
    for mib in (64, 1024):
        path = random_file(tmp_path / f"{mib}.bin", mib)
        figures[mib] = upload_figures(path, s3_url, dict(os.environ))
        path.unlink()
    assert figures[1024]["peak_mib"] < figures[64]["peak_mib"] + 32, figures
    bucket = s3_url.split("/")[2]
    head = boto3.client("s3").head_object(Bucket=bucket, Key="archive/bench/large.tif")
    assert head["ETag"].strip('"').endswith(f"-{1024 * 2**20 // PART_SIZE}")
    assert head["ContentLength"] == 1024 * 2**20


def test_a_write_killed_half_way_is_a_stray_until_swept(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.put("records/a/x.txt", b"whole")
    assert store.strays() == []
    if isinstance(store, S3Store):  # a multipart upload begun and never finished
        monkeypatch.setattr("pipelines.store.s3.ABANDONED", timedelta(0))
        store.client.create_multipart_upload(Bucket=store.bucket, Key=store.prefix + "records/a/y")
    else:
        assert isinstance(store, FileStore)
        (store.incoming / f"{socket.gethostname()}:{2**22 + 1}:tmp").write_bytes(b"half")
        (store.incoming / f"{this_process()}:tmp").write_bytes(b"being written")  # alive
    (stray,) = store.strays()
    assert "records/a/y" in stray or stray.startswith(".incoming/")
    assert list(store.keys()) == ["records/a/x.txt"]  # never listed as an object
    assert store.sweep() == 1 and store.strays() == []
    with store.open("records/a/x.txt") as data:
        assert data.read() == b"whole"
