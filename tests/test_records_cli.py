"""`sohoa retention …` and `sohoa disposal …`, run as a records officer and the council
would, on a small archive: import a schedule, see the review list, propose, approve twice,
execute, and read the story in the audit log."""

import json
import os
import subprocess
from pathlib import Path

import pytest

from archive_schema.audit import AuditLog
from archive_schema.catalog import Catalog
from tests.conftest import make_settings
from tests.records_archive import Archive, sample_archive
from tests.web_server import SOHOA, add_user

pytestmark = pytest.mark.usefixtures("catalog_backend")  # on SQLite and on PostgreSQL

PASSWORD = "mat-khau-2026"


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    archive = sample_archive(make_settings(tmp_path / "home"))
    add_user(archive.settings.home, "thu", "records_officer", PASSWORD)
    for member in ("an", "binh"):
        add_user(archive.settings.home, member, "council", PASSWORD)
    return archive


def sohoa(
    archive: Archive, *args: str, password: str | None = PASSWORD
) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"SOHOA_HOME": str(archive.settings.home)}
    return subprocess.run(
        [SOHOA, *args, *(["--password-stdin"] if password is not None else [])],
        input=f"{password}\n" if password is not None else None,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_schedule_round_trips_through_a_spreadsheet(archive: Archive, tmp_path: Path) -> None:
    sheet = tmp_path / "lich.xlsx"
    exported = sohoa(archive, "retention", "export", str(sheet), password=None)
    assert exported.returncode == 0 and "version 1 (36 rows)" in exported.stderr
    same = sohoa(
        archive, "retention", "import", str(sheet), "--reason", "no change", "--user", "thu"
    )
    assert same.returncode == 2 and "same as version 1" in same.stderr
    edited = tmp_path / "tt10.csv"
    edited.write_text(
        "Điều khoản,Tên nhóm hồ sơ tài liệu,Thời hạn bảo quản,Tên loại\n"
        "1.9,Công văn trao đổi,5,Công văn\n"
        "1.2,Quyết định,Vĩnh viễn,Quyết định\n",
        encoding="utf-8",
    )
    imported = sohoa(
        archive, "retention", "import", str(edited), "--reason", "TT 10/2022", "--user", "thu"
    )
    assert imported.returncode == 0, imported.stderr
    assert (
        "Version 2 (tt10@2): 2 rows; against version 1: 0 added, 2 changed, 34 removed"
        in imported.stderr
    )
    versions = sohoa(archive, "retention", "versions", password=None)
    assert "TT 10/2022" in versions.stdout and "sohoa" in versions.stdout


def test_a_bad_schedule_is_refused_with_its_rows_and_nothing_changes(
    archive: Archive, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("Điều khoản,Tên nhóm hồ sơ tài liệu,Thời hạn bảo quản\n1,A,mười năm\n1,B,5\n")
    refused = sohoa(archive, "retention", "import", str(bad), "--reason", "x", "--user", "thu")
    assert refused.returncode == 2
    assert "bad.csv: row 2: retention 'mười năm' is not a number of years" in refused.stderr
    assert "bad.csv: row 3: number 1 is used by row 2 too" in refused.stderr
    assert "| 2 " not in sohoa(archive, "retention", "versions", password=None).stdout
    wrong = sohoa(
        archive,
        "retention",
        "import",
        str(bad),
        "--reason",
        "x",
        "--user",
        "thu",
        password="wrong-password",
    )
    assert wrong.returncode == 2 and "wrong user name or password" in wrong.stderr
    council = sohoa(archive, "retention", "import", str(bad), "--reason", "x", "--user", "an")
    assert (
        council.returncode == 2
        and "an is a council: this needs a records_officer" in council.stderr
    )


def test_review_propose_approve_execute_and_the_audit_log(archive: Archive) -> None:
    due = sohoa(archive, "retention", "due", "--json", password=None)
    assert [json.loads(line)["id"] for line in due.stdout.splitlines()] == ["letter2010"]
    assert "1 records due for review" in due.stderr
    unclassified = sohoa(archive, "retention", "due", "--unclassified", "--json", password=None)
    assert json.loads(unclassified.stdout)["id"] == "invitation"
    permanent = sohoa(archive, "disposal", "propose", "decision", "--note", "x", "--user", "thu")
    assert permanent.returncode == 2 and "kept permanently" in permanent.stderr
    proposed = sohoa(
        archive, "disposal", "propose", "--due", "--note", "Hết giá trị", "--user", "thu"
    )
    assert proposed.returncode == 0 and "Proposal 1: 1 records" in proposed.stderr, proposed.stderr
    early = sohoa(archive, "disposal", "execute", "1", "--user", "thu")
    assert early.returncode == 2 and "0 of the 2 approvals" in early.stderr
    assert "1 approvals" in sohoa(archive, "disposal", "approve", "1", "--user", "an").stderr
    twice = sohoa(archive, "disposal", "approve", "1", "--user", "an")
    assert twice.returncode == 2 and "an has already approved proposal 1" in twice.stderr
    assert (
        "approved, 2 approvals"
        in sohoa(
            archive, "disposal", "approve", "1", "--comment", "Đồng ý", "--user", "binh"
        ).stderr
    )
    executed = sohoa(archive, "disposal", "execute", "1", "--user", "thu")
    assert executed.returncode == 0, executed.stderr
    assert "1 records destroyed; record disposals/1/bien-ban-huy-1.pdf" in executed.stderr
    assert archive.searchable("treo cờ") == set()
    listed = sohoa(archive, "disposal", "list", password=None).stdout
    assert "executed" in listed and "an ✓, binh ✓" in listed
    story = [
        (e.user, e.action, e.address)
        for e in reversed(AuditLog(Catalog(archive.settings.database_url)).entries())
    ]
    assert [s for s in story if s[1] not in ("login", "add_user")] == [
        ("thu", "propose_destruction", "cli"),
        ("an", "approve_destruction", "cli"),
        ("binh", "approve_destruction", "cli"),
        ("thu", "execute_destruction", "cli"),
        ("thu", "destroyed", "cli"),
    ]


def test_assign_and_hold(archive: Archive) -> None:
    assigned = sohoa(archive, "retention", "assign", "1.9", "invitation", "--user", "thu")
    assert (
        assigned.returncode == 0 and "1 records under row 1.9 of sample-2011@1" in assigned.stderr
    )
    due = sohoa(archive, "retention", "due", "--json", password=None)
    assert {json.loads(line)["id"] for line in due.stdout.splitlines()} == {
        "letter2010",
        "invitation",
    }
    held = sohoa(
        archive, "retention", "hold", "invitation", "--reason", "Thanh tra", "--user", "thu"
    )
    assert held.returncode == 0
    due = sohoa(archive, "retention", "due", "--json", password=None)
    assert [json.loads(line)["id"] for line in due.stdout.splitlines()] == ["letter2010"]
    assert sohoa(archive, "retention", "release", "invitation", "--user", "thu").returncode == 0
