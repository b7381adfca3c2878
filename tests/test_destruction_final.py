"""Destruction is final: the same scans ingested again after an executed destruction (or
one under way) are quarantined, naming the decision, and stay destroyed until the records
office readmits them by an audited act."""

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from archive_schema.access import Role, User
from archive_schema.accounts import Accounts
from archive_schema.audit import AuditLog
from archive_schema.catalog import Catalog
from archive_schema.disposal import Disposals
from archive_schema.review import Review
from archive_schema.vietnamese import vn_date
from pipelines.archive import Archive
from pipelines.records_office.destruction import execute
from samples.batch import write_batch
from tests.conftest import make_settings, sohoa

pytestmark = pytest.mark.usefixtures("catalog_backend")  # on SQLite and on PostgreSQL

PASSWORD = "mat-khau-du-dai"


def ingest_json(home: Path, batch: Path) -> tuple[int, dict[str, Any]]:
    result = sohoa(home, "ingest", str(batch), "--json")
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def approved_destruction(home: Path, record_id: str) -> tuple[Accounts, Disposals, User, int]:
    accounts = Accounts(Catalog(make_settings(home).database_url))
    officer = accounts.add("thu", PASSWORD, Role.RECORDS_OFFICER)
    disposals = Disposals(accounts.catalog)
    number = disposals.propose([record_id], "Hết giá trị", officer, date.today()).id
    for name in ("an", "binh"):
        disposals.vote(number, accounts.add(name, PASSWORD, Role.COUNCIL), True, "đồng ý")
    return accounts, disposals, officer, number


def archived_once(tmp_path: Path) -> tuple[Path, Path, dict[str, Any]]:
    home = tmp_path / "home"
    batch = write_batch(tmp_path / "batch", ["004"], dpi=200, condition="clean").path
    status, report = ingest_json(home, batch)
    assert status == 0, report
    return home, batch, report["documents"][0]


def test_a_destroyed_record_is_not_archived_again_until_readmitted(tmp_path: Path) -> None:
    home, batch, document = archived_once(tmp_path)
    record_id = document["id"]
    accounts, disposals, officer, number = approved_destruction(home, record_id)
    execute(Archive(make_settings(home)), number, officer)
    decided = disposals.proposal(number).decided_at
    assert decided is not None

    status, report = ingest_json(home, batch)
    assert status == 1
    (again,) = report["documents"]
    assert again["status"] == "quarantined"
    assert f"đã hủy theo quyết định số {number} ngày {vn_date(decided)}" in again["reason"]
    assert f"sohoa disposal readmit {record_id}" in again["reason"]
    assert accounts.catalog.status(record_id) is None  # not back in the catalog
    assert Review(accounts.catalog).due(date.today()) == []  # nor on "Xem xét hủy"
    assert [t.document_id for t in disposals.tombstones()] == [record_id]
    quarantine = home / "archive" / "batches" / report["batch_id"] / "quarantine"
    assert [p.name for p in quarantine.iterdir()] == [document["name"]]

    readmit = ("disposal", "readmit", record_id, "--user", "thu", "--password-stdin")
    refused = sohoa(home, *readmit, "--reason", " ", stdin=PASSWORD + "\n")
    assert refused.returncode == 2 and "reason" in refused.stderr
    assert ingest_json(home, batch)[0] == 1  # still refused
    why = "Bản gốc tìm lại, Sở Nội vụ đồng ý lưu lại"
    readmitted = sohoa(home, *readmit, "--reason", why, stdin=PASSWORD + "\n")
    assert readmitted.returncode == 0, readmitted.stderr
    (act,) = AuditLog(accounts.catalog).entries(action="readmit")
    assert act.user == "thu" and record_id in act.target and why in act.target
    status, report = ingest_json(home, batch)
    assert status == 0 and report["documents"][0]["status"] == "archived", report
    (stone,) = disposals.tombstones()
    assert (stone.readmitted_by, stone.readmit_reason) == ("thu", why)


def test_a_record_whose_destruction_is_under_way_is_not_archived_again(tmp_path: Path) -> None:
    home, batch, document = archived_once(tmp_path)
    _, disposals, officer, number = approved_destruction(home, document["id"])
    disposals.begin(number, officer)  # as a crash half way through the execution leaves it
    status, report = ingest_json(home, batch)
    assert status == 1
    (again,) = report["documents"]
    assert again["status"] == "quarantined"
    assert f"đang được hủy theo quyết định số {number}" in again["reason"]
    assert disposals.catalog.status(document["id"]) == "destroying"
