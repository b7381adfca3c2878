from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from pipelines.ingest.manifest import ManifestError, read_manifest


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_vietnamese_headers_and_values(tmp_path: Path) -> None:
    manifest = read_manifest(
        write(
            tmp_path / "manifest.csv",
            (
                "Tệp,Mã hồ sơ,Số thứ tự,Ngày ban hành,Tên loại,Mức độ tiếp cận,Nơi nhận\n"
                "a.tif,G09.2021.01.001,1,14/01/1998,QUYẾT ĐỊNH,Hạn chế sử dụng,Sở Nội vụ; Lưu: VT\n"
            ),
        )
    )
    assert manifest.problems == []
    row = manifest.rows[0]
    assert (row.line, row.file, row.error) == (2, "a.tif", None)
    assert row.values == {
        "dossier_code": "G09.2021.01.001",
        "ordinal": 1,
        "issue_date": date(1998, 1, 14),
        "doc_type": "Quyết định",
        "access_level": "restricted",
        "recipients": ["Sở Nội vụ", "Lưu: VT"],
    }


def test_xlsx_with_english_headers_and_real_dates(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["file", "issue_date", "ordinal", "subject"])
    sheet.append(["box1/doc2", date(2025, 11, 18), 2.0, "Về việc hoà giải"])
    book.save(tmp_path / "manifest.xlsx")
    row = read_manifest(tmp_path / "manifest.xlsx").rows[0]
    assert row.values == {
        "issue_date": date(2025, 11, 18),
        "ordinal": 2,
        "subject": "Về việc hòa giải",
    }


def test_unknown_column_is_reported_and_ignored(tmp_path: Path) -> None:
    manifest = read_manifest(write(tmp_path / "manifest.csv", "Tệp,Ghi chú riêng\na.tif,xyz\n"))
    assert [problem.en for problem in manifest.problems] == [
        "manifest.csv: unknown column 'Ghi chú riêng' (ignored); known columns are"
        " the record fields or their Vietnamese labels, e.g. Tệp, Ngày ban hành"
    ]
    assert manifest.problems[0].vi.startswith("manifest.csv: cột 'Ghi chú riêng' không có")
    assert manifest.rows[0].values == {}


@pytest.mark.parametrize(
    ("row", "error"),
    [
        (
            "a.tif,31/02/2020,",
            "manifest.csv row 2, column Ngày ban hành (issue_date): '31/02/2020' is not a date",
        ),
        (
            "a.tif,,abc",
            "manifest.csv row 2, column Số thứ tự (ordinal): 'abc' is not a whole number",
        ),
        (",2020-01-01,", "manifest.csv row 2: column Tệp (file) is empty"),
    ],
)
def test_bad_rows_name_row_and_column(tmp_path: Path, row: str, error: str) -> None:
    manifest = read_manifest(
        write(tmp_path / "manifest.csv", f"Tệp,Ngày ban hành,Số thứ tự\n{row}\n")
    )
    assert manifest.rows[0].error is not None
    assert manifest.rows[0].error.startswith(error)


def test_file_listed_twice(tmp_path: Path) -> None:
    manifest = read_manifest(write(tmp_path / "manifest.csv", "Tệp\na.tif\nb.tif\na.tif\n"))
    assert [r.error for r in manifest.rows] == [
        None,
        None,
        "manifest.csv row 4: file 'a.tif' is listed twice",
    ]


def test_semicolon_separated_csv_from_excel(tmp_path: Path) -> None:
    manifest = read_manifest(
        write(tmp_path / "manifest.csv", "Tệp;Trích yếu\na.tif;Về việc A, B\n")
    )
    assert manifest.rows[0].values == {"subject": "Về việc A, B"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Mã hồ sơ\nG09\n", "no file column"),
        ("", "is empty"),
    ],
)
def test_unreadable_manifest(tmp_path: Path, content: str, message: str) -> None:
    with pytest.raises(ManifestError, match=message):
        read_manifest(write(tmp_path / "manifest.csv", content))


def test_damaged_xlsx(tmp_path: Path) -> None:
    (tmp_path / "manifest.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(ManifestError, match=r"manifest\.xlsx: not a readable XLSX workbook"):
        read_manifest(tmp_path / "manifest.xlsx")
