"""Sheets that carry no document, as archivists lay them between documents scanned as one
file: a blank sheet, the blank back of a printed sheet with its print showing through, a
sheet creased across. Each is a grey page for samples.scan.degrade, like a typeset one."""

import numpy as np
from PIL import Image, ImageFilter, ImageOps

SHEETS = ("blank", "back", "creased")
SHOW_THROUGH = 0.3  # how dark the print on the other side shows, against its own darkness
CREASE_DEPTH = 140  # grey levels a crease takes off the paper at its middle


def separator(kind: str, size: tuple[int, int], dpi: int, printed: Image.Image) -> Image.Image:
    """A sheet of `kind` (SHEETS); `printed` is the page on the other side of a "back"."""
    scale = dpi / 300
    if kind == "blank":
        return Image.new("L", size, 255)
    if kind == "back":
        seen = ImageOps.mirror(printed).filter(ImageFilter.GaussianBlur(2.5 * scale))
        through = (255 - np.asarray(seen, dtype=np.float32)) * SHOW_THROUGH
        return Image.fromarray((255 - through).astype(np.uint8), "L")
    if kind == "creased":
        rows = np.arange(size[1], dtype=np.float32)[:, None]
        crease = CREASE_DEPTH * np.exp(-(((rows - size[1] / 2) / (2 * scale)) ** 2))
        return Image.fromarray(np.broadcast_to(255 - crease, size[::-1]).astype(np.uint8), "L")
    raise ValueError(f"unknown sheet {kind!r}; choose from {', '.join(SHEETS)}")
