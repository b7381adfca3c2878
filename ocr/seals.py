"""A round seal printed in black (a photocopy, a grey scan: no colour to drop) found on the
OCR image, and its rings and emblem erased.

Over the signer's title and name the rings cut every letter they cross, and tesseract reads
the block as junk or not at all. A seal is the circle of SEAL_RADII_MM whose ring is inked
almost all round while the circles just inside and outside it are not: text is inked about
evenly at every radius. Every circle of the page is voted on at GLANCE_DPI (a convolution
per radius, through one FFT of the page), the best few again at SEARCH_DPI, and the one
found is then fitted to the page's own pixels.

Where a letter crosses a ring its stroke goes on on both sides, and the ring is kept there:
only the ring's own ink is erased. The seal's lettering between its rings stays (it is the
size of the title's letters); what tesseract reads of it is left out (`seal_remains`).
"""

from typing import NamedTuple

import numpy as np
from scipy import fft, ndimage

from ocr.layout import Word
from ocr.tables import block_darkest

MM_PER_INCH = 25.4
SEAL_RADII_MM = (14, 22)  # a round seal is 28-44 mm across, by the level of the body
SEARCH_DPI = 50
GLANCE_DPI = 25  # the whole page is searched at this resolution first...
GLANCE_CANDIDATES = 3  # ...and the circles that stand out most there looked at closely
INK = 128  # darker is ink
INKED = 0.7  # a seal's ring covers this share of its circle (a worn copy breaks it)...
CONTRAST = 0.4  # ...this much more than the circles SEARCH_STEP inside and outside it
SEARCH_STEP = 2  # pixels at SEARCH_DPI
INNER_RING = (0.6, 0.95)  # where the inner ring may be, as shares of the outer's radius
RING_REACH_MM = 1.2  # how far a ring's stroke may spread either side of its circle
STROKE_GOES_ON_MM = 0.4  # a letter crossing a ring has ink this far beyond both its edges
EDGE = 2  # pixels: a ring's edge, mostly paper, where the blur and the copy left it ragged
BELIEVED = 50  # a line inside the seal OCR believed less than this on average: its remains
EMBLEM_MM2 = 10  # ink inside the inner ring in one piece this large: the star, the emblem


class Seal(NamedTuple):
    centre: tuple[int, int]  # row, column
    radius: int  # of the outer ring, in the page's pixels


def find_seal(pixels: np.ndarray, dpi: float) -> Seal | None:
    """The seal on a greyscale page, or None. The page is searched at GLANCE_DPI, and the
    circles that stand out most there are looked at closely, at SEARCH_DPI."""
    if min(pixels.shape) < 2 * SEAL_RADII_MM[1] * dpi / MM_PER_INCH:
        return None  # a page, or a strip, narrower than a seal
    contrast, _, _, step = _circles(pixels, dpi, GLANCE_DPI)
    size = round(SEAL_RADII_MM[1] * 1.5 * dpi / MM_PER_INCH)
    for _ in range(GLANCE_CANDIDATES):
        _, row, column = (int(at) for at in np.unravel_index(np.argmax(contrast), contrast.shape))
        top, left = (max(0, at * step - size) for at in (row, column))
        window = pixels[top : row * step + size, left : column * step + size]
        near, near_inked, near_radii, near_step = _circles(window, dpi, SEARCH_DPI)
        best = np.unravel_index(np.argmax(near), near.shape)
        if near[best] >= CONTRAST and near_inked[best] >= INKED:
            centre = (int(best[1]) * near_step + top, int(best[2]) * near_step + left)
            return _fitted(pixels < INK, Seal(centre, int(near_radii[best[0]]) * near_step))
        reach = size // step  # the next candidate is another circle
        contrast[:, max(0, row - reach) : row + reach, max(0, column - reach) : column + reach] = -1
    return None


def _circles(
    pixels: np.ndarray, dpi: float, search_dpi: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """How much each circle of a seal's size, seen at `search_dpi`, stands out from the
    circles just inside and outside it, and how much of it is inked (by radius, row,
    column); the radii, and the page's pixels to a pixel searched."""
    step = max(1, round(dpi / search_dpi))
    ink = (block_darkest(pixels, step) < INK).astype(np.float32)
    per_pixel = dpi / MM_PER_INCH / step
    radii = np.arange(
        round(SEAL_RADII_MM[0] * per_pixel) - SEARCH_STEP,
        round(SEAL_RADII_MM[1] * per_pixel) + SEARCH_STEP + 1,
    )
    reach = int(radii[-1]) + 2
    shape = (
        fft.next_fast_len(ink.shape[0] + 2 * reach, real=True),
        fft.next_fast_len(ink.shape[1] + 2 * reach, real=True),
    )
    page = fft.rfft2(ink, shape)
    votes = np.stack(
        [_circle_votes(page, shape, int(radius), reach, ink.shape) for radius in radii]
    )
    inked = votes[SEARCH_STEP:-SEARCH_STEP]
    contrast = inked - np.maximum(votes[: -2 * SEARCH_STEP], votes[2 * SEARCH_STEP :])
    return contrast, inked, radii[SEARCH_STEP:-SEARCH_STEP], step


def erase_seal(pixels: np.ndarray, seal: Seal, dpi: float) -> np.ndarray:
    """`pixels` without the seal's two rings and the emblem inside them."""
    ink = pixels < INK
    per_mm = dpi / MM_PER_INCH
    reach, beyond = (max(1, round(mm * per_mm)) for mm in (RING_REACH_MM, STROKE_GOES_ON_MM))
    inner_radii = range(round(INNER_RING[0] * seal.radius), round(INNER_RING[1] * seal.radius))
    middle = max(inner_radii, key=lambda radius: _covered(ink, seal, radius))
    inner = _fitted(ink, Seal(seal.centre, middle))
    cleaned = pixels.copy()
    size = seal.radius + reach + EDGE + 1
    top, left = (max(0, at - size) for at in seal.centre)
    window = cleaned[top : seal.centre[0] + size + 1, left : seal.centre[1] + size + 1]
    for ring in (seal, inner):
        low, high = _ring(ink, ring, reach)
        distance = _distances(window.shape, (top, left), ring.centre)
        ys, xs = np.nonzero((distance >= low) & (distance <= high))
        band = (ys + top, xs + left)
        inside = _inked_near(ink, ring, band, low, -beyond)
        crossed = inside & _inked_near(ink, ring, band, high, beyond)
        window[ys[~crossed], xs[~crossed]] = 255
    distance = _distances(window.shape, (top, left), inner.centre)
    labels, _ = ndimage.label(window < INK, structure=np.ones((3, 3)))
    for number, found in enumerate(ndimage.find_objects(labels), 1):
        piece = labels[found] == number
        if piece.sum() >= EMBLEM_MM2 * per_mm**2 and distance[found][piece].max() < inner.radius:
            window[found][piece] = 255
    return cleaned


def _distances(
    shape: tuple[int, ...], corner: tuple[int, int], centre: tuple[int, int]
) -> np.ndarray:
    """Each pixel's distance from `centre`, over a window of the page at `corner`."""
    rows, columns = np.ogrid[: shape[0], : shape[1]]
    distance: np.ndarray = np.hypot(rows + corner[0] - centre[0], columns + corner[1] - centre[1])
    return distance


def _circle_votes(
    page: np.ndarray, shape: tuple[int, int], radius: int, reach: int, size: tuple[int, int]
) -> np.ndarray:
    """The share of each circle of `radius` (by its centre) that is inked."""
    span = np.arange(-reach, reach + 1)
    ring = (np.abs(np.hypot(span[:, None], span[None, :]) - radius) < 0.75).astype(np.float32)
    ring /= ring.sum()
    votes: np.ndarray = fft.irfft2(page * fft.rfft2(ring, shape), shape)
    return votes[reach : reach + size[0], reach : reach + size[1]]


def _fitted(ink: np.ndarray, seal: Seal) -> Seal:
    """The seal moved a pixel at a time while its ring covers more of the page's ink."""
    best, covered = seal, _covered(ink, seal, seal.radius)
    while True:
        (y, x), r = best.centre, best.radius
        moves = [
            Seal((y + dy, x + dx), r + dr)
            for dy, dx, dr in ((1, 0, 0), (-1, 0, 0), (0, 1, 0), (0, -1, 0), (0, 0, 1), (0, 0, -1))
        ]
        top, most = max(
            ((moved, _covered(ink, moved, moved.radius)) for moved in moves), key=lambda m: m[1]
        )
        if most <= covered:
            return best
        best, covered = top, most


def _covered(ink: np.ndarray, seal: Seal, radius: float) -> float:
    """The share of the circle of `radius` around the seal's centre that is inked."""
    angles = np.linspace(0, 2 * np.pi, max(8, round(4 * np.pi * radius)), endpoint=False)
    inked, on_page = _sampled(
        ink, seal.centre[0] + radius * np.sin(angles), seal.centre[1] + radius * np.cos(angles)
    )
    return float(inked[on_page].mean()) if on_page.any() else 0.0


def _ring(ink: np.ndarray, ring: Seal, reach: int) -> tuple[float, float]:
    """The radii `ring`'s stroke spans: those whose circle is mostly inked, and its soft
    edges beyond them."""
    radius = ring.radius
    inked = [r for r in range(radius - reach, radius + reach + 1) if _covered(ink, ring, r) > 0.5]
    return (min(inked, default=radius) - EDGE, max(inked, default=radius) + EDGE)


def _inked_near(
    ink: np.ndarray, seal: Seal, points: tuple[np.ndarray, np.ndarray], edge: float, reach: int
) -> np.ndarray:
    """Whether the page is inked on the ray from the centre through each of `points`, past
    the ring's `edge` and within `reach` of it (inwards when negative)."""
    way = 1 if reach > 0 else -1
    inked: np.ndarray = np.logical_or.reduce(
        [_inked_at(ink, seal, points, edge + way * step) for step in range(1, abs(reach) + 1)]
    )
    return inked


def _inked_at(
    ink: np.ndarray, seal: Seal, points: tuple[np.ndarray, np.ndarray], radius: float
) -> np.ndarray:
    """Whether the page is inked where the ray from the centre through each of `points`
    is `radius` from it."""
    dy, dx = points[0] - seal.centre[0], points[1] - seal.centre[1]
    length = np.maximum(np.hypot(dy, dx), 1)
    inked, _ = _sampled(
        ink, seal.centre[0] + dy / length * radius, seal.centre[1] + dx / length * radius
    )
    return inked


def _sampled(ink: np.ndarray, ys: np.ndarray, xs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Whether the page is inked at each point (rows `ys`, columns `xs`, rounded), none off
    it; and which points are on it."""
    rows, columns = np.round(ys).astype(int), np.round(xs).astype(int)
    on_page = (rows >= 0) & (rows < ink.shape[0]) & (columns >= 0) & (columns < ink.shape[1])
    inked = np.zeros(len(rows), dtype=bool)
    inked[on_page] = ink[rows[on_page], columns[on_page]]
    return inked, on_page


def seal_remains(segment: list[Word], seal: Seal) -> bool:
    """Whether a segment of an OCR line (`ocr.layout.split_at_gaps`) is what tesseract made
    of the lettering and marks a seal left inside its ring: all inside it, with no word of
    two letters or words OCR hardly believed. The title and the name the seal was pressed
    over read as words, and go on outside it."""
    row, column = seal.centre
    inside = all(
        np.hypot((w.box[1] + w.box[3]) / 2 - row, (w.box[0] + w.box[2]) / 2 - column) <= seal.radius
        for w in segment
    )
    worded = any(sum(c.isalpha() for c in w.text) >= 2 for w in segment)
    believed = sum(w.confidence for w in segment) >= BELIEVED * len(segment)
    return inside and not (worded and believed)
