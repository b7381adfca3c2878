"""Make a typeset page look scanned: paper tint, faded ink, uneven light, blur, noise,
speckles, skew and JPEG artefacts, in named conditions with seeded randomness."""

import io

import numpy as np
from PIL import Image, ImageFilter, ImageOps

from samples.conditions import Condition

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
