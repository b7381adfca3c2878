"""Spreadsheets as the records office and the archivists keep them (CSV, XLSX), read and
written safely. A formula is never taken in: it comes back as a `Formula`, for the reader
to refuse naming its row and column. A text that Excel would run as a formula is never
written out live: CSV gets it behind an apostrophe, XLSX as a text cell. A CSV must be
UTF-8; one in a legacy Vietnamese encoding (Windows-1258, TCVN3) is refused by name."""

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from archive_schema.errors import UserError

MEDIA_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMULA_STARTS = ("=", "+", "-", "@")
GUARD = "'"  # Excel's own mark of a text typed as such
# Bytes that TCVN3 uses for its commonest letters (ă â ê ô ơ ư đ, à ả ã á ạ) and that are
# symbols in Windows-1258 (¨ © ª « ¬ ­ ® µ ¶ · ¸ ¹), never seen in Vietnamese written in it.
_TCVN3_LETTERS = frozenset(range(0xA8, 0xAF)) | frozenset(range(0xB5, 0xBA))
_CP1258_TONES = frozenset(b"\xcc\xec\xd2\xde\xf2")  # its combining tone marks


class SpreadsheetError(UserError, ValueError):
    """The file is not a spreadsheet that can be read (its encoding, its format)."""


@dataclass(frozen=True)
class Formula:
    """A cell that holds a formula: refused, never stored, never evaluated."""

    text: str

    def refusal(self) -> tuple[str, str]:
        """Why it is refused, in English and in Vietnamese."""
        shown = self.text if len(self.text) <= 40 else self.text[:40] + "…"
        return (
            f"a formula ({shown}): formulas are not accepted, type the value itself",
            f"là công thức ({shown}): không nhận công thức, hãy gõ chính giá trị",
        )


def decode_csv(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        high = [byte for byte in data if byte >= 0x80]
        if sum(byte in _TCVN3_LETTERS for byte in high) > len(high) / 10:
            encoding = "TCVN3 (ABC)"
        elif any(byte in _CP1258_TONES for byte in high):
            encoding = "Windows-1258"
        else:
            encoding = ""
        raise SpreadsheetError(
            f"the file is in {encoding or 'an encoding other than UTF-8'}, not UTF-8 (byte"
            f" {error.start + 1}): open it in Excel and save it as 'CSV UTF-8', or convert it"
            " with Unikey's tool",
            (
                f"tệp được lưu theo bảng mã {encoding}, không phải UTF-8"
                if encoding
                else "tệp không được lưu theo bảng mã UTF-8"
            )
            + ": mở bằng Excel và lưu lại dạng 'CSV UTF-8', hoặc chuyển mã bằng Unikey",
        ) from None


def csv_rows(data: bytes) -> list[list[Any]]:
    """The rows of a CSV file (`,`, `;` or tab, as its header uses)."""
    text = decode_csv(data)
    header = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=header.count)  # Excel writes ';' where ',' is the decimal mark
    return [
        [_csv_cell(c) for c in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)
    ]


def xlsx_rows(source: bytes | Path) -> list[list[Any]]:
    """The rows of a workbook's first sheet; a formula cell is a `Formula`."""
    try:
        book = load_workbook(
            io.BytesIO(source) if isinstance(source, bytes) else source,
            read_only=True,
            data_only=False,
        )
    except Exception as error:  # openpyxl raises many kinds for a file that is not XLSX
        raise SpreadsheetError(
            f"not a readable XLSX workbook ({error})", "không phải tệp Excel (.xlsx) đọc được"
        ) from None
    try:
        return [
            [Formula(str(c.value)) if c.data_type == "f" else c.value for c in row]
            for row in book.worksheets[0].iter_rows()
        ]
    finally:
        book.close()


def csv_bytes(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """A CSV in UTF-8 with the BOM that tells Excel so; no cell can run as a formula."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows([neutralised(value) for value in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(
    title: str,
    sheet: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    widths: Sequence[int] = (),
) -> bytes:
    """A workbook of one sheet, bold headers frozen above; every text is a text cell."""
    book = Workbook(write_only=False)
    page = book.active
    assert page is not None
    page.title = sheet[:31]
    page.append(list(headers))
    for cell in page[1]:
        cell.font = Font(bold=True)
    for values in rows:  # shorter rows than the headers too (a blank, a total)
        page.append([None] * len(values))
        for cell, value in zip(page[page.max_row][: len(values)], values, strict=True):
            cell.value = value
            if isinstance(value, str) and value.startswith(FORMULA_STARTS):
                cell.data_type, cell.quotePrefix = "s", True
    for index, width in enumerate(widths):
        page.column_dimensions[chr(ord("A") + index)].width = width
    page.freeze_panes = "A2"
    book.properties.title = title
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def neutralised(value: Any) -> Any:
    """A CSV cell Excel will show as it is, not run: a text that starts like a formula goes
    behind an apostrophe."""
    if isinstance(value, str) and value.startswith((*FORMULA_STARTS, "\t", "\r")):
        return GUARD + value
    return value


def _csv_cell(text: str) -> str | Formula:
    """A CSV cell as Excel would take it: a formula, or a text (its guard taken off)."""
    if text.startswith(GUARD) and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    if text.startswith(("=", "@")) or (
        text.startswith(("+", "-")) and len(text) > 1 and not text[1].isspace()
    ):
        return Formula(text)
    return text
