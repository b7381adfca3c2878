"""Batch manifests (`manifest.csv` or `manifest.xlsx`): one row per document of the batch.

A row names a file or folder of the batch and may give any record field, `retention_row`,
`access_level`, and `split_at_blank` (the file holds several documents, separated by blank
sheets); headers are the English field names or their Vietnamese labels. Every
problem is reported with the row and column, as the archivist sees them in a spreadsheet.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from archive_schema.errors import Said, UserError
from archive_schema.models import DESCRIPTIVE_FIELDS
from archive_schema.spreadsheets import Formula, SpreadsheetError, csv_rows, xlsx_rows
from archive_schema.vietnamese import fold, normalize
from archive_schema.vocab import ACCESS_LEVELS, DOC_TYPES, FIELD_LABELS, doc_type_named

MANIFEST_NAMES = ("manifest.csv", "manifest.xlsx")
SPLIT_AT_BLANK = "split_at_blank"
FIELDS = ("file", *DESCRIPTIVE_FIELDS, "retention_row", SPLIT_AT_BLANK)
_ALIASES = {
    "file": ("tên tệp", "tệp tin", "đường dẫn", "filename", "path"),
    "number_symbol": ("số, ký hiệu", "số ký hiệu"),
    "issue_date": ("ngày văn bản", "ngày tháng văn bản"),
    "subject": ("trích yếu nội dung",),
    "issuing_agency": ("tác giả", "tên cơ quan ban hành"),
}
_HEADERS = {
    fold(header): name
    for name in FIELDS
    for header in (name, FIELD_LABELS.get(name, name), *_ALIASES.get(name, ()))
}
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")
_YES = {"co", "x", "yes", "y", "true", "1"}  # folded
_NO = {"khong", "no", "n", "false", "0"}


class ManifestError(UserError, ValueError):
    """A manifest that cannot be read at all (not a table, no file column...)."""


class CellError(ValueError):
    """A cell's value that cannot be taken, with why in English and Vietnamese."""

    def __init__(self, message: str, vi: str):
        super().__init__(message)
        self.vi = vi


@dataclass(frozen=True)
class ManifestRow:
    line: int  # the row number the archivist sees (the header is row 1)
    file: str
    values: dict[str, Any]
    error: str | None = None  # what is wrong with this row, naming the column
    error_vi: str | None = None  # the same in Vietnamese


@dataclass
class Manifest:
    name: str
    rows: list[ManifestRow] = field(default_factory=list)
    problems: list[Said] = field(default_factory=list)  # about the manifest as a whole


def find_manifest(root: Path) -> Path | None:
    for name in MANIFEST_NAMES:
        if (root / name).is_symlink():
            raise ManifestError(
                f"{name} is a symbolic link: links are refused, not followed",
                f"{name} là liên kết (symbolic link): không nhận liên kết",
            )
    found = [root / name for name in MANIFEST_NAMES if (root / name).is_file()]
    if len(found) > 1:
        raise ManifestError(
            "the batch has both manifest.csv and manifest.xlsx: keep one",
            "lô có cả manifest.csv và manifest.xlsx: chỉ giữ một bảng kê",
        )
    return found[0] if found else None


def read_manifest(path: Path) -> Manifest:
    try:
        table = xlsx_rows(path) if path.suffix.lower() == ".xlsx" else csv_rows(path.read_bytes())
    except SpreadsheetError as error:
        raise ManifestError(f"{path.name}: {error}", f"{path.name}: {error.vi}") from None
    if not table:
        raise ManifestError(f"{path.name} is empty", f"bảng kê {path.name} trống")
    headers, *records = table
    manifest = Manifest(path.name)
    columns: dict[int, str] = {}
    for index, header in enumerate(headers):
        text = str(header or "").strip()
        name = _HEADERS.get(fold(text))
        if name:
            columns[index] = name
        elif text:
            manifest.problems.append(
                Said(
                    f"{path.name}: unknown column '{text}' (ignored); known columns are the"
                    " record fields or their Vietnamese labels, e.g."
                    f" {FIELD_LABELS['file']}, {FIELD_LABELS['issue_date']}",
                    f"{path.name}: cột '{text}' không có trong mẫu (bỏ qua); các cột là các"
                    f" trường của văn bản, ví dụ {FIELD_LABELS['file']},"
                    f" {FIELD_LABELS['issue_date']}",
                )
            )
    if "file" not in columns.values():
        raise ManifestError(
            f"{path.name}: no file column ('file' or '{FIELD_LABELS['file']}')",
            f"{path.name}: thiếu cột tên tệp ('{FIELD_LABELS['file']}')",
        )
    seen: set[str] = set()
    for line, record in enumerate(records, start=2):
        cells = {name: record[i] for i, name in columns.items() if i < len(record)}
        if all(_blank(value) for value in cells.values()):
            continue
        row = _parse_row(path.name, line, cells)
        if row.file in seen:
            row = ManifestRow(
                line,
                row.file,
                {},
                f"{path.name} row {line}: file '{row.file}' is listed twice",
                f"{path.name} dòng {line}: tệp '{row.file}' được kê hai lần",
            )
        seen.add(row.file)
        manifest.rows.append(row)
    return manifest


def _parse_row(manifest: str, line: int, cells: dict[str, Any]) -> ManifestRow:
    file = str(cells.pop("file", "") or "").strip().strip("/")
    if not file:
        return ManifestRow(
            line,
            "",
            {},
            f"{manifest} row {line}: column {FIELD_LABELS['file']} (file) is empty",
            f"{manifest} dòng {line}: cột {FIELD_LABELS['file']} để trống",
        )
    values: dict[str, Any] = {}
    for name, raw in cells.items():
        if _blank(raw):
            continue
        try:
            values[name] = _parse_value(name, raw)
        except CellError as error:
            label = FIELD_LABELS.get(name, name)
            return ManifestRow(
                line,
                file,
                {},
                f"{manifest} row {line}, column {label} ({name}): {error}",
                f"{manifest} dòng {line}, cột {label}: {error.vi}",
            )
    return ManifestRow(line, file, values)


def _parse_value(name: str, raw: Any) -> Any:
    if isinstance(raw, Formula):
        raise CellError(*raw.refusal())
    if name == "issue_date":
        return _parse_date(raw)
    if name in ("ordinal", "dossier_end_year"):
        return _parse_int(name, raw)
    if name == SPLIT_AT_BLANK:
        return _parse_yes(raw)
    text = normalize(str(raw).strip())
    if name == "doc_type":
        known = doc_type_named(text)
        if known is None:
            raise CellError(
                f"'{text}' is not a document type; known types: {', '.join(DOC_TYPES)}",
                f"'{text}' không phải tên loại văn bản; các tên loại: {', '.join(DOC_TYPES)}",
            )
        return known
    if name == "access_level":
        levels = {fold(key): key for key in ACCESS_LEVELS} | {
            fold(v): k for k, v in ACCESS_LEVELS.items()
        }
        if fold(text) not in levels:
            raise CellError(
                f"'{text}' is not an access level; use one of {', '.join(ACCESS_LEVELS)}",
                f"'{text}' không phải mức độ tiếp cận; chọn: {', '.join(ACCESS_LEVELS.values())}",
            )
        return levels[fold(text)]
    if name == "recipients":
        return [part.strip() for part in re.split(r"[;\n]", text) if part.strip()]
    return text


def _parse_date(raw: Any) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = str(raw).strip()
    for form in _DATE_FORMATS:
        try:
            return datetime.strptime(text, form).date()
        except ValueError:
            continue
    raise CellError(
        f"'{text}' is not a date; write it as YYYY-MM-DD or DD/MM/YYYY",
        f"'{text}' không phải ngày; hãy ghi dạng DD/MM/YYYY",
    )


def _parse_int(name: str, raw: Any) -> int:
    text = str(raw).strip()
    if isinstance(raw, float) and raw.is_integer():
        text = str(int(raw))
    if not (text.isascii() and text.isdigit()):
        raise CellError(f"'{text}' is not a whole number", f"'{text}' không phải số nguyên")
    value = int(text)
    if name == "dossier_end_year" and not 1800 <= value <= 2200:
        raise CellError(f"{value} is not a plausible year", f"{value} không phải năm hợp lý")
    if value < 1:
        raise CellError("must be 1 or more", "phải từ 1 trở lên")
    return value


def _parse_yes(raw: Any) -> bool:
    if isinstance(raw, int | float) and raw in (0, 1):  # a ticked cell, TRUE or 1
        return bool(raw)
    answer = fold(str(raw).strip())
    if answer not in _YES | _NO:
        raise CellError(
            f"'{raw}' is neither yes nor no; write có or không",
            f"'{raw}' không phải có hay không; hãy ghi có hoặc không",
        )
    return answer in _YES


def _blank(value: Any) -> bool:
    return value is None or str(value).strip() == ""
