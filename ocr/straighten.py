"""The page drawn square and level for tesseract, and the way back to the scan's pixels.

- A phone photo shows the page as a four-cornered shape on the desk, its lines of text
  converging: the page's outline, found where the paper stands lighter than what lies
  around it, is drawn back to a rectangle of the page's size ("unwarp"). A flatbed scan, a
  page filling the photo or an outline that is no clean quadrilateral are left as they are.
- A page still turned (a sheet fed askew, a photo without its outline) is turned level by
  the angle at which its rows of ink stand sharpest, searched coarse to fine ("deskew").

Each returns, with the image, the 3×3 matrix from its pixels to the pixels it was made
from, so that the text layer is laid where the words are on the scan.
"""

import numpy as np
from PIL import Image, ImageDraw
from scipy import ndimage

ASSUMED_DPI = 300  # of a scan that does not say
PAGE_DPI = 75  # the resolution at which the page is looked for on the desk
SHARP_EDGE = 0.5  # Sobel's response to the log of the light, at PAGE_DPI: the page's edge
EDGE_GAPS = 2  # pixels at PAGE_DPI: how near a side's point an edge is looked for
DESK_DARKER = 0.75  # the desk at most this share of the paper's light
SIDE_SAMPLES = 200  # points looked at along each side of the outline
OUTLINE_SEEN = 0.85  # a sharp edge is near this share of them on every side of a page
SMALLEST_PAGE = 0.3  # of the photo: a smaller light shape is no page
EDGE_MM = 3.0  # of the page's edge, left white: text keeps 20 mm from it
WHOLE_PHOTO = 0.95  # of the photo: a page this large has no desk to speak of
MIN_SKEW = 0.3  # degrees: tesseract reads a page turned less than this as well as level
MAX_SKEW = 6.0  # degrees: the most a page is looked for turned
SKEW_DPI = 150  # the rows of ink are measured at this resolution (at 75: a bias of 0.15°)
SKEW_STEPS = (0.5, 0.1, 0.02)  # degrees: each search around the best angle of the last
SMALLEST_INK = 500  # pixels at SKEW_DPI: less ink than this has no lines to level


def find_page(grey: Image.Image, dpi: float) -> np.ndarray | None:
    """The corners of a photographed page on a darker desk, in scan pixels (top left, top
    right, bottom right, bottom left); None when there is no such outline.

    Edges are found on the logarithm of the light, so that a shadow over page and desk
    alike, which multiplies both, leaves the page's edge as sharp, and its own soft edge is
    none. The page's corners are the outermost edges along the diagonals; they are taken
    when a sharp edge runs along most of each side between them (no hand or folder over the
    page, no text block taken for a page) and the desk around is darker than the paper."""
    factor = max(1, round((dpi or ASSUMED_DPI) / PAGE_DPI))
    small = np.asarray(grey.reduce(factor), np.float32)
    light = ndimage.gaussian_filter(np.log1p(small), 1.0)
    steep = np.hypot(ndimage.sobel(light, 0), ndimage.sobel(light, 1)) > SHARP_EDGE
    ys, xs = np.nonzero(steep)
    if xs.size == 0:
        return None
    extremes = (np.argmin(xs + ys), np.argmax(xs - ys), np.argmax(xs + ys), np.argmin(xs - ys))
    corners = np.array([(xs[i], ys[i]) for i in extremes], np.float64)
    if not SMALLEST_PAGE * small.size <= _area(corners) <= WHOLE_PHOTO * small.size:
        return None
    near_edge = ndimage.binary_dilation(steep, iterations=EDGE_GAPS)
    for start, end in zip(corners, np.roll(corners, -1, axis=0), strict=True):
        along = start + np.linspace(0, 1, SIDE_SAMPLES)[:, None] * (end - start)
        columns, rows = np.round(along).astype(int).T
        if near_edge[rows, columns].mean() < OUTLINE_SEEN:
            return None
    inside = Image.new("1", (small.shape[1], small.shape[0]), 0)
    ImageDraw.Draw(inside).polygon([tuple(c) for c in corners], fill=1)
    page = np.asarray(inside, dtype=bool)
    if np.median(small[~page]) > DESK_DARKER * np.percentile(small[page], 75):
        return None
    return (corners + 0.5) * factor


def unwarp(grey: Image.Image, corners: np.ndarray, dpi: float) -> tuple[Image.Image, np.ndarray]:
    """The page inside `corners` drawn as a rectangle of its size, centred where it lies,
    on an image of the same size; and the matrix back. Around it, and over the page's
    edge (EDGE_MM, where the desk's shadow and the found outline's error lie), is white:
    as ink, a frame around the page would be read again as if nothing on it was read."""
    top, right, bottom, left = (
        np.linalg.norm(corners[a] - corners[b]) for a, b in ((0, 1), (1, 2), (2, 3), (3, 0))
    )
    size = np.array(((top + bottom) / 2, (left + right) / 2))
    origin = corners.mean(axis=0) - size / 2
    rectangle = origin + np.array([(0, 0), (1, 0), (1, 1), (0, 1)]) * size
    to_scan = homography(rectangle, corners)
    coefficients = tuple((to_scan / to_scan[2, 2]).ravel()[:8])
    flat = grey.transform(
        grey.size,
        Image.Transform.PERSPECTIVE,
        coefficients,
        Image.Resampling.BICUBIC,
        fillcolor=255,
    )
    edge = EDGE_MM * (dpi or ASSUMED_DPI) / 25.4
    inside = Image.new("L", grey.size, 0)
    ImageDraw.Draw(inside).rectangle((*(origin + edge), *(origin + size - edge)), fill=255)
    return Image.composite(flat, Image.new("L", grey.size, 255), inside), to_scan


def measure_skew(grey: Image.Image, dpi: float, ink_level: int) -> float:
    """The angle (degrees, counter-clockwise) that turns the page's lines of text level: the
    one at which the ink's row profile changes most sharply from row to row (the first,
    coarsest search at half the resolution)."""
    factor = max(1, round((dpi or ASSUMED_DPI) / SKEW_DPI))
    ink = np.asarray(grey.reduce(factor)) < ink_level
    if ink.sum() < SMALLEST_INK:
        return 0.0
    rows, columns = ink.shape[0] // 2, ink.shape[1] // 2
    blocks = ink[: rows * 2, : columns * 2].reshape(rows, 2, columns, 2)
    coarse = np.asarray(blocks.any(axis=(1, 3)))
    best, reach = 0.0, MAX_SKEW
    for step in SKEW_STEPS:
        xs, ys = _centred_points(coarse if step == SKEW_STEPS[0] else ink)
        angles = best + np.arange(-reach, reach + step / 2, step)
        best = max(angles, key=lambda angle: _row_sharpness(xs, ys, angle))
        if best == 0.0:  # level to the coarsest step: under MIN_SKEW, not worth refining
            return 0.0
        reach = step
    return round(float(best), 2)


def _centred_points(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The columns and rows of `mask`'s pixels, from a whole pixel at its centre (from a
    half one, rounding to even would pair the rows of a level page)."""
    ys, xs = np.nonzero(mask)
    return xs - mask.shape[1] // 2, ys - mask.shape[0] // 2


def _row_sharpness(xs: np.ndarray, ys: np.ndarray, angle: float) -> float:
    """How sharply the count of points per row changes, once they are turned `angle`
    degrees counter-clockwise: turning the points, not the image, is four times faster."""
    radians = np.radians(angle)
    rows = np.rint(ys * np.cos(radians) - xs * np.sin(radians)).astype(np.int64)
    counts = np.bincount(rows - rows.min()).astype(np.float64)
    return float((np.diff(counts) ** 2).sum())


def turn(grey: Image.Image, angle: float) -> tuple[Image.Image, np.ndarray]:
    """`grey` turned `angle` degrees counter-clockwise about its centre; and the matrix back."""
    # bicubic: bilinear is twice as fast (0.13 s a page) but blurs what tesseract reads, on
    # 23 documents heavy scans 4.67 -> 4.97 % of characters wrong, photocopies 3.15 -> 3.56
    turned = grey.rotate(angle, Image.Resampling.BICUBIC, fillcolor=255)
    cos, sin = np.cos(np.radians(angle)), np.sin(np.radians(angle))
    cx, cy = grey.width / 2, grey.height / 2
    back = np.array([[cos, -sin, 0], [sin, cos, 0], [0, 0, 1]])
    shift = np.array([[1, 0, cx], [0, 1, cy], [0, 0, 1]])
    return turned, shift @ back @ np.linalg.inv(shift)


def apply(matrix: np.ndarray, x: float, y: float) -> tuple[float, float]:
    u, v, w = matrix @ (x, y, 1.0)
    return float(u / w), float(v / w)


def homography(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The 3×3 matrix that takes each of the four `source` points to its `target`."""
    rows, values = [], []
    for (x, y), (u, v) in zip(source, target, strict=True):
        rows += [[x, y, 1, 0, 0, 0, -u * x, -u * y], [0, 0, 0, x, y, 1, -v * x, -v * y]]
        values += [u, v]
    return np.append(np.linalg.solve(np.array(rows), np.array(values)), 1.0).reshape(3, 3)


def _area(corners: np.ndarray) -> float:
    xs, ys = corners[:, 0], corners[:, 1]
    return float(abs(np.dot(xs, np.roll(ys, -1)) - np.dot(ys, np.roll(xs, -1))) / 2)
