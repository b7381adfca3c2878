from datetime import date

import pytest

from archive_schema.retention import ScheduleError, parse_schedule, review_from, sample_schedule

HEADER = "Điều khoản,Nhóm,Tên nhóm hồ sơ tài liệu,Thời hạn bảo quản,Tên loại,Từ khóa,Ghi chú\n"


def test_review_counts_from_the_year_the_work_ends() -> None:
    # A 10-year dossier closed in 2013 is kept through 2023, due for review from 2024.
    assert review_from(10, 2013) == date(2024, 1, 1)
    assert review_from(None, 2013) is None  # permanent
    assert review_from(10, None) is None


def test_sample_schedule_classifies_by_type_and_subject() -> None:
    schedule = sample_schedule()
    decision = schedule.classify("Quyết định", "Về việc quy định giá bán xi măng", 1998)
    assert (decision.row, decision.permanent, decision.review_from) == ("1.2", True, None)
    planning = schedule.classify("Công văn", "V/v phê duyệt đồ án quy hoạch chung", 2002)
    assert (planning.row, planning.years, planning.review_from) == ("2.2", 5, date(2008, 1, 1))
    letter = schedule.classify("Công văn", "V/v treo cờ tổ quốc", 2006)
    assert (letter.row, letter.years) == ("1.9", 10)


def test_unmatched_record_is_unclassified() -> None:
    retention = sample_schedule().classify("Giấy mời", "Mời họp", 2020)
    assert retention.status == "unclassified"
    assert retention.row is None


def test_manifest_row_wins_over_rules() -> None:
    retention = sample_schedule().classify("Quyết định", "Về việc bổ nhiệm", 2020, row_code="12.1")
    assert (retention.row, retention.years, retention.review_from) == ("12.1", 20, date(2041, 1, 1))


def test_keyword_matches_whole_accented_words_only() -> None:
    schedule = sample_schedule()
    # "giá" (price) is a keyword of row 5.2; "gia" in "quốc gia" (nation) is another word.
    assert schedule.classify("Công văn", "V/v điều chỉnh giá điện", 2020).row == "5.2"
    assert schedule.classify("Công văn", "V/v hội nghị quốc gia", 2020).row == "1.9"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "1.1,Nhóm,Mô tả,mười năm,,,",
            "row 2: retention 'mười năm' is not a number of years or Vĩnh viễn",
        ),
        ("1.1,Nhóm,Mô tả,10,Sắc lệnh,,", "row 2: unknown document type 'Sắc lệnh'"),
        (",Nhóm,Mô tả,10,,,", "row 2: the row number"),
    ],
)
def test_bad_schedule_rows_are_named(row: str, message: str) -> None:
    with pytest.raises(ScheduleError, match=message):
        parse_schedule("test", HEADER + row + "\n")


def test_schedule_without_retention_column_is_refused() -> None:
    with pytest.raises(ScheduleError, match="missing column 'thời hạn bảo quản'"):
        parse_schedule("test", "Điều khoản,Nhóm\n1.1,x\n")


def test_english_headers_are_accepted() -> None:
    schedule = parse_schedule(
        "en", "row,group,description,retention,doc_types,keywords,notes\n1,G,D,Vĩnh viễn,,,\n"
    )
    assert schedule.rows[0].permanent
