"""Ruled tables (an annex's bảng, biểu): found by their rulings, read cell by cell.

Tesseract reads a ruling as `|`, `_` or `[` beside the text it touches, and reads a row of
cells straight across as one line, so a cell's second line ends up after the next cell's
first. Here a table is found from its horizontal rulings (long runs of ink, each stretch of
a few pixels mostly ink, which the spaces between words never are) and the vertical ones
that join two of them; the rulings are erased from the image tesseract reads, and the words
inside are read cell by cell: rows top to bottom, a row's cells left to right.
"""

from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise
from typing import NamedTuple

import numpy as np
from scipy import ndimage

Box = tuple[int, int, int, int]  # left, top, right, bottom, in image pixels

INK = 200  # darker than this is ink: a thin ruling blurred in the scan is pale
FIND_DPI = 150
RULE_WIDTH = 1.5  # a horizontal ruling is at least this long, inches (a word is far shorter)
DOWN_COVERED = 0.85  # a vertical ruling inks this share of its row at least; no letter does
STRETCH = 0.06  # inches: every stretch this long of a ruling is mostly ink...
COVERED = 0.7  # ...this share of it at least (a space between words is wider than its third)
BREAK = 0.03  # inches: a ruling broken for this long (a photocopy's) is one still
THICKNESS = 0.02  # inches a ruling may be thick, on each side of its centre, once found


class Rule(NamedTuple):
    """A horizontal ruling: the height of its centre line, its ends."""

    y: int
    left: int
    right: int


@dataclass(frozen=True)
class Grid:
    """A ruled table: the heights of its horizontal rulings, top to bottom, and for each
    row between two of them the places of the vertical rulings that cut it into cells."""

    rows: tuple[int, ...]
    cells: tuple[tuple[int, ...], ...]  # per row, the left edge of each cell, then the right

    @property
    def box(self) -> Box:
        return (
            min(edges[0] for edges in self.cells),
            self.rows[0],
            max(edges[-1] for edges in self.cells),
            self.rows[-1],
        )

    @property
    def cell_boxes(self) -> list[Box]:
        return [
            (left, top, right, bottom)
            for (top, bottom), edges in zip(pairwise(self.rows), self.cells, strict=True)
            for left, right in pairwise(edges)
        ]

    def cell(self, x: float, y: float) -> tuple[int, int] | None:
        """The row and the cell of the row that a point lies in; None outside the table."""
        row = bisect_left(self.rows, y) - 1
        if not 0 <= row < len(self.cells):
            return None
        edges = self.cells[row]
        column = bisect_left(edges, x) - 1
        return (row, column) if 0 <= column < len(edges) - 1 else None


def find_grids(grey: np.ndarray, dpi: float) -> tuple[list[Grid], np.ndarray]:
    """The ruled tables of a page, and a mask of their rulings' pixels. The rulings are
    looked for at about 150 dpi, where a page takes a quarter of the time."""
    step = max(1, round(dpi / FIND_DPI))
    ink = block_darkest(grey, step) < INK
    found_dpi = dpi / step
    across, lines = _rulings(ink, found_dpi)
    reach = max(1, round(THICKNESS * found_dpi))
    grids = []
    rulings = np.zeros(grey.shape, bool)
    for stack, (left, right) in _stacks(lines, found_dpi):
        left, right = max(0, left - reach), right + reach + 1
        cells = _cells(
            [ink[top + reach : bottom - reach, left:right] for top, bottom in pairwise(stack)],
            2 * reach,
        )
        # a band that no vertical ruling cuts is between two tables of the same width; one
        # that fewer cut than most of the others lost rulings to fading (or merges cells)
        # and is read as text around the table
        most = Counter(map(len, cells)).most_common(1)[0][0]
        if most < 2:
            continue  # rules across with nothing cutting them into cells: no table
        start = 0
        for end in [n for n, edges in enumerate(cells) if len(edges) < most] + [len(cells)]:
            if end > start:
                grids.append(
                    Grid(
                        tuple(y * step for y in stack[start : end + 1]),
                        tuple(tuple((left + x) * step for x in e) for e in cells[start:end]),
                    )
                )
            start = end + 1
        edges = [[left + x for x in band] for band in cells]
        rulings |= _drawn(across, stack, edges, (left, right), reach, step, grey.shape)
    return grids, rulings & (grey < INK)


def _cells(bands: list[np.ndarray], thickness: int) -> list[list[int]]:
    """Where vertical rulings cross each band between two horizontal ones: where one band
    is inked over DOWN_COVERED of its height, a ruling; where others are inked over half
    of theirs at the same place, it crosses them too (faded in patches). A ruling read as
    two close lines (a photocopy's hollow stroke) is one."""
    coverage = [
        ndimage.maximum_filter1d(band.mean(axis=0), 3) if band.shape[0] else np.zeros(band.shape[1])
        for band in bands
    ]
    ruled = np.zeros(bands[0].shape[1], bool)
    for along in coverage:
        ruled |= along >= DOWN_COVERED
    return [
        _centres(ndimage.binary_closing(ruled & (along >= DOWN_COVERED / 2), np.ones(thickness)))
        for along in coverage
    ]


def _drawn(
    across: np.ndarray,
    rows: list[int],
    cells: list[list[int]],
    span: tuple[int, int],
    reach: int,
    step: int,
    shape: tuple[int, ...],
) -> np.ndarray:
    """The pixels of a table's rulings, at full size."""
    table = np.zeros_like(across)
    window = slice(rows[0] - reach, rows[-1] + reach + 1), slice(*span)
    table[window] = across[window]
    for (top, bottom), edges in zip(pairwise(rows), cells, strict=True):
        for x in edges:
            table[top:bottom, x - reach : x + reach + 1] = True
    table = ndimage.binary_dilation(table, iterations=1)
    full = np.zeros(shape, bool)
    height, width = table.shape[0] * step, table.shape[1] * step
    full[:height, :width] = np.repeat(np.repeat(table, step, 0), step, 1)
    return full


def block_darkest(grey: np.ndarray, step: int) -> np.ndarray:
    """The darkest pixel of each `step` × `step` block: a thin stroke stays whole."""
    rows, columns = grey.shape[0] // step, grey.shape[1] // step
    blocks = grey[: rows * step, : columns * step]
    # a strided minimum per offset: fifteen times faster than a minimum over reshaped axes
    blocks = np.minimum.reduce([blocks[:, offset::step] for offset in range(step)])
    darkest: np.ndarray = np.minimum.reduce([blocks[offset::step] for offset in range(step)])
    return darkest


def _rulings(ink: np.ndarray, dpi: float) -> tuple[np.ndarray, list[Rule]]:
    """Where ink runs along the rows for at least RULE_WIDTH, thin, with every stretch of
    STRETCH mostly ink and breaks of at most BREAK (a ruling a pixel off level on the way
    is still one ruling); and each such ruling as its centre line. Only the few bands of
    rows mostly ink along a ruling's length are looked at closely."""
    window, length = max(3, round(STRETCH * dpi)), round(RULE_WIDTH * dpi)
    band = ink.copy()
    band[1:] |= ink[:-1]
    band[:-1] |= ink[1:]
    sums = np.cumsum(band, axis=1, dtype=np.int32)
    # the stretch ending at each pixel mostly ink...
    covered = (sums[:, window:] - sums[:, :-window]) >= COVERED * window
    ends = np.cumsum(covered, axis=1, dtype=np.int32)
    across = np.zeros_like(ink)
    if length >= ends.shape[1]:
        return across, []
    likely = (ends[:, length:] - ends[:, :-length] >= length / 3).any(axis=1)
    likely = ndimage.binary_dilation(likely, iterations=round(2 * THICKNESS * dpi) + 1)
    rules = []
    for (rows,) in ndimage.find_objects(ndimage.label(likely)[0]):
        # ... marks all its pixels
        marked = np.zeros((rows.stop - rows.start, ink.shape[1]), bool)
        marked[:, 1 : ends.shape[1] + 1] = ends[rows] > 0
        marked[:, window + 1 : ends.shape[1] + 1] = ends[rows, window:] > ends[rows, :-window]
        found, ruled = _thin_runs(marked, dpi)
        across[rows] = found & band[rows]
        rules += [Rule(rule.y + rows.start, rule.left, rule.right) for rule in ruled]
    return across, rules


def _thin_runs(marked: np.ndarray, dpi: float) -> tuple[np.ndarray, list[Rule]]:
    """The runs of `marked` at least RULE_WIDTH long once bridged over BREAK, and thin."""
    bridged = ndimage.binary_closing(marked, np.ones((1, max(1, round(BREAK * dpi)))))
    labels, count = ndimage.label(bridged, structure=np.ones((3, 3)))
    area = ndimage.sum_labels(marked, labels, np.arange(1, count + 1))
    kept, rules = [False], []
    for (rows, columns), pixels in zip(ndimage.find_objects(labels), area, strict=True):
        length = columns.stop - columns.start
        ruling = length >= RULE_WIDTH * dpi and pixels / length <= 2 * THICKNESS * dpi
        kept.append(ruling)
        if ruling:
            rules.append(Rule((rows.start + rows.stop - 1) // 2, columns.start, columns.stop - 1))
    return np.array(kept)[labels], rules


def _stacks(lines: list[Rule], dpi: float) -> list[tuple[list[int], tuple[int, int]]]:
    """Horizontal rulings grouped into tables: pieces at the same height are one ruling
    (a ruling faded in patches), rulings that overlap along most of the shorter are rows of
    one table. Each table with the heights of its rulings and its span."""
    level = 2 * THICKNESS * dpi
    merged: list[Rule] = []
    for line in sorted(lines):
        if merged and line.y - merged[-1].y <= level:
            last = merged.pop()
            line = Rule(last.y, min(last.left, line.left), max(last.right, line.right))
        merged.append(line)
    stacks: list[tuple[list[int], tuple[int, int]]] = []
    for line in merged:
        for n, (rows, (left, right)) in enumerate(stacks):
            shorter = min(right - left, line.right - line.left)
            if min(right, line.right) - max(left, line.left) >= 0.8 * shorter:
                rows.append(line.y)
                stacks[n] = (rows, (min(left, line.left), max(right, line.right)))
                break
        else:
            stacks.append(([line.y], (line.left, line.right)))
    return [(rows, span) for rows, span in stacks if len(rows) >= 2]


def _centres(present: np.ndarray) -> list[int]:
    labels, count = ndimage.label(present)
    return [int(np.mean(np.nonzero(labels == n)[0])) for n in range(1, count + 1)]
