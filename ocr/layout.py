"""Page layout from OCR word boxes, read the way a person reads an NĐ 30/2020 page.

Tesseract reads the two-column header (agency | national motto) and the Nơi nhận | signature
row straight across both columns, interleaving them line by line. Here its lines are cut at
wide gaps into segments, segments are grouped into rows, and runs of rows that share a
gutter form a two-column region that is read left column first, then right column.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from statistics import median, median_low

import numpy as np
from pydantic import BaseModel, Field
from rapidfuzz import fuzz

from archive_schema.vietnamese import fold
from ocr.straighten import apply
from ocr.tables import Box, Grid

# Below this confidence a word may be speckles and stains read as letters; it is kept only
# when it has the shape of the page's text (`_shaped_like_text`).
NOISE_CONFIDENCE = 20
TEXT_HEIGHT = (0.6, 1.6)  # a word's height, as a share of the median word height
LETTER_WIDTH = (0.4, 1.0)  # width per character, as a share of the word's height
WORD_GAP = 1.2  # the widest space between two words of a line, in word heights
OVERLAP = 0.3  # two segments of a row may overlap by this many word heights and be one line
TALL = 1.8  # a segment this many times as tall as the page's is no line of text


class Word(BaseModel):
    text: str
    box: Box
    confidence: float = Field(ge=0, le=100)


class Line(BaseModel):
    words: list[Word]
    column: str = "full"  # "left" or "right" inside a two-column region

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)

    @property
    def box(self) -> Box:
        return _union([word.box for word in self.words])

    @property
    def height(self) -> int:
        return self.box[3] - self.box[1]


class PageLayout(BaseModel):
    """One page as OCR saw it, lines in reading order."""

    number: int
    width: int
    height: int
    dpi: float
    lines: list[Line] = Field(default_factory=list)
    timed_out: bool = False
    cleaning: str = "none"  # what was done to the image tesseract read (ocr.cleaning)
    ink_in_words: float | None = None  # share of the page's ink inside recognised words
    # 3×3, from these pixels (of the page drawn square and level) to the scan's; None: the same
    to_scan: list[list[float]] | None = None

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def confidence(self) -> float:
        """Mean word confidence in percent; 0 for a page with no words."""
        words = [word.confidence for line in self.lines for word in line.words]
        return sum(words) / len(words) if words else 0.0

    def where(self, value: str) -> list[tuple[float, float, float, float]]:
        """The boxes of the run of words that reads most like `value` (accents, case and
        OCR slips aside), as shares of the scanned page (left, top, right, bottom); none
        when nothing on the page is like it."""
        wanted = fold(value).split()
        if not wanted:
            return []
        words = [word for line in self.lines for word in line.words]
        folded = [fold(word.text) for word in words]
        best: float = SAME_VALUE
        found = None
        text = " ".join(wanted)
        # a run starts with a word like the value's first: a page has hundreds of words
        starts = [n for n, word in enumerate(folded) if fuzz.ratio(word, wanted[0]) >= SAME_VALUE]
        for start in starts:
            for end in range(start + 1, min(len(words), start + 2 * len(wanted)) + 1):
                score = fuzz.ratio(text, " ".join(folded[start:end]))
                if score > best:
                    best, found = score, (start, end)
        if found is None:
            return []
        return [self._share_of_scan(word.box) for word in words[found[0] : found[1]]]

    def _share_of_scan(self, box: Box) -> tuple[float, float, float, float]:
        left, top, right, bottom = box
        corners: list[tuple[float, float]] = [(x, y) for x in (left, right) for y in (top, bottom)]
        if self.to_scan is not None:
            matrix = np.array(self.to_scan)
            corners = [apply(matrix, x, y) for x, y in corners]
        xs, ys = [x / self.width for x, _ in corners], [y / self.height for _, y in corners]
        return (min(xs), min(ys), max(xs), max(ys))


SAME_VALUE = 70  # how like a value a run of words must read (rapidfuzz's ratio) to be it


@dataclass
class _Region:
    gutter: tuple[int, int]
    left: list[Line]
    right: list[Line]
    bottom: int


def read_page(
    number: int,
    width: int,
    height: int,
    dpi: float,
    ocr_lines: list[list[Word]],
    grids: Sequence[Grid] = (),
) -> PageLayout:
    """Lay out OCR lines (each a list of words left to right) in reading order; the words
    inside a ruled table (`grids`, `ocr.tables`) cell by cell."""
    heights = [w.box[3] - w.box[1] for words in ocr_lines for w in words]
    if heights:
        typical_word = median(heights)
        ocr_lines = [
            [
                w
                for w in words
                if w.confidence >= NOISE_CONFIDENCE or _shaped_like_text(w, typical_word)
            ]
            for words in ocr_lines
        ]
    tables = [_Table(grid) for grid in grids]
    ocr_lines = [[w for w in words if not any(t.took(w) for t in tables)] for words in ocr_lines]
    segments = [segment for words in ocr_lines if words for segment in split_at_gaps(words)]
    if segments:
        typical = median(segment.height for segment in segments)
        segments = [s for s in segments if not _speck(s, typical)]
    lines = _reading_order(segments)
    for table in sorted(tables, key=lambda t: t.grid.rows[0], reverse=True):
        top = table.grid.rows[0]
        at = next((n for n, line in enumerate(lines) if line.box[1] >= top), len(lines))
        lines[at:at] = table.lines()
    return PageLayout(number=number, width=width, height=height, dpi=dpi, lines=lines)


@dataclass
class _Table:
    grid: Grid
    cells: dict[tuple[int, int], list[Word]] = field(default_factory=dict)

    def took(self, word: Word) -> bool:
        """Whether a word lies in one of the table's cells: it is then the table's."""
        left, top, right, bottom = word.box
        cell = self.grid.cell((left + right) / 2, (top + bottom) / 2)
        if cell is not None:
            self.cells.setdefault(cell, []).append(word)
        return cell is not None

    def lines(self) -> list[Line]:
        """Row by row, a row's cells left to right, a cell's lines top to bottom."""
        return [
            line
            for cell in sorted(self.cells)
            for row in _rows([Line(words=[word]) for word in self.cells[cell]])
            for line in row
        ]


def _shaped_like_text(word: Word, typical_height: float) -> bool:
    """Whether a word has the height of the page's words and the width of its letters.

    Tesseract's confidence is low for numbers, identifiers and rare diacritics it read right
    (50-100mm, 11/1998/QĐ at 1-12 %), and for the tall, narrow or tiny shapes of stains."""
    left, top, right, bottom = word.box
    height, width_per_letter = bottom - top, (right - left) / len(word.text)
    low, high = TEXT_HEIGHT
    narrow, wide = LETTER_WIDTH
    return (
        low * typical_height <= height <= high * typical_height
        and narrow * height <= width_per_letter <= wide * height
    )


def split_at_gaps(words: list[Word]) -> list[Line]:
    """Cut a line where the space between two words is far wider than between the others:
    the gap between two columns that tesseract read as one line."""
    words = sorted(words, key=lambda w: w.box[0])
    gaps = [b.box[0] - a.box[2] for a, b in pairwise(words)]
    if not gaps:
        return [Line(words=words)]
    height = median(w.box[3] - w.box[1] for w in words)
    # the lower median: of two gaps, one a column's, the other is the line's spacing
    threshold = max(WORD_GAP * height, 3.5 * median_low(gaps))
    segments, current = [], [words[0]]
    for gap, word in zip(gaps, words[1:], strict=True):
        if gap > threshold:
            segments.append(Line(words=current))
            current = []
        current.append(word)
    return [*segments, Line(words=current)]


def _speck(segment: Line, typical_height: float) -> bool:
    """Punctuation far smaller than the text around it: a speck of dirt, not a mark."""
    return segment.height < 0.35 * typical_height and not any(c.isalnum() for c in segment.text)


def _rows(segments: list[Line]) -> list[list[Line]]:
    """Group segments that share most of their height into rows, top to bottom; segments of
    a row at a word's spacing are one line (tesseract's first reading and the re-reading
    each read part of it). A segment far taller than the text (a seal or a signature read as
    marks) is a row of its own: it would join the rows it spans into one."""
    typical = median(s.height for s in segments) if segments else 0
    rows: list[list[Line]] = []
    for segment in sorted(segments, key=lambda s: (s.box[1], s.box[0])):
        if segment.height > TALL * typical:
            rows.append([segment])
            continue
        top, bottom = segment.box[1], segment.box[3]
        for row in rows[-3:]:
            row_top = min(s.box[1] for s in row)
            row_bottom = max(s.box[3] for s in row)
            overlap = min(bottom, row_bottom) - max(top, row_top)
            if overlap > 0.5 * min(bottom - top, row_bottom - row_top) and not (
                len(row) == 1 and row[0].height > TALL * typical
            ):
                row.append(segment)
                break
        else:
            rows.append([segment])
    return [_joined(sorted(row, key=lambda s: s.box[0])) for row in rows]


def _joined(row: list[Line]) -> list[Line]:
    lines = [row[0]]
    for segment in row[1:]:
        height = median(w.box[3] - w.box[1] for w in lines[-1].words + segment.words)
        # a segment that starts under the last one is the next line, not more of it
        if -OVERLAP * height <= segment.box[0] - lines[-1].box[2] <= WORD_GAP * height:
            lines[-1] = Line(words=lines[-1].words + segment.words)
        else:
            lines.append(segment)
    return lines


def _reading_order(segments: list[Line]) -> list[Line]:
    ordered: list[Line] = []
    region: _Region | None = None
    for row in _rows(segments):
        worded = [segment for segment in row if _worded(segment)]
        gutter = _gutter(worded) if len(worded) >= 2 else None
        if region is not None and not _continues(region, row, gutter):
            ordered += _close(region)
            region = None
        if region is None:
            if gutter is None:
                ordered += row
                continue
            region = _Region(gutter, [], [], 0)
        elif gutter is not None and _overlap(gutter, region.gutter):
            region.gutter = (max(region.gutter[0], gutter[0]), min(region.gutter[1], gutter[1]))
        for segment in row:
            (region.left if segment.box[2] <= region.gutter[1] else region.right).append(segment)
        region.bottom = max(s.box[3] for s in row)
    return ordered + (_close(region) if region else [])


def _gutter(row: list[Line]) -> tuple[int, int]:
    """The widest gap between the segments of a row: the space between two columns."""
    gaps = [(b.box[0] - a.box[2], a.box[2], b.box[0]) for a, b in pairwise(row)]
    _, start, end = max(gaps)
    return start, end


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and a[1] > b[0]


def _continues(region: _Region, row: list[Line], gutter: tuple[int, int] | None) -> bool:
    """Whether a row continues a two-column region: a row whose own gutter lines up with
    the region's does; so does a row keeping to one side of the gutter that follows at line
    spacing (a wider gap starts the body: "Kính gửi", the type name)."""
    gap = min(s.box[1] for s in row) - region.bottom
    pitch = median(s.height for s in region.left + region.right)
    if gap > 4 * pitch:
        return False
    if gutter is not None and _overlap(gutter, region.gutter):
        return True
    start, end = region.gutter
    return gap <= pitch and all(s.box[2] <= end or s.box[0] >= start for s in row if _worded(s))


def _worded(segment: Line) -> bool:
    """Whether a segment has a letter or a digit: marks alone (what OCR made of a seal's
    remains, a signature's loops) neither place nor cross the gutter between columns."""
    return any(c.isalnum() for c in segment.text)


def _close(region: _Region) -> list[Line]:
    for line in region.left:
        line.column = "left"
    for line in region.right:
        line.column = "right"
    return region.left + region.right


def _union(boxes: list[Box]) -> Box:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )
