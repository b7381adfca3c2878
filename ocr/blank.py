"""Blank pages (trang trắng): the separator sheets an archivist lays between documents that
are scanned as one file. A page is blank when, seen at DPI against its own paper, the marks
on it add up to less ink than a few letters. What is not content does not count: specks of
dust or toner, the other side of the sheet showing through, a crease, a shadow, the edge of
the scanner's lid or of the desk under a phone."""

from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
from PIL import Image, ImageSequence
from scipy import ndimage

from ocr.pdf_pages import rendered

DPI = 75  # the resolution a page is looked at: letters stay whole, specks fade
A4_WIDTH_INCHES = 8.27  # a page whose resolution is missing or implausible is taken as A4
PLAUSIBLE_DPI = 100
PAPER_MM = 2.5  # the paper around a pixel: its page closed over any mark narrower than this
INK = 0.75  # darker than this share of the paper around it: a mark
SPECK_PIXELS = 5  # a mark smaller than this (at DPI) is dust, which a few specks together make
LINE_MM = 10.0  # a mark at least this long, however it slants...
LINE_PIXELS = 3.5  # ...and no thicker than this (at DPI) is a crease or a rule
CONTENT_MM2 = 5.0  # less content than this (about two letters of 13 pt) is a blank page


def blank_pages(scans: Sequence[Path], pdf: bool) -> list[bool]:
    """Whether each page of `scans` (one PDF when `pdf`, else images in page order) is blank."""
    pages = rendered(scans[0], DPI) if pdf else _image_pages(scans)
    return [content_mm2(page, page.info.get("dpi", (0, 0))[0]) < CONTENT_MM2 for page in pages]


def content_mm2(page: Image.Image, dpi: float) -> float:
    """How much ink of content the page holds, in square millimetres."""
    if dpi < PLAUSIBLE_DPI:
        dpi = page.width / A4_WIDTH_INCHES
    factor = max(1, round(dpi / DPI))
    grey = page.convert("L").reduce(factor) if factor > 1 else page.convert("L")
    seen_dpi = dpi / factor
    values = np.asarray(grey, dtype=np.float32)
    width = max(3, round(PAPER_MM * seen_dpi / 25.4))
    paper = ndimage.grey_closing(values, size=(width, width))
    marks = values < INK * np.maximum(paper, 1)
    # marks a pixel apart are one: a slanting crease is drawn as a staircase of pieces
    near = ndimage.binary_dilation(marks, structure=np.ones((3, 3)))
    labels, count = ndimage.label(near, structure=np.ones((3, 3)))
    labels[~marks] = 0
    if not count:
        return 0.0
    areas = ndimage.sum_labels(marks, labels, range(1, count + 1))
    content = 0.0
    line = LINE_MM * seen_dpi / 25.4
    for number, (area, box) in enumerate(zip(areas, ndimage.find_objects(labels), strict=True)):
        if area < SPECK_PIXELS or box is None or _on_edge(box, marks.shape):
            continue
        if max(s.stop - s.start for s in box) >= line:
            length, thickness = _extent(labels[box] == number + 1)
            if length >= line and thickness <= LINE_PIXELS:
                continue
        content += area
    return content * (25.4 / seen_dpi) ** 2


def _on_edge(box: tuple[slice, ...], shape: tuple[int, ...]) -> bool:
    """Touching the image's edge: the edge of the scanner's lid, of the page or the desk."""
    return any(s.start == 0 or s.stop == size for s, size in zip(box, shape, strict=True))


def _extent(mark: np.ndarray) -> tuple[float, float]:
    """A mark's length and thickness along its own axes (those of a bar of its moments)."""
    points = np.argwhere(mark).astype(np.float64)
    spread = np.linalg.eigvalsh(np.cov(points, rowvar=False))
    thickness, length = np.sqrt(12 * np.maximum(spread, 0))
    return float(length), float(thickness)


def _image_pages(scans: Sequence[Path]) -> Iterator[Image.Image]:
    for path in scans:
        with Image.open(path) as image:
            for frame in ImageSequence.Iterator(image):
                yield frame.copy()
