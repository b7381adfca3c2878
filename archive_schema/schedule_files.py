"""Schedules as the records office keeps them: CSV or XLSX spreadsheets with Vietnamese
headers (archive_schema.spreadsheets reads and writes them: no formula in or out, the
encoding of a CSV named when it is not UTF-8)."""

from importlib import resources
from pathlib import Path

from archive_schema.errors import Said
from archive_schema.retention import COLUMNS, Schedule, ScheduleError, parse_rows
from archive_schema.spreadsheets import (
    MEDIA_TYPES,
    SpreadsheetError,
    csv_bytes,
    csv_rows,
    xlsx_bytes,
    xlsx_rows,
)

SAMPLE_SCHEDULE = "retention_schedule_sample.csv"
WIDTHS = (10, 28, 60, 16, 30, 30, 30, 24, 16, 30)


def read_schedule(name: str, data: bytes, filename: str) -> Schedule:
    """The schedule in a CSV or XLSX file's `data`; problems name the file and the row."""
    suffix = Path(filename).suffix.lower()
    try:
        if suffix not in MEDIA_TYPES:
            raise ScheduleError(
                [
                    Said(
                        "a schedule is a .csv or .xlsx file",
                        "bảng thời hạn phải là tệp .csv hoặc .xlsx",
                    )
                ]
            )
        table = csv_rows(data) if suffix == ".csv" else xlsx_rows(data)
        headers, *records = table or [[]]
        names = [str(cell or "") for cell in headers]
        lines = (
            (line, dict(zip(names, cells, strict=False)))
            for line, cells in enumerate(records, start=2)
        )
        return parse_rows(name, names, lines)
    except SpreadsheetError as error:
        raise ScheduleError([Said(f"{filename}: {error}", f"{filename}: {error.vi}")]) from None
    except ScheduleError as error:
        raise ScheduleError(
            [Said(f"{filename}: {p.en}", f"{filename}: {p.vi}") for p in error.said]
        ) from None


def sample_schedule(name: str = "sample-2011@1") -> Schedule:
    """The sample schedule shipped with sohoa, for the records office to check and adopt."""
    data = (resources.files("archive_schema") / "data" / SAMPLE_SCHEDULE).read_bytes()
    return read_schedule(name, data, SAMPLE_SCHEDULE)


def write_schedule(schedule: Schedule, suffix: str) -> bytes:
    """The schedule as a spreadsheet of the same columns it is imported from."""
    headers = [names[0] for names in COLUMNS.values()]
    rows = [list(row.cells().values()) for row in schedule.rows]
    if suffix == ".csv":
        return csv_bytes(headers, rows)
    if suffix == ".xlsx":
        return xlsx_bytes(schedule.name, "Bảng thời hạn", headers, rows, WIDTHS)
    raise ScheduleError(
        [Said(f"cannot write a schedule as {suffix!r}: .csv or .xlsx", "chỉ xuất được .csv, .xlsx")]
    )
