"""Retention schedules (bảng thời hạn bảo quản) and the rule that computes review dates.

A schedule is data the records office (Sở Nội vụ) edits: numbered rows in groups, each with
a period of years or "Vĩnh viễn" (permanent) and the document types and subject keywords
that put a record under it. The period counts from the year the work ends: a 10-year
record whose dossier closed in 2013 is kept through 2023 and is due for review from 2024.
"""

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources

from archive_schema.errors import UserError
from archive_schema.models import Retention
from archive_schema.vietnamese import fold, normalize
from archive_schema.vocab import DOC_TYPES

PERMANENT = "vĩnh viễn"
SAMPLE_SCHEDULE = "retention_schedule_sample.csv"

# Column headers: Vietnamese as the records office writes them, or English.
_COLUMNS = {
    "row": ("điều khoản", "row"),
    "group": ("nhóm", "group"),
    "description": ("tên nhóm hồ sơ tài liệu", "description"),
    "retention": ("thời hạn bảo quản", "retention"),
    "doc_types": ("tên loại", "doc_types"),
    "keywords": ("từ khóa", "keywords"),
    "notes": ("ghi chú", "notes"),
}


class ScheduleError(UserError, ValueError):
    """A schedule that cannot be read; the message names the row and the field."""


@dataclass(frozen=True)
class ScheduleRow:
    row: str
    group: str
    description: str
    years: int | None  # None: permanent
    doc_types: tuple[str, ...]
    keywords: tuple[str, ...]
    notes: str = ""

    @property
    def permanent(self) -> bool:
        return self.years is None

    def matches_type(self, doc_type: str | None) -> bool:
        return not self.doc_types or doc_type in self.doc_types

    def matches_subject(self, subject: str) -> bool:
        words = f" {' '.join(_words(subject))} "
        return any(f" {keyword} " in words for keyword in self.keywords)


@dataclass(frozen=True)
class Schedule:
    name: str
    rows: tuple[ScheduleRow, ...]

    def row(self, code: str) -> ScheduleRow | None:
        return next((row for row in self.rows if row.row == code.strip()), None)

    def match(self, doc_type: str | None, subject: str | None) -> ScheduleRow | None:
        """The row a record falls under: a row naming its type and a keyword of its subject
        first, then a row naming only its type; the first such row in schedule order."""
        candidates = [row for row in self.rows if row.matches_type(doc_type)]
        if subject:
            for row in candidates:
                if row.keywords and row.matches_subject(subject):
                    return row
        if doc_type is None:
            return None
        return next((row for row in candidates if row.doc_types and not row.keywords), None)

    def classify(
        self,
        doc_type: str | None,
        subject: str | None,
        end_year: int | None,
        row_code: str | None = None,
    ) -> Retention:
        """Retention of a record; `row_code` (from a manifest) wins over matching."""
        row = self.row(row_code) if row_code else self.match(doc_type, subject)
        if row is None:
            return Retention(schedule=self.name)
        return Retention(
            schedule=self.name,
            row=row.row,
            years=row.years,
            permanent=row.permanent,
            review_from=review_from(row.years, end_year),
            status="classified",
        )


def review_from(years: int | None, end_year: int | None) -> date | None:
    """First day a record may be reviewed for destruction ("Xem xét hủy"); never if permanent."""
    if years is None or end_year is None:
        return None
    return date(end_year + years + 1, 1, 1)


def parse_schedule(name: str, text: str) -> Schedule:
    """Read a schedule from CSV text; every problem is reported with its row and column."""
    reader = csv.DictReader(io.StringIO(text))
    columns = _map_columns(reader.fieldnames or [])
    rows = []
    for line, raw in enumerate(reader, start=2):
        value = {field: (raw.get(header) or "").strip() for field, header in columns.items()}
        if not value["row"]:
            raise ScheduleError(f"row {line}: the row number ({_COLUMNS['row'][0]}) is empty")
        rows.append(
            ScheduleRow(
                row=value["row"],
                group=value["group"],
                description=normalize(value["description"]),
                years=_parse_retention(value["retention"], line),
                doc_types=_parse_doc_types(value["doc_types"], line),
                keywords=tuple(
                    " ".join(_words(k)) for k in value["keywords"].split(";") if k.strip()
                ),
                notes=value["notes"],
            )
        )
    duplicates = sorted({r.row for r in rows if [x.row for x in rows].count(r.row) > 1})
    if duplicates:
        raise ScheduleError(f"row numbers used twice: {', '.join(duplicates)}")
    return Schedule(name=name, rows=tuple(rows))


def sample_schedule() -> Schedule:
    """The sample schedule shipped with sohoa, for the records office to confirm."""
    text = (resources.files("archive_schema") / "data" / SAMPLE_SCHEDULE).read_text("utf-8")
    return parse_schedule("sample-2011@1", text)


def _map_columns(headers: Sequence[str]) -> dict[str, str]:
    by_name = {fold(header.strip()): header for header in headers}
    columns = {}
    for field, names in _COLUMNS.items():
        header = next((by_name[fold(n)] for n in names if fold(n) in by_name), None)
        if header is None and field in ("row", "retention"):
            raise ScheduleError(f"missing column '{names[0]}' ({names[1]})")
        columns[field] = header or ""
    return columns


def _parse_retention(value: str, line: int) -> int | None:
    if fold(value) == fold(PERMANENT):
        return None
    if value.isdigit() and int(value) > 0:
        return int(value)
    raise ScheduleError(f"row {line}: retention '{value}' is not a number of years or Vĩnh viễn")


def _parse_doc_types(value: str, line: int) -> tuple[str, ...]:
    names = tuple(normalize(name.strip()) for name in value.split(";") if name.strip())
    unknown = [name for name in names if name not in DOC_TYPES]
    if unknown:
        raise ScheduleError(f"row {line}: unknown document type '{unknown[0]}' in Tên loại")
    return names


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", normalize(text).lower())
