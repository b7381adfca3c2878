"""What is put on a signed page by hand: the agency's round red seal pressed over the left
of the signer's title and name, and the signature in ballpoint between them. Each is drawn
as a coverage mask (255: full ink) of the page's size, for samples.scan to lay on in colour."""

import math

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from samples.typeset import font

SEAL_INK = (196, 32, 48)  # red stamp-pad ink
PEN_INK = (28, 42, 120)  # blue ballpoint
SEAL_DIAMETER_MM = 36  # the round seal of a commune- or province-level body


def seal(
    size: tuple[int, int],
    box: tuple[int, int, int, int],
    agency: str,
    dpi: int,
    rng: np.random.Generator,
) -> Image.Image:
    """The seal, centred a third into the signature block `box`, a little turned, pressed
    unevenly (the ink thins towards one side)."""
    diameter = round(SEAL_DIAMETER_MM / 25.4 * dpi)
    stamp = Image.new("L", (diameter, diameter), 0)
    draw = ImageDraw.Draw(stamp)
    ring = max(2, diameter // 45)
    draw.ellipse((0, 0, diameter - 1, diameter - 1), outline=255, width=ring)
    inner = diameter // 9
    draw.ellipse(
        (inner, inner, diameter - inner, diameter - inner), outline=255, width=ring // 2 + 1
    )
    _ring_text(stamp, agency.upper(), diameter, dpi)
    _star(draw, diameter / 2, diameter / 2, diameter / 7)
    stamp = stamp.rotate(float(rng.uniform(-25, 25)), Image.Resampling.BICUBIC)
    pressure = np.linspace(float(rng.uniform(0.55, 0.8)), 1.0, diameter, dtype=np.float32)
    if rng.random() < 0.5:
        pressure = pressure[::-1]
    inked = np.asarray(stamp, dtype=np.float32) * pressure[None, :]
    left, top, right, bottom = box
    centre = (left + (right - left) // 3, (top + bottom) // 2)
    return _placed(Image.fromarray(inked.astype(np.uint8), "L"), size, centre)


def signature(
    size: tuple[int, int], box: tuple[int, int, int, int], dpi: int, rng: np.random.Generator
) -> Image.Image:
    """A flourish of joined loops across the middle of the block, where the space is left."""
    left, top, right, bottom = box
    width, height = (right - left) * 0.55, (bottom - top) * 0.35
    mask = Image.new("L", size, 0)
    draw = ImageDraw.Draw(mask)
    steps = 160
    t = np.linspace(0, 1, steps)
    loops = rng.uniform(3, 6)
    xs = left + (right - left) * 0.25 + width * t + 0.08 * width * np.sin(2 * math.pi * loops * t)
    ys = (top + bottom) / 2 + height / 2 * np.sin(2 * math.pi * (loops * t + rng.random())) * (
        1 - 0.6 * t
    )
    pen = max(2, round(dpi / 120))
    draw.line(list(zip(xs.tolist(), ys.tolist(), strict=True)), fill=235, width=pen, joint="curve")
    return mask.filter(ImageFilter.GaussianBlur(dpi / 300 * 0.6))


def _ring_text(stamp: Image.Image, text: str, diameter: int, dpi: int) -> None:
    """The agency's name in capitals along the ring, upright towards the centre."""
    size = max(8, round(dpi / 300 * 34))
    face = font("bold", size)
    radius = diameter / 2 - diameter / 18 - size * 0.75
    span = 300.0  # degrees of the ring the name takes: from the bottom left, over the top
    step = span / max(1, len(text))
    for i, letter in enumerate(text):
        degrees = 90 + (360 - span) / 2 + (i + 0.5) * step  # clockwise, y pointing down
        x = diameter / 2 + radius * math.cos(math.radians(degrees))
        y = diameter / 2 + radius * math.sin(math.radians(degrees))
        glyph = Image.new("L", (size * 2, size * 2), 0)
        ImageDraw.Draw(glyph).text((size / 2, size / 4), letter, font=face, fill=255)
        glyph = glyph.rotate(270 - degrees, Image.Resampling.BICUBIC)  # its top outwards
        stamp.paste(255, (round(x - size), round(y - size)), glyph)


def _star(draw: ImageDraw.ImageDraw, x: float, y: float, radius: float) -> None:
    points = [
        (
            x + (radius if k % 2 == 0 else radius * 0.4) * math.sin(math.pi * k / 5),
            y - (radius if k % 2 == 0 else radius * 0.4) * math.cos(math.pi * k / 5),
        )
        for k in range(10)
    ]
    draw.polygon(points, fill=255)


def _placed(mark: Image.Image, size: tuple[int, int], centre: tuple[int, int]) -> Image.Image:
    page = Image.new("L", size, 0)
    page.paste(mark, (centre[0] - mark.width // 2, centre[1] - mark.height // 2))
    return page
