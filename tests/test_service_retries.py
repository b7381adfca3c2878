"""A service unavailable for a while is waited for, and one that stays down is reported as
such: the archive store behind a real S3 server that is down at first (tests.outage), for
the embedded runner (the Airflow tasks: tests/test_dags.py)."""

import json
from pathlib import Path

import boto3

from archive_schema.catalog import Catalog
from samples.batch import write_batch
from tests.conftest import sohoa
from tests.outage import outage
from tests.s3_server import new_bucket, s3_settings


def stored_keys(bucket: str) -> list[str]:
    listed = boto3.client("s3").list_objects_v2(Bucket=bucket)
    return [item["Key"] for item in listed.get("Contents", [])]


def test_a_store_down_for_a_while_is_waited_for(
    s3_environment: dict[str, str], tmp_path: Path
) -> None:
    batch = write_batch(tmp_path / "batch", ["004"], dpi=200, condition="clean").path
    bucket = new_bucket()
    with outage(s3_environment["AWS_ENDPOINT_URL"]) as proxy:
        proxy.up_after(4)
        env = s3_settings(proxy.url, bucket, attempts=5)
        result = sohoa(tmp_path / "home", "ingest", str(batch), "--json", env=env)
    assert result.returncode == 0, result.stderr
    assert proxy.refused >= 1  # it was down, and sohoa tried again
    assert "trying again" in result.stderr
    (document,) = json.loads(result.stdout)["documents"]
    assert document["status"] == "archived"
    assert f"archive/records/{document['id']}/METS.xml" in stored_keys(bucket)


def test_a_store_that_stays_down_is_reported_as_unavailable(
    s3_environment: dict[str, str], tmp_path: Path
) -> None:
    batch = write_batch(tmp_path / "batch", ["004"], dpi=200, condition="clean").path
    bucket = new_bucket()
    home = tmp_path / "home"
    with outage(s3_environment["AWS_ENDPOINT_URL"]) as proxy:
        result = sohoa(home, "ingest", str(batch), env=s3_settings(proxy.url, bucket, 2))
    assert result.returncode == 4, result.stderr
    assert "sohoa: service unavailable:" in result.stderr and "cannot reach" in result.stderr
    assert "Traceback" not in result.stderr
    assert stored_keys(bucket) == []  # nothing half-archived
    assert list(Catalog(f"sqlite:///{home / 'catalog.db'}").documents()) == []
