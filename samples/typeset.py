"""Typeset a corpus document on A4 pages the way NĐ 30/2020 lays it out.

Two-column header (agency | national motto), "Số:" and place/date, type name and summary
centred, justified body, then Nơi nhận (left) beside the signature block (right); an annex
starts on a new page and pages from the second on carry their number at the top.
Each page comes with its text in reading order, column by column: the ground truth.
"""

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from samples.corpus import Block, DocumentParts, Table

FONT_DIR = Path("/usr/share/fonts/truetype/liberation2")
FONT_FILES = {
    "regular": "LiberationSerif-Regular.ttf",
    "bold": "LiberationSerif-Bold.ttf",
    "italic": "LiberationSerif-Italic.ttf",
    "bold-italic": "LiberationSerif-BoldItalic.ttf",
}
A4_PT = (595.28, 841.89)
MARGIN_PT = {"top": 57.0, "bottom": 57.0, "left": 85.0, "right": 57.0}  # 20/20/30/20 mm
LEFT_COLUMN_PT = (30.0, 250.0)
RIGHT_COLUMN_PT = (235.0, 580.0)
SIGNATURE_COLUMN_PT = (300.0, 560.0)


@dataclass(frozen=True)
class Style:
    face: str
    size: float  # points


REGULAR = Style("regular", 14)
BOLD = Style("bold", 14)
HEADER = Style("bold", 13)
HEADER_PARENT = Style("regular", 13)
MOTTO = Style("bold", 12.5)
NUMBER = Style("regular", 13)
SUMMARY_SMALL = Style("regular", 12)
DATE = Style("italic", 14)
RECIPIENTS_TITLE = Style("bold-italic", 12)
RECIPIENTS = Style("regular", 11)
SIGNATURE = Style("bold", 13)
TABLE = Style("regular", 12)
TABLE_HEADING = Style("bold", 12)
CELL_PADDING_PT = 4.0


@dataclass
class TypesetPage:
    image: Image.Image  # grayscale, white paper, black ink
    lines: list[str] = field(default_factory=list)
    # left, top, right, bottom of the signature block (title to name), on its page
    signature: tuple[int, int, int, int] | None = None

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@cache
def font(face: str, size_px: int) -> ImageFont.FreeTypeFont:
    path = FONT_DIR / FONT_FILES[face]
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: install the Debian package fonts-liberation2")
    return ImageFont.truetype(str(path), size_px)


class Typesetter:
    """Lays text out top to bottom, starting new pages as they fill."""

    def __init__(self, dpi: int):
        self.dpi = dpi
        self.pages: list[TypesetPage] = []
        self.y = 0.0
        self.new_page()

    def px(self, points: float) -> float:
        return points * self.dpi / 72

    def font(self, style: Style) -> ImageFont.FreeTypeFont:
        return font(style.face, round(self.px(style.size)))

    def width(self, text: str, style: Style) -> float:
        return float(self.font(style).getlength(text))

    def pitch(self, style: Style) -> float:
        return self.px(style.size * 1.3)

    @property
    def page(self) -> TypesetPage:
        return self.pages[-1]

    def new_page(self) -> None:
        width, height = (round(self.px(v)) for v in A4_PT)
        page = TypesetPage(Image.new("L", (width, height), 255))
        self.pages.append(page)
        self.y = self.px(MARGIN_PT["top"])
        if len(self.pages) > 1:
            number = str(len(self.pages))
            self.draw(number, NUMBER, 0, self.px(A4_PT[0]), "center")
            self.y += self.pitch(NUMBER) * 1.5

    def room(self) -> float:
        return self.px(A4_PT[1] - MARGIN_PT["bottom"]) - self.y

    def ensure(self, height: float) -> None:
        if height > self.room():
            self.new_page()

    def wrap(self, text: str, style: Style, width: float, indent: float = 0) -> list[str]:
        lines: list[str] = []
        current = ""
        for word in text.split():
            candidate = f"{current} {word}" if current else word
            limit = width - (indent if not lines else 0)
            if current and self.width(candidate, style) > limit:
                lines.append(current)
                current = word
            else:
                current = candidate
        return [*lines, current] if current else lines

    def draw(
        self,
        text: str,
        style: Style,
        left: float,
        width: float,
        align: str = "left",
        justify: bool = False,
    ) -> None:
        """Draw one line at the cursor, then move the cursor down one line."""
        draw = ImageDraw.Draw(self.page.image)
        face = self.font(style)
        words = text.split()
        if justify and len(words) > 1:
            space = (width - sum(self.width(w, style) for w in words)) / (len(words) - 1)
            x = left
            for word in words:
                draw.text((x, self.y), word, font=face, fill=0)
                x += self.width(word, style) + space
        else:
            offset = {"left": 0.0, "center": (width - self.width(text, style)) / 2}[align]
            draw.text((left + offset, self.y), text, font=face, fill=0)
        self.page.lines.append(" ".join(words))
        self.y += self.pitch(style)

    def rule(self, center: float, length: float) -> None:
        draw = ImageDraw.Draw(self.page.image)
        y = self.y + self.px(2)
        draw.line(
            (center - length / 2, y, center + length / 2, y),
            fill=0,
            width=max(1, round(self.px(0.8))),
        )
        self.y += self.px(8)


def typeset(parts: DocumentParts, dpi: int) -> list[TypesetPage]:
    t = Typesetter(dpi)
    _header(t, parts)
    text_left = t.px(MARGIN_PT["left"])
    text_width = t.px(A4_PT[0] - MARGIN_PT["left"] - MARGIN_PT["right"])
    if parts.type_name:
        t.y += t.pitch(BOLD) * 0.8
        t.draw(parts.type_name, BOLD, text_left, text_width, "center")
        for part in _summary_parts(parts.subject):
            for line in t.wrap(part, BOLD, text_width * 0.85):
                t.draw(line, BOLD, text_left, text_width, "center")
        t.rule(text_left + text_width / 2, text_width / 4)
    t.y += t.pitch(REGULAR) * 0.6
    _paragraphs(t, parts.body, text_left, text_width)
    if parts.signature:
        _closing(t, parts)
    if parts.annex:
        t.new_page()
        _paragraphs(t, parts.annex, text_left, text_width)
    return t.pages


def _summary_parts(subject: str) -> tuple[str, ...]:
    """A Party summary names a meeting in capitals and goes on in small letters with what
    it is about ("… (KHOÁ XVI) về xây dựng …"): each part on lines of its own."""
    meeting, about, rest = subject.partition(" về ")
    return (meeting, f"{about.strip()} {rest}") if about and meeting.isupper() else (subject,)


def _header(t: Typesetter, parts: DocumentParts) -> None:
    """Left column (agency, number, V/v summary), then the right (motto, place and date),
    both starting at the same height and with their second rows aligned."""
    top = t.y
    left, left_width = t.px(LEFT_COLUMN_PT[0]), t.px(LEFT_COLUMN_PT[1] - LEFT_COLUMN_PT[0])
    right, right_width = t.px(RIGHT_COLUMN_PT[0]), t.px(RIGHT_COLUMN_PT[1] - RIGHT_COLUMN_PT[0])
    agencies = [(parts.parent_agency, HEADER_PARENT)] if parts.parent_agency else []
    agencies += [(line, HEADER) for line in parts.agency_lines]
    agency_lines = [
        (line, style) for text, style in agencies for line in t.wrap(text, style, left_width)
    ]
    agency_height = sum(t.pitch(style) for _, style in agency_lines)
    row = top + max(agency_height, t.pitch(MOTTO) + t.pitch(HEADER)) + t.px(8 + 6)

    for line, style in agency_lines:
        t.draw(line, style, left, left_width, "center")
    if parts.party:
        t.draw("*", HEADER, left, left_width, "center")
    else:
        t.rule(left + left_width / 2, left_width / 3)
    t.y = row
    t.draw(parts.number_line, NUMBER, left, left_width, "center")
    if parts.type_name is None:
        for line in t.wrap(parts.subject, SUMMARY_SMALL, left_width * 0.9):
            t.draw(line, SUMMARY_SMALL, left, left_width, "center")
    left_bottom = t.y

    t.y = top
    styles = (MOTTO, HEADER)[: len(parts.motto_lines)]  # the Party's name is one line
    for line, style in zip(parts.motto_lines, styles, strict=True):
        t.draw(line, style, right, right_width, "center")
    t.rule(right + right_width / 2, t.width(parts.motto_lines[-1], styles[-1]))
    t.y = row
    for line in t.wrap(parts.place_date, DATE, right_width):
        t.draw(line, DATE, right, right_width, "center")
    t.y = max(left_bottom, t.y)


def _paragraphs(t: Typesetter, blocks: tuple[Block, ...], left: float, width: float) -> None:
    indent = t.px(28)
    for paragraph in blocks:
        if not isinstance(paragraph, str):
            _table(t, paragraph, left, width)
        elif _is_heading(paragraph):
            lines = t.wrap(paragraph, BOLD, width * 0.9)
            t.ensure(t.pitch(BOLD) * (len(lines) + 1))
            for line in lines:
                t.draw(line, BOLD, left, width, "center")
        else:
            lines = t.wrap(paragraph, REGULAR, width, indent)
            for i, line in enumerate(lines):
                t.ensure(t.pitch(REGULAR))
                shift = indent if i == 0 else 0
                t.draw(line, REGULAR, left + shift, width - shift, justify=i < len(lines) - 1)
        t.y += t.px(4)


def _table(t: Typesetter, table: Table, left: float, width: float) -> None:
    """A ruled table, row by row; a row that does not fit starts a new page. The text is
    read cell by cell along each row."""
    pad = t.px(CELL_PADDING_PT)
    widths = _column_widths(t, table, width)
    edges = [left + sum(widths[:i]) for i in range(len(widths) + 1)]
    stroke = max(1, round(t.px(0.6)))
    t.y += t.px(4)
    for number, row in enumerate(table):
        style = TABLE_HEADING if number == 0 else TABLE
        cells = [t.wrap(cell, style, w - 2 * pad) for cell, w in zip(row, widths, strict=True)]
        height = t.pitch(style) * max(1, *map(len, cells)) + 2 * pad
        if height > t.room():
            t.new_page()
        top = t.y
        draw = ImageDraw.Draw(t.page.image)
        draw.rectangle((edges[0], top, edges[-1], top + height), outline=0, width=stroke)
        for x in edges[1:-1]:
            draw.line((x, top, x, top + height), fill=0, width=stroke)
        for column, lines in enumerate(cells):
            t.y = top + pad
            align = "center" if number == 0 or column == 0 else "left"
            for line in lines:
                t.draw(line, style, edges[column] + pad, widths[column] - 2 * pad, align)
        t.y = top + height
    t.y += t.px(8)


def _column_widths(t: Typesetter, table: Table, width: float) -> list[float]:
    """Each column as wide as its longest cell if all fit, else at least its longest word
    and the rest of the width shared by how much more its cells would take."""
    pad = 2 * t.px(CELL_PADDING_PT)
    columns = list(zip(*table, strict=True))
    natural = [max(t.width(cell, TABLE) for cell in column) + pad for column in columns]
    least = [
        max((t.width(word, TABLE_HEADING) for cell in column for word in cell.split()), default=0)
        + pad
        for column in columns
    ]
    if sum(natural) <= width:
        return [w * width / sum(natural) for w in natural]
    if sum(least) >= width:  # even the longest words do not fit: they shrink alike
        return [w * width / sum(least) for w in least]
    spare = [n - m for n, m in zip(natural, least, strict=True)]
    return [m + s * (width - sum(least)) / sum(spare) for m, s in zip(least, spare, strict=True)]


def _closing(t: Typesetter, parts: DocumentParts) -> None:
    """Nơi nhận on the left and the signature block on the right, on one page."""
    left, left_width = t.px(MARGIN_PT["left"]), t.px(210)
    sig_left = t.px(SIGNATURE_COLUMN_PT[0])
    sig_width = t.px(SIGNATURE_COLUMN_PT[1] - SIGNATURE_COLUMN_PT[0])
    recipients = [
        (line, RECIPIENTS_TITLE if i == 0 else RECIPIENTS)
        for i, paragraph in enumerate(parts.recipients)
        for line in t.wrap(paragraph, RECIPIENTS_TITLE if i == 0 else RECIPIENTS, left_width)
    ]
    signature = [line for title in parts.signature for line in t.wrap(title, SIGNATURE, sig_width)]
    left_height = sum(t.pitch(style) for _, style in recipients)
    sig_height = t.pitch(SIGNATURE) * (len(signature) + 1) + t.px(60)
    t.ensure(max(left_height, sig_height) + t.px(12))
    t.y += t.px(12)
    top = t.y
    for line, style in recipients:
        t.draw(line, style, left, left_width)
    bottom = t.y
    t.y = top
    for line in signature:
        t.draw(line, SIGNATURE, sig_left, sig_width, "center")
    t.y += t.px(60)
    t.draw(parts.signer_name or "", BOLD, sig_left, sig_width, "center")
    t.page.signature = (round(sig_left), round(top), round(sig_left + sig_width), round(t.y))
    t.y = max(bottom, t.y)


def _is_heading(paragraph: str) -> bool:
    letters = [c for c in paragraph if c.isalpha()]
    return bool(letters) and len(paragraph) < 100 and all(c.isupper() for c in letters)
