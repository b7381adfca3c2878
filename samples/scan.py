"""Make a typeset page look scanned: paper tint, faded ink, uneven light, blur, noise,
speckles, skew and JPEG artefacts, in named conditions with seeded randomness."""

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter, ImageOps


@dataclass(frozen=True)
class Condition:
    name: str
    skew: float = 0.0  # largest rotation, degrees (the sign and size are drawn per page)
    blur: float = 0.0  # Gaussian radius in pixels at 300 dpi
    noise: float = 0.0  # standard deviation of grey noise
    speckles: float = 0.0  # share of the page covered by dark dots
    fade: float = 1.0  # ink strength, 1 = full black
    uneven_light: float = 0.0  # darkest corner of the page background, 0 = flat
    tint: tuple[int, int, int] = (255, 255, 255)
    jpeg_quality: int | None = None
    binarise: bool = False


CONDITIONS = {
    c.name: c
    for c in (
        Condition("clean"),
        Condition("light", skew=0.3, blur=0.4, noise=3, tint=(250, 247, 238), jpeg_quality=92),
        Condition(
            "medium",
            skew=0.8,
            blur=0.8,
            noise=7,
            speckles=0.0002,
            fade=0.9,
            tint=(244, 238, 222),
            jpeg_quality=80,
        ),
        Condition(
            "heavy",
            skew=1.5,
            blur=1.3,
            noise=14,
            speckles=0.001,
            fade=0.65,
            uneven_light=0.35,
            tint=(236, 226, 200),
            jpeg_quality=35,
        ),
        Condition("binarised", skew=0.5, noise=4, binarise=True),
        # Beyond what OCR can read well: pages that must be flagged for review.
        Condition(
            "severe",
            skew=2.5,
            blur=3.0,
            noise=40,
            speckles=0.01,
            fade=0.4,
            uneven_light=0.6,
            tint=(220, 205, 170),
            jpeg_quality=15,
        ),
    )
}
INK = (25, 25, 40)


def degrade(page: Image.Image, condition: Condition, dpi: int, seed: int) -> Image.Image:
    """A scan of the grayscale `page` under `condition`; the same seed gives the same scan.

    The work is done on one grey channel and coloured (ink on tinted paper) at the end."""
    rng = np.random.default_rng(seed)
    scale = dpi / 300
    image = page.point(lambda v: round(255 - (255 - v) * condition.fade))
    if condition.uneven_light:
        grey = np.asarray(image, dtype=np.float32) - _shadow(
            image.size, condition.uneven_light, rng
        )
        image = Image.fromarray(grey.clip(0, 255).astype(np.uint8), "L")
    if condition.speckles:
        grey = np.array(image)
        grey[rng.random(grey.shape, dtype=np.float32) < condition.speckles] = 0
        image = Image.fromarray(grey, "L")
    if condition.blur:
        image = image.filter(ImageFilter.GaussianBlur(condition.blur * scale))
    if condition.skew:
        angle = float(rng.uniform(-condition.skew, condition.skew))
        image = image.rotate(angle, Image.Resampling.BICUBIC, fillcolor=255)
    if condition.noise:
        grain = rng.standard_normal((image.height, image.width), dtype=np.float32) * condition.noise
        image = Image.fromarray((np.asarray(image) + grain).clip(0, 255).astype(np.uint8), "L")
    if condition.binarise:
        return image.point(lambda v: 255 if v > 150 else 0).convert("1")
    image = ImageOps.colorize(image, black=INK, white=condition.tint)
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
