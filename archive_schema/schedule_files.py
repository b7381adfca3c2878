"""Schedules as the records office keeps them: CSV or XLSX spreadsheets with Vietnamese
headers. A CSV must be UTF-8 (Excel's "CSV UTF-8"); one saved in the legacy Vietnamese
encodings, Windows-1258 or TCVN3 (ABC, the .Vn fonts), is recognised and refused by name."""

import csv
import io
from importlib import resources
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from archive_schema.retention import COLUMNS, Schedule, ScheduleError, parse_rows

SAMPLE_SCHEDULE = "retention_schedule_sample.csv"
MEDIA_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Bytes that TCVN3 uses for its commonest letters (ă â ê ô ơ ư đ, à ả ã á ạ) and that are
# symbols in Windows-1258 (¨ © ª « ¬ ­ ® µ ¶ · ¸ ¹), never seen in Vietnamese written in it.
_TCVN3_LETTERS = frozenset(range(0xA8, 0xAF)) | frozenset(range(0xB5, 0xBA))
_CP1258_TONES = frozenset(b"\xcc\xec\xd2\xde\xf2")  # its combining tone marks


def read_schedule(name: str, data: bytes, filename: str) -> Schedule:
    """The schedule in a CSV or XLSX file's `data`; problems name the file and the row."""
    suffix = Path(filename).suffix.lower()
    try:
        if suffix == ".csv":
            reader = csv.DictReader(io.StringIO(_decode(data)))
            return parse_rows(name, reader.fieldnames or [], enumerate(reader, start=2))
        if suffix == ".xlsx":
            return _read_xlsx(name, data)
    except ScheduleError as error:
        raise ScheduleError([f"{filename}: {problem}" for problem in error.problems]) from None
    raise ScheduleError([f"{filename}: a schedule is a .csv or .xlsx file"])


def sample_schedule(name: str = "sample-2011@1") -> Schedule:
    """The sample schedule shipped with sohoa, for the records office to check and adopt."""
    data = (resources.files("archive_schema") / "data" / SAMPLE_SCHEDULE).read_bytes()
    return read_schedule(name, data, SAMPLE_SCHEDULE)


def write_schedule(schedule: Schedule, suffix: str) -> bytes:
    """The schedule as a spreadsheet of the same columns it is imported from."""
    headers = [names[0] for names in COLUMNS.values()]
    rows = [list(row.cells().values()) for row in schedule.rows]
    if suffix == ".csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(headers)
        writer.writerows(rows)
        return out.getvalue().encode("utf-8-sig")  # the BOM tells Excel it is UTF-8
    if suffix == ".xlsx":
        return _xlsx(schedule.name, headers, rows)
    raise ScheduleError([f"cannot write a schedule as {suffix!r}: .csv or .xlsx"])


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        high = [byte for byte in data if byte >= 0x80]
        if sum(byte in _TCVN3_LETTERS for byte in high) > len(high) / 10:
            encoding = "TCVN3 (ABC)"
        elif any(byte in _CP1258_TONES for byte in high):
            encoding = "Windows-1258"
        else:
            encoding = "an encoding other than UTF-8"
        raise ScheduleError(
            [
                f"the file is in {encoding}, not UTF-8 (byte {error.start + 1}): open it in"
                " Excel and save it as 'CSV UTF-8', or convert it with Unikey's tool"
            ]
        ) from None


def _read_xlsx(name: str, data: bytes) -> Schedule:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not XLSX
        raise ScheduleError([f"not a readable XLSX workbook ({error})"]) from None
    sheet = book.worksheets[0]
    table = sheet.iter_rows(values_only=True)
    headers = [str(cell or "") for cell in next(table, ())]
    lines = (
        (line, dict(zip(headers, cells, strict=False))) for line, cells in enumerate(table, start=2)
    )
    return parse_rows(name, headers, lines)


def _xlsx(title: str, headers: list[str], rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Bảng thời hạn"
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for column, width in zip("ABCDEFGHIJ", (10, 28, 60, 16, 30, 30, 30, 24, 16, 30), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    book.properties.title = title
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
