"""Reading copies (bản đọc, TT 05/2025): a reader who may read a record but not download it
gets its pages as images rendered by the server, never the file, each with a visible
watermark naming the reader and the time, at a resolution meant for the screen."""

import io
from datetime import datetime
from typing import BinaryIO

from PIL import Image, ImageDraw, ImageFont

from archive_schema.vietnamese import vn_date

SCALE = 1.5  # 108 dpi: an A4 page is 893 × 1263 pixels, readable on screen, poor in print
FONT = "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf"  # fonts-liberation2
INK = (150, 20, 20)


def reading_page(pdf: BinaryIO, number: int, reader: str, at: datetime) -> bytes:
    """Page `number` (from 1) of the PDF as a watermarked JPEG; IndexError past the end."""
    mark = f"Bản đọc trên màn hình · {reader} · {vn_date(at, with_time=True)}"
    return jpeg(watermarked(page_image(pdf, number, SCALE), mark))


def page_image(pdf: BinaryIO, number: int, scale: float) -> Image.Image:
    """Page `number` (from 1) of the PDF, drawn at `scale` × 72 dpi; IndexError past the end."""
    from ocr.pdf_pages import drawn_page  # pikepdf: loaded by the first page drawn, not at start

    return drawn_page(pdf, number, scale)


def jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def watermarked(page: Image.Image, mark: str) -> Image.Image:
    """The page under the mark written across it at a slant, again and again, and in a band
    along its foot."""
    width, height = page.size
    size = max(14, width // 40)
    font = ImageFont.truetype(FONT, size)
    tile = Image.new("RGBA", (width * 2, height * 2), (0, 0, 0, 0))
    draw = ImageDraw.Draw(tile)
    step = size * 8
    for row, y in enumerate(range(0, height * 2, step)):
        for x in range(-(row % 2) * step, width * 2, int(draw.textlength(mark, font)) + step):
            draw.text((x, y), mark, font=font, fill=(*INK, 70))
    slanted = tile.rotate(30, resample=Image.Resampling.BILINEAR)
    left, top = width // 2, height // 2
    marked = page.convert("RGBA")
    marked.alpha_composite(slanted.crop((left, top, left + width, top + height)))
    band = ImageDraw.Draw(marked)
    band.rectangle((0, height - size * 2, width, height), fill=(255, 255, 255, 255))
    band.text((size, height - size * 1.6), mark, font=font, fill=(*INK, 255))
    return marked.convert("RGB")
