"""Retention schedules (bảng thời hạn bảo quản) and the rule that computes review dates.

A schedule is data the records office (Sở Nội vụ) edits: numbered rows in groups, each with
a period of years or "Vĩnh viễn" (permanent), its conditions and notes, and the rules that
put a record under it: document types, issuing agencies, notations, subject keywords. The
period counts from the year the work ends: a 10-year record whose dossier closed in 2013 is
kept through 2023 and is due for review from 2024.
"""

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import date
from typing import Any

from archive_schema.errors import Said, UserError
from archive_schema.models import Description, Retention
from archive_schema.spreadsheets import Formula
from archive_schema.vietnamese import fold, normalize
from archive_schema.vocab import DOC_TYPES

PERMANENT = "Vĩnh viễn"

# Column headers: Vietnamese as the records office writes them (first), or English.
COLUMNS = {
    "row": ("Điều khoản", "row"),
    "group": ("Nhóm", "group"),
    "description": ("Tên nhóm hồ sơ tài liệu", "description"),
    "retention": ("Thời hạn bảo quản", "retention"),
    "conditions": ("Điều kiện", "conditions"),
    "notes": ("Ghi chú", "notes"),
    "doc_types": ("Tên loại", "doc_types"),
    "agencies": ("Cơ quan ban hành", "agencies"),
    "notations": ("Ký hiệu", "notations"),
    "keywords": ("Từ khóa", "keywords"),
}
REQUIRED = ("row", "description", "retention")
LISTS = ("doc_types", "agencies", "notations", "keywords")  # ';'-separated in a cell


class ScheduleError(UserError, ValueError):
    """A schedule that cannot be read; each problem names its row and field."""

    def __init__(self, problems: Sequence[Said]):
        super().__init__("\n".join(p.en for p in problems), "\n".join(p.vi for p in problems))
        self.problems = [p.en for p in problems]
        self.problems_vi = [p.vi for p in problems]
        self.said = list(problems)


@dataclass(frozen=True)
class ScheduleRow:
    row: str
    group: str
    description: str
    years: int | None  # None: permanent
    conditions: str = ""
    notes: str = ""
    doc_types: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    notations: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()

    @property
    def permanent(self) -> bool:
        return self.years is None

    @property
    def period(self) -> str:
        return PERMANENT if self.years is None else f"{self.years} năm"

    def matches(self, record: Description) -> bool:
        """Whether the row's rules take the record: every kind of rule the row has must
        match (a type, an agency, a notation, a keyword of the subject)."""
        checks: list[Callable[[], bool]] = []
        if self.doc_types:
            checks.append(lambda: record.doc_type in self.doc_types)
        if self.agencies:
            checks.append(lambda: _contains_any(record.issuing_agency, self.agencies))
        if self.notations:
            checks.append(lambda: _has_part(record.notation, self.notations))
        if self.keywords:
            checks.append(lambda: _contains_any(record.subject, self.keywords))
        return bool(checks) and all(check() for check in checks)

    def cells(self) -> dict[str, str]:
        """The row as the cells of a spreadsheet."""
        value = asdict(self)
        cells = {name: "; ".join(value[name]) if name in LISTS else value[name] for name in value}
        cells["retention"] = self.period.removesuffix(" năm")
        del cells["years"]
        return {name: cells[name] for name in COLUMNS}


@dataclass(frozen=True)
class Schedule:
    name: str  # "<series>@<version>", as records keep it
    rows: tuple[ScheduleRow, ...]

    def row(self, code: str) -> ScheduleRow | None:
        return next((row for row in self.rows if row.row == code.strip()), None)

    def match(self, record: Description) -> ScheduleRow | None:
        """The row a record falls under: a row whose subject keywords match first, then one
        without keywords; the first such row in schedule order."""
        taking = [row for row in self.rows if row.matches(record)]
        by_subject = (row for row in taking if row.keywords)
        return next(by_subject, None) or next(iter(taking), None)

    def classify(
        self, record: Description, end_year: int | None, row_code: str | None = None
    ) -> Retention:
        """Retention of a record; `row_code` (from a manifest or a records officer) wins."""
        row = self.row(row_code) if row_code else self.match(record)
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


def end_year(record: Description) -> int | None:
    """The year the work ends: the dossier's end year, else the year of issue."""
    return record.dossier_end_year or (record.issue_date.year if record.issue_date else None)


def parse_rows(
    name: str, headers: Sequence[str], lines: Iterable[tuple[int, Mapping[str, Any]]]
) -> Schedule:
    """A schedule from a table (its headers, and each row with its line number); every
    problem is reported, each with its row and column, and no schedule is made."""
    columns, problems = _map_columns(headers)
    if problems:
        raise ScheduleError(problems)
    rows: list[ScheduleRow] = []
    seen: dict[str, int] = {}
    for line, raw in lines:
        formulas = [
            Said(
                f"row {line}, column {header}: {value.refusal()[0]}",
                f"dòng {line}, cột {header}: {value.refusal()[1]}",
            )
            for header in columns.values()
            if isinstance(value := raw.get(header), Formula)
        ]
        if formulas:
            problems += formulas
            continue
        cell = {field: _text(raw.get(header)) for field, header in columns.items()}
        if not any(cell.values()):
            continue  # an empty line of a spreadsheet
        row, row_problems = _row(cell, line)
        number = cell["row"]
        if number in seen:
            row_problems.append(
                Said(
                    f"row {line}: number {number} is used by row {seen[number]} too",
                    f"dòng {line}: điều {number} đã có ở dòng {seen[number]}",
                )
            )
        elif number:
            seen[number] = line
        problems += row_problems
        if row is not None and not row_problems:
            rows.append(row)
    if problems:
        raise ScheduleError(problems)
    if not rows:
        raise ScheduleError([Said("the schedule has no rows", "bảng thời hạn không có dòng nào")])
    return Schedule(name=name, rows=tuple(rows))


def rows_as_data(schedule: Schedule) -> list[dict[str, Any]]:
    """The rows as JSON, for the catalog's versions."""
    return [asdict(row) for row in schedule.rows]


def rows_from_data(name: str, data: Iterable[Mapping[str, Any]]) -> Schedule:
    names = {f.name for f in fields(ScheduleRow)}
    rows = (
        ScheduleRow(**{k: tuple(v) if k in LISTS else v for k, v in item.items() if k in names})  # type: ignore[arg-type]
        for item in data
    )
    return Schedule(name=name, rows=tuple(rows))


def _row(cell: dict[str, str], line: int) -> tuple[ScheduleRow | None, list[Said]]:
    problems = [
        Said(
            f"row {line}: {COLUMNS[field][0]} is empty",
            f"dòng {line}: {COLUMNS[field][0]} để trống",
        )
        for field in REQUIRED
        if not cell[field]
    ]
    years = None
    if cell["retention"] and fold(cell["retention"]) != fold(PERMANENT):
        if (
            cell["retention"].isascii()
            and cell["retention"].isdigit()
            and 0 < int(cell["retention"]) <= 200
        ):
            years = int(cell["retention"])
        else:
            problems.append(
                Said(
                    f"row {line}: retention '{cell['retention']}' is not a number of years"
                    f" or {PERMANENT}",
                    f"dòng {line}: thời hạn '{cell['retention']}' không phải số năm hay"
                    f" {PERMANENT}",
                )
            )
    lists = {field: _list(cell[field]) for field in LISTS}
    unknown = [name for name in lists["doc_types"] if name not in DOC_TYPES]
    if unknown:
        problems.append(
            Said(
                f"row {line}: unknown document type '{unknown[0]}' in Tên loại",
                f"dòng {line}: tên loại '{unknown[0]}' không có trong danh mục",
            )
        )
    if problems:
        return None, problems
    row = ScheduleRow(
        row=cell["row"],
        group=normalize(cell["group"]),
        description=normalize(cell["description"]),
        years=years,
        conditions=normalize(cell["conditions"]),
        notes=normalize(cell["notes"]),
        doc_types=lists["doc_types"],
        agencies=lists["agencies"],
        notations=lists["notations"],
        keywords=tuple(" ".join(_words(k)) for k in lists["keywords"]),
    )
    return row, []


def _map_columns(headers: Sequence[str]) -> tuple[dict[str, str], list[Said]]:
    by_name = {fold(str(header or "").strip()): str(header) for header in headers}
    columns: dict[str, str] = {}
    problems: list[Said] = []
    for field, names in COLUMNS.items():
        header = next((by_name[fold(n)] for n in names if fold(n) in by_name), None)
        if header is None and field in REQUIRED:
            problems.append(
                Said(f"missing column '{names[0]}' ({names[1]})", f"thiếu cột '{names[0]}'")
            )
        columns[field] = header or ""
    return columns, problems


def _text(value: Any) -> str:
    """A cell as text: spreadsheets give numbers ("10", "1.1") as numbers."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalize(str(value)).strip() if value is not None else ""


def _list(cell: str) -> tuple[str, ...]:
    return tuple(normalize(part.strip()) for part in cell.split(";") if part.strip())


def _contains_any(text: str | None, phrases: Sequence[str]) -> bool:
    """Whole words of `text` contain one of the phrases (accents count: giá is not gia)."""
    words = f" {' '.join(_words(text or ''))} "
    return any(f" {' '.join(_words(phrase))} " in words for phrase in phrases)


def _has_part(notation: str | None, parts: Sequence[str]) -> bool:
    """The notation (QĐ-UBND) has one of `parts` (UBND) between its dashes."""
    pieces = {fold(piece) for piece in re.split(r"[-/.\s]+", notation or "") if piece}
    return any(fold(part) in pieces for part in parts)


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", normalize(text).lower())
