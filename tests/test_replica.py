"""The second copy of the archive (SOHOA_REPLICA_URL): every object written to the archive
folder is written to a bucket of the real S3 server too, with its checksum and its lock;
`sohoa verify` repairs an object altered or deleted on either side from the other, as an
event of its record and a row of the audit log, and reports as lost one damaged on both."""

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest

from archive_schema.audit import AuditLog
from archive_schema.catalog import Catalog
from archive_schema.models import Document
from pipelines.archive import Archive
from pipelines.package.layout import METS_FILE, RECORD, package_prefix, report_key
from pipelines.package.locks import record_lock
from pipelines.store.replicated import ReplicatedStore
from pipelines.store.s3 import S3Store
from samples.batch import write_batch
from tests.conftest import make_settings, sohoa
from tests.s3_server import new_bucket

PREFIX = "copy"


@dataclass(frozen=True)
class Replicated:
    home: Path
    env: dict[str, str]
    bucket: str
    batch_id: str
    doc: Document

    @property
    def primary(self) -> Path:
        return self.home / "archive"

    def replica_sha256(self, key: str) -> str:
        body = boto3.client("s3").get_object(Bucket=self.bucket, Key=f"{PREFIX}/{key}")["Body"]
        return hashlib.sha256(body.read()).hexdigest()

    def primary_sha256(self, key: str) -> str:
        return hashlib.sha256((self.primary / key).read_bytes()).hexdigest()

    def verify(self, expect: int = 0) -> str:
        verified = sohoa(self.home, "verify", env=self.env)
        assert verified.returncode == expect, verified.stderr
        return verified.stderr

    def events(self) -> list[str]:
        catalog = Catalog(make_settings(self.home).database_url)
        return [e.detail for e in catalog.events(self.doc.id) if e.stage == "replica"]


@pytest.fixture(scope="module")
def replicated(
    s3_environment: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Replicated:
    root = tmp_path_factory.mktemp("replica")
    batch = write_batch(root / "batch", ("004", "016"), dpi=200, condition="clean", seed=5)
    bucket = new_bucket()
    env = {"SOHOA_REPLICA_URL": f"s3://{bucket}/{PREFIX}"}
    ingested = sohoa(root / "home", "ingest", str(batch.path), "--json", env=env)
    assert ingested.returncode == 0, ingested.stderr
    report = json.loads(ingested.stdout)
    doc = next(Catalog(make_settings(root / "home").database_url).documents())
    return Replicated(root / "home", env, bucket, report["batch_id"], doc)


def test_every_object_is_on_both_sides_with_its_checksum_and_lock(
    replicated: Replicated,
) -> None:
    settings = make_settings(replicated.home, replica_url=replicated.env["SOHOA_REPLICA_URL"])
    store = Archive(settings).store
    assert isinstance(store, ReplicatedStore) and isinstance(store.replica, S3Store)
    keys = sorted(store.primary.keys())
    assert set(store.replica.keys()) == set(keys)
    assert report_key(replicated.batch_id) in keys
    for key in keys:
        assert replicated.replica_sha256(key) == replicated.primary_sha256(key), key
    lock = record_lock(replicated.doc, settings.object_lock_permanent_years)
    for f in replicated.doc.files:
        assert store.replica.lock(f.key) == lock, f.key
    assert "all match" in replicated.verify()


def test_an_object_damaged_on_either_side_is_written_again_from_the_other(
    replicated: Replicated,
) -> None:
    doc, client = replicated.doc, boto3.client("s3")
    pdf = next(f.key for f in doc.files if f.role == "pdfa")
    text = next(f.key for f in doc.files if f.role == "text")
    mets, record = package_prefix(doc.id) + METS_FILE, package_prefix(doc.id) + RECORD
    report = report_key(replicated.batch_id)
    expected = {key: replicated.primary_sha256(key) for key in (pdf, text, mets, record, report)}

    # on the archive folder: a PDF altered, the record's metadata deleted
    (replicated.primary / pdf).write_bytes(b"%PDF-1.7 altered")
    (replicated.primary / record).unlink()
    stderr = replicated.verify()
    folder, bucket = replicated.primary.as_uri(), f"s3://{replicated.bucket}/{PREFIX}"
    for key in (pdf, record):
        assert f"{key}: damaged or missing in {folder}, written again from {bucket}" in stderr
        assert replicated.primary_sha256(key) == expected[key]

    # the batch's report, of which no checksum is recorded: two differing copies are left
    # to the operator; once the wrong one is deleted, the other is copied
    (replicated.primary / report).write_text("{}")
    stderr = replicated.verify(expect=1)
    assert f"{report}: the two copies differ and nothing recorded tells which is right" in stderr
    assert "1 undecided" in stderr and replicated.primary_sha256(report) != expected[report]
    (replicated.primary / report).unlink()
    assert f"{report}: damaged or missing in {folder}" in replicated.verify()
    assert replicated.primary_sha256(report) == expected[report]

    # on the bucket: the METS altered, a page's text deleted (a delete marker over it)
    client.put_object(Bucket=replicated.bucket, Key=f"{PREFIX}/{mets}", Body=b"<mets/>")
    client.delete_object(Bucket=replicated.bucket, Key=f"{PREFIX}/{text}")
    stderr = replicated.verify()
    for key in (mets, text):
        assert f"{key}: damaged or missing in {bucket}, written again from {folder}" in stderr
        assert replicated.replica_sha256(key) == expected[key]
    settings = make_settings(replicated.home)
    lock = record_lock(doc, settings.object_lock_permanent_years)
    replica = Archive(make_settings(replicated.home, **{"storage_url": bucket})).store
    assert isinstance(replica, S3Store) and replica.lock(text) == lock  # locked as before

    assert len(replicated.events()) == 4
    repairs = AuditLog(Catalog(settings.database_url)).entries(action="repair_copy")
    assert {e.target.split(":")[0] for e in repairs} == {pdf, record, report, mets, text}
    assert "all match" in replicated.verify()


def test_new_media_get_every_object_and_one_damaged_on_both_is_reported_lost(
    tmp_path: Path,
) -> None:
    batch = write_batch(tmp_path / "batch", ("016",), dpi=200, condition="clean", seed=6)
    ingested = sohoa(tmp_path / "home", "ingest", str(batch.path))  # no replica yet
    assert ingested.returncode == 0, ingested.stderr
    replica, primary = tmp_path / "replica", tmp_path / "home" / "archive"
    env = {"SOHOA_REPLICA_URL": replica.as_uri()}
    copied = sohoa(tmp_path / "home", "verify", env=env)
    assert copied.returncode == 0, copied.stderr
    objects = sorted(p.relative_to(primary) for p in primary.rglob("*") if p.is_file())
    assert len(objects) > 10
    assert sorted(p.relative_to(replica) for p in replica.rglob("*") if p.is_file()) == objects
    assert copied.stderr.count(f"written again from {primary.as_uri()}") == len(objects)

    catalog = Catalog(make_settings(tmp_path / "home").database_url)
    doc = next(catalog.documents())
    text = next(f.key for f in doc.files if f.role == "text")
    (primary / text).write_text("altered here")
    (replica / text).unlink()
    stray = f"{package_prefix(doc.id)}representations/text/data/extra.txt"
    (replica / stray).write_text("not part of the package")

    lost = sohoa(tmp_path / "home", "verify", env=env)
    assert lost.returncode == 1
    assert f"{text}: lost, no copy matches its recorded SHA-256" in lost.stderr
    assert f"{stray}: listed by no METS" in lost.stderr
    assert "1 lost, 1 undecided" in lost.stderr
    assert not (primary / stray).exists()  # never spread
    failed = [e.detail for e in catalog.events(doc.id) if e.outcome == "failed"]
    assert len(failed) == 1 and failed[0].startswith(f"{text}: lost")
