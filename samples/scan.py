"""Make a typeset page look scanned, copied or photographed: paper tint, faded and patchy
ink, uneven light, shadows, blur, noise, specks and dust, broken strokes, folds, the other
side showing through, a seal and a signature, perspective, skew and JPEG artefacts, in named
conditions with seeded randomness."""

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageOps

from ocr.straighten import homography
from samples import marks
from samples.conditions import Condition

INK = (25, 25, 40)
DESK = 70  # what a photo shows around the page


@dataclass(frozen=True)
class Signed:
    """Where the signature block is on the page, and whose seal goes on it."""

    box: tuple[int, int, int, int]
    agency: str


def degrade(
    page: Image.Image, condition: Condition, dpi: int, seed: int, signed: Signed | None = None
) -> Image.Image:
    """A scan of the grayscale `page` under `condition`; the same seed gives the same scan.

    The work is done on one grey channel and coloured (ink on tinted paper) at the end; the
    seal and the signature are coloured inks of their own, moved and blurred with the page."""
    rng = np.random.default_rng(seed)
    more = np.random.default_rng([seed, 1])  # the draws of the later effects, apart
    scale = dpi / 300
    image = page.point(lambda v: round(255 - (255 - v) * condition.fade))
    if condition.patchy:
        image = _patchy(image, condition.patchy, more)
    if condition.bleed:
        image = _bleed(image, condition.bleed, scale)
    inks = _inks(image.size, condition, dpi, signed, more)
    if condition.uneven_light:
        grey = np.asarray(image, dtype=np.float32) - _shadow(
            image.size, condition.uneven_light, rng
        )
        image = Image.fromarray(grey.clip(0, 255).astype(np.uint8), "L")
    if condition.speckles:
        grey = np.array(image)
        grey[rng.random(grey.shape, dtype=np.float32) < condition.speckles] = 0
        image = Image.fromarray(grey, "L")
    if condition.blobs:
        image = _blobs(image, condition.blobs, scale, more)
    if condition.fold:
        image = _folds(image, scale, more)
    if condition.shadow:
        image = _cast_shadow(image, condition.shadow, more)
    if condition.blur:
        image = image.filter(ImageFilter.GaussianBlur(condition.blur * scale))
        inks = [
            (mask.filter(ImageFilter.GaussianBlur(condition.blur * scale)), c) for mask, c in inks
        ]
    if condition.skew:
        angle = float(rng.uniform(-condition.skew, condition.skew))
        image = image.rotate(angle, Image.Resampling.BICUBIC, fillcolor=255)
        inks = [(mask.rotate(angle, Image.Resampling.BICUBIC), c) for mask, c in inks]
    if condition.noise:
        grain = rng.standard_normal((image.height, image.width), dtype=np.float32) * condition.noise
        image = Image.fromarray((np.asarray(image) + grain).clip(0, 255).astype(np.uint8), "L")
    if condition.binarise:
        grey = np.asarray(image, dtype=np.float32)
        for mask, colour in inks:  # a copier sees the inks by their darkness
            grey = grey * (1 - np.asarray(mask, dtype=np.float32) / 255 * (1 - sum(colour) / 765))
        if condition.broken:
            grey = _broken(grey, condition.broken, scale, more)
        return (
            Image.fromarray(grey.clip(0, 255).astype(np.uint8), "L")
            .point(lambda v: 255 if v > 150 else 0)
            .convert("1")
        )
    image = ImageOps.colorize(image, black=INK, white=condition.tint)
    if inks:
        image = _laid_on(image, inks)
    if condition.perspective:
        image = _photographed(image, condition.perspective, more)
    if condition.jpeg_quality:
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=condition.jpeg_quality)
        image = Image.open(buffer)
        image.load()
    return image


def _shadow(size: tuple[int, int], depth: float, rng: np.random.Generator) -> np.ndarray:
    """A smooth grey wash darkest towards one random corner: what defeats a global threshold."""
    width, height = size
    corner_y, corner_x = rng.integers(0, 2, 2)
    ys = np.linspace(0, 1, height, dtype=np.float32)[:, None]
    xs = np.linspace(0, 1, width, dtype=np.float32)[None, :]
    distance: np.ndarray = np.hypot(ys - corner_y, xs - corner_x) / np.sqrt(2)
    return (1 - distance) ** 2 * depth * 255


def _field(size: tuple[int, int], cells: int, rng: np.random.Generator) -> np.ndarray:
    """A smooth random field from 0 to 1 over the page, varying over about `cells` cells."""
    width, height = size
    coarse = Image.fromarray((rng.random((cells, cells)) * 255).astype(np.uint8), "L")
    smooth = coarse.resize(size, Image.Resampling.BICUBIC)
    return np.asarray(smooth, dtype=np.float32)[:height, :width] / 255


def _patchy(image: Image.Image, loss: float, rng: np.random.Generator) -> Image.Image:
    """Ink lighter in patches, as a dry ribbon or an old toner leaves it."""
    ink = 255 - np.asarray(image, dtype=np.float32)
    kept = 1 - loss * _field(image.size, 12, rng) ** 2
    return Image.fromarray((255 - ink * kept).clip(0, 255).astype(np.uint8), "L")


def _bleed(image: Image.Image, strength: float, scale: float) -> Image.Image:
    """The other side's text, mirrored and diffused through the paper."""
    back = ImageOps.mirror(image).filter(ImageFilter.GaussianBlur(2.5 * scale))
    through = (255 - np.asarray(back, dtype=np.float32)) * strength
    return Image.fromarray(
        (np.asarray(image, dtype=np.float32) - through).clip(0, 255).astype(np.uint8), "L"
    )


def _blobs(image: Image.Image, count: int, scale: float, rng: np.random.Generator) -> Image.Image:
    """Specks of 1 to 4 pixels (at 300 dpi), of any darkness."""
    image = image.copy()
    draw = ImageDraw.Draw(image)
    xs = rng.uniform(0, image.width, count)
    ys = rng.uniform(0, image.height, count)
    radii = rng.uniform(0.5, 2.0, count) * scale
    shades = rng.integers(0, 140, count)
    for x, y, r, shade in zip(xs, ys, radii, shades, strict=True):
        draw.ellipse((x - r, y - r, x + r, y + r), fill=int(shade))
    return image


def _folds(image: Image.Image, scale: float, rng: np.random.Generator) -> Image.Image:
    """Two creases across the page at its thirds: a dark line with a lit band beside it."""
    grey = np.asarray(image, dtype=np.float32).copy()
    rows = np.arange(image.height, dtype=np.float32)[:, None]
    for third in (1 / 3, 2 / 3):
        at = image.height * third + rng.uniform(-20, 20) * scale
        grey -= 70 * np.exp(-(((rows - at) / (1.2 * scale)) ** 2))
        grey += 18 * np.exp(-(((rows - at - 6 * scale) / (5 * scale)) ** 2))
    return Image.fromarray(grey.clip(0, 255).astype(np.uint8), "L")


def _cast_shadow(image: Image.Image, depth: float, rng: np.random.Generator) -> Image.Image:
    """The shadow of a hand or a phone over one side of the page, its edge soft."""
    width, height = image.size
    angle = rng.uniform(0, 2 * np.pi)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    across = (xs - width / 2) * np.cos(angle) + (ys - height / 2) * np.sin(angle)
    edge = rng.uniform(0.15, 0.35) * max(width, height)
    shade = 1 / (1 + np.exp(-(across - edge) / (0.02 * max(width, height))))
    grey = np.asarray(image, dtype=np.float32) * (1 - depth * shade)
    return Image.fromarray(grey.clip(0, 255).astype(np.uint8), "L")


def _broken(grey: np.ndarray, share: float, scale: float, rng: np.random.Generator) -> np.ndarray:
    """Small holes in the strokes, as toner a worn copier did not fix leaves them."""
    step = max(1, round(2 * scale))
    holes = rng.random((grey.shape[0] // step + 1, grey.shape[1] // step + 1)) < share
    holes = np.repeat(np.repeat(holes, step, axis=0), step, axis=1)[
        : grey.shape[0], : grey.shape[1]
    ]
    return np.where(holes, 255.0, grey)


def _inks(
    size: tuple[int, int],
    condition: Condition,
    dpi: int,
    signed: Signed | None,
    rng: np.random.Generator,
) -> list[tuple[Image.Image, tuple[int, int, int]]]:
    if not condition.sealed or signed is None:
        return []
    return [
        (marks.signature(size, signed.box, dpi, rng), marks.PEN_INK),
        (marks.seal(size, signed.box, signed.agency, dpi, rng), marks.SEAL_INK),
    ]


def _laid_on(
    image: Image.Image, inks: list[tuple[Image.Image, tuple[int, int, int]]]
) -> Image.Image:
    """Each ink over the page, letting through its colour: inks multiply, as on paper."""
    rgb: np.ndarray = np.asarray(image, dtype=np.float32)
    for mask, colour in inks:
        cover = np.asarray(mask, dtype=np.float32)[..., None] / 255
        rgb = rgb * (1 - cover * (1 - np.asarray(colour, dtype=np.float32) / 255))
    return Image.fromarray(rgb.clip(0, 255).astype(np.uint8), "RGB")


def _photographed(image: Image.Image, share: float, rng: np.random.Generator) -> Image.Image:
    """The page as a phone sees it from a little aside: its corners drawn in or out, the desk
    around it."""
    width, height = image.size
    corners = np.array([(0, 0), (width, 0), (width, height), (0, height)], dtype=np.float64)
    moved = corners + rng.uniform(-share, share, (4, 2)) * (width, height)
    moved += (share * width, share * height)  # room for the desk around the page
    canvas = (round(width * (1 + 2 * share)), round(height * (1 + 2 * share)))
    # the transform maps each output pixel back to the page
    coefficients = homography(moved, corners).ravel()[:8]
    return image.transform(
        canvas,
        Image.Transform.PERSPECTIVE,
        tuple(coefficients),
        Image.Resampling.BICUBIC,
        fillcolor=(DESK, DESK, DESK - 8),
    )
