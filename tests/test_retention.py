"""Schedules: reading the records office's spreadsheets, classifying, review dates."""

import io
import re
from collections.abc import Callable
from datetime import date

import pytest
from openpyxl import Workbook

from archive_schema.models import Description
from archive_schema.retention import ScheduleError, review_from
from archive_schema.schedule_files import read_schedule, sample_schedule, write_schedule
from tests.legacy_encodings import tcvn3, windows_1258

pytestmark = pytest.mark.usefixtures("catalog_backend")  # on SQLite and on PostgreSQL

HEADER = "Điều khoản,Nhóm,Tên nhóm hồ sơ tài liệu,Thời hạn bảo quản,Tên loại,Từ khóa,Ghi chú\n"
# TCVN3 (ABC) bytes of the letters the tests write; the encoding has no Python codec.


def record(doc_type: str | None, subject: str, **fields: str) -> Description:
    return Description(doc_type=doc_type, subject=subject, **fields)


def csv_schedule(*rows: str) -> bytes:
    return (HEADER + "".join(row + "\n" for row in rows)).encode()


def test_review_counts_from_the_year_the_work_ends() -> None:
    # A 10-year dossier closed in 2013 is kept through 2023, due for review from 2024.
    assert review_from(10, 2013) == date(2024, 1, 1)
    assert review_from(None, 2013) is None  # permanent
    assert review_from(10, None) is None


def test_sample_schedule_classifies_by_type_and_subject() -> None:
    schedule = sample_schedule()
    decision = schedule.classify(record("Quyết định", "Về việc quy định giá bán xi măng"), 1998)
    assert (decision.row, decision.permanent, decision.review_from) == ("1.2", True, None)
    planning = schedule.classify(record("Công văn", "V/v phê duyệt đồ án quy hoạch chung"), 2002)
    assert (planning.row, planning.years, planning.review_from) == ("2.2", 5, date(2008, 1, 1))
    letter = schedule.classify(record("Công văn", "V/v treo cờ tổ quốc"), 2006)
    assert (letter.row, letter.years) == ("1.9", 10)


def test_unmatched_record_is_unclassified() -> None:
    retention = sample_schedule().classify(record("Giấy mời", "Mời họp"), 2020)
    assert retention.status == "unclassified"
    assert retention.row is None


def test_manifest_row_wins_over_rules() -> None:
    retention = sample_schedule().classify(record("Quyết định", "Về việc bổ nhiệm"), 2020, "12.1")
    assert (retention.row, retention.years, retention.review_from) == ("12.1", 20, date(2041, 1, 1))


def test_keyword_matches_whole_accented_words_only() -> None:
    schedule = sample_schedule()
    # "giá" (price) is a keyword of row 5.2; "gia" in "quốc gia" (nation) is another word.
    assert schedule.classify(record("Công văn", "V/v điều chỉnh giá điện"), 2020).row == "5.2"
    assert schedule.classify(record("Công văn", "V/v hội nghị quốc gia"), 2020).row == "1.9"


def test_rules_on_agency_and_notation() -> None:
    schedule = read_schedule(
        "rules@1",
        (
            "Điều khoản,Tên nhóm hồ sơ tài liệu,Thời hạn bảo quản,"
            "Tên loại,Cơ quan ban hành,Ký hiệu\n"
            "1,Công văn của Bộ Y tế về khám chữa bệnh,20,Công văn,Bộ Y tế,KCB\n"
            "2,Công văn của Bộ Y tế,10,Công văn,Bộ Y tế,\n"
            "3,Văn bản của Ủy ban nhân dân,15,,,UBND\n"
        ).encode(),
        "rules.csv",
    )
    health = {"issuing_agency": "BỘ Y TẾ"}
    assert schedule.classify(record("Công văn", "x", notation="BYT-KCB", **health), 2013).row == "1"
    assert schedule.classify(record("Công văn", "x", notation="BYT-TB", **health), 2013).row == "2"
    assert schedule.classify(record("Quyết định", "x", notation="QĐ-UBND"), 2013).row == "3"
    assert schedule.classify(record("Quyết định", "x", notation="QĐ-BYT"), 2013).row is None


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "1.1,Nhóm,Mô tả,mười năm,,,",
            "schedule.csv: row 2: retention 'mười năm' is not a number of years or Vĩnh viễn",
        ),
        ("1.1,Nhóm,Mô tả,10,Sắc lệnh,,", "row 2: unknown document type 'Sắc lệnh'"),
        (",Nhóm,Mô tả,10,,,", "row 2: Điều khoản is empty"),
        ("1.1,Nhóm,,10,,,", "row 2: Tên nhóm hồ sơ tài liệu is empty"),
    ],
)
def test_bad_schedule_rows_are_named(row: str, message: str) -> None:
    with pytest.raises(ScheduleError, match=message):
        read_schedule("test", csv_schedule(row), "schedule.csv")


def test_every_bad_row_is_reported_at_once() -> None:
    with pytest.raises(ScheduleError) as raised:
        read_schedule(
            "test",
            csv_schedule("1,G,A,10,,,", "2,G,B,mười năm,,,", "1,G,C,5,,,", "3,G,D,0,,,"),
            "schedule.csv",
        )
    assert raised.value.problems == [
        "schedule.csv: row 3: retention 'mười năm' is not a number of years or Vĩnh viễn",
        "schedule.csv: row 4: number 1 is used by row 2 too",
        "schedule.csv: row 5: retention '0' is not a number of years or Vĩnh viễn",
    ]


def test_missing_columns_are_named() -> None:
    with pytest.raises(ScheduleError) as raised:
        read_schedule("test", "Điều khoản,Nhóm\n1.1,x\n".encode(), "schedule.csv")
    assert raised.value.problems == [
        "schedule.csv: missing column 'Tên nhóm hồ sơ tài liệu' (description)",
        "schedule.csv: missing column 'Thời hạn bảo quản' (retention)",
    ]


def test_english_headers_are_accepted() -> None:
    schedule = read_schedule(
        "en", "row,group,description,retention,keywords\n1,G,D,Vĩnh viễn,\n".encode(), "s.csv"
    )
    assert schedule.rows[0].permanent


@pytest.mark.parametrize(
    ("encode", "named"),
    [(windows_1258, "Windows-1258"), (tcvn3, "TCVN3 (ABC)")],
)
def test_a_legacy_vietnamese_encoding_is_named(encode: Callable[[str], bytes], named: str) -> None:
    data = encode("Điều khoản,Thời hạn bảo quản\n1,10\n")
    with pytest.raises(ScheduleError, match=rf"schedule.csv: the file is in {re.escape(named)},"):
        read_schedule("test", data, "schedule.csv")


def test_excel_utf8_csv_with_its_byte_order_mark_is_read() -> None:
    data = "\ufeff".encode() + csv_schedule("1,G,Mô tả,Vĩnh viễn,,,")
    assert read_schedule("test", data, "schedule.csv").rows[0].description == "Mô tả"


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_then_import_gives_the_same_schedule(suffix: str) -> None:
    schedule = sample_schedule()
    again = read_schedule(schedule.name, write_schedule(schedule, suffix), f"export{suffix}")
    assert again == schedule


def test_a_spreadsheet_of_the_records_office_is_read_with_its_numbers() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Điều khoản", "Tên nhóm hồ sơ tài liệu", "Thời hạn bảo quản", "Tên loại"])
    sheet.append([1, "Tập lưu quyết định", "Vĩnh viễn", "Quyết định"])
    sheet.append([2, "Công văn trao đổi", 10, "Công văn"])
    sheet.append([None, None, None, None])  # an empty line left in the sheet
    sheet.append([3, "Thông báo", "mười", None])
    data = io.BytesIO()
    book.save(data)
    with pytest.raises(ScheduleError, match=r"lich\.xlsx: row 5: retention 'mười'"):
        read_schedule("x", data.getvalue(), "lich.xlsx")
    sheet.delete_rows(5)
    data = io.BytesIO()
    book.save(data)
    rows = read_schedule("x", data.getvalue(), "lich.xlsx").rows
    assert [(r.row, r.years) for r in rows] == [("1", None), ("2", 10)]


def test_a_file_that_is_not_a_spreadsheet_is_refused() -> None:
    with pytest.raises(ScheduleError, match=r"lich\.xlsx: not a readable XLSX workbook"):
        read_schedule("x", b"PK\x03\x04 not really", "lich.xlsx")
    with pytest.raises(ScheduleError, match=r"lich\.pdf: a schedule is a \.csv or \.xlsx file"):
        read_schedule("x", b"%PDF", "lich.pdf")
