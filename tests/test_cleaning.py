"""What is done to the image tesseract reads, and how much of a page's ink OCR read."""

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ocr.cleaning import Cleaning, clean, cleaning_for, ink_in_boxes, normalise_background
from samples.typeset import FONT_DIR, FONT_FILES

TEXT_BOX = (100, 100, 1300, 180)


def page_with_text(mode: str = "L", paper: int = 255) -> Image.Image:
    image = Image.new(mode, (1400, 1000), paper)
    font = ImageFont.truetype(str(FONT_DIR / FONT_FILES["regular"]), 60)
    ImageDraw.Draw(image).text(TEXT_BOX[:2], "Quyết định về việc giá bán", font=font, fill=0)
    return image


def test_bilevel_pages_are_left_alone_others_normalised() -> None:
    bilevel = page_with_text("1", 1)
    assert cleaning_for(bilevel) is Cleaning.NONE
    assert cleaning_for(bilevel.convert("L")) is Cleaning.NONE  # black and white, stored as grey
    assert cleaning_for(page_with_text("L")) is Cleaning.NORMALISE  # anti-aliased grey text
    cleaned, cleaning = clean(page_with_text("RGB", paper=200))  # a tinted colour scan
    assert (cleaned.mode, cleaning) == ("L", Cleaning.NORMALISE)


def test_uneven_light_is_flattened_and_ink_kept() -> None:
    page = np.asarray(page_with_text(), dtype=np.float32)
    shadow = np.linspace(0, 110, page.shape[1], dtype=np.float32)[None, :]  # darker to the right
    scan = Image.fromarray((page - shadow).clip(0, 255).astype(np.uint8), "L")
    flat = np.asarray(normalise_background(scan))
    assert flat[600:900, 1200:1350].mean() > 245  # the dark paper on the right is white again
    assert np.asarray(scan)[600:900, 1200:1350].mean() < 160
    left, top, right, bottom = TEXT_BOX
    assert (flat[top:bottom, left:right] < 100).sum() > 0.8 * (
        np.asarray(scan)[top:bottom, left:right] < 100
    ).sum()


def test_ink_in_word_boxes() -> None:
    page = page_with_text()
    assert ink_in_boxes(page, [TEXT_BOX]) == 1.0
    assert ink_in_boxes(page, []) == 0.0  # ink, and no word read: text OCR missed
    assert ink_in_boxes(Image.new("L", (1400, 1000), 255), []) is None  # a blank page
