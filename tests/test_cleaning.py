"""What is done to the image tesseract reads, and how much of a page's ink OCR read."""

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from ocr.cleaning import (
    INK_LEVEL,
    NOISY,
    Cleaning,
    clean,
    ink_in_boxes,
    noise,
    normalise_background,
)
from samples.typeset import FONT_DIR, FONT_FILES

TEXT_BOX = (100, 100, 1300, 180)


def page_with_text(mode: str = "L", paper: int = 255) -> Image.Image:
    image = Image.new(mode, (1400, 1000), (paper,) * 3 if mode == "RGB" else paper)
    font = ImageFont.truetype(str(FONT_DIR / FONT_FILES["regular"]), 60)
    ImageDraw.Draw(image).text(TEXT_BOX[:2], "Quyết định về việc giá bán", font=font, fill=0)
    return image


def test_bilevel_pages_are_left_alone_others_normalised() -> None:
    bilevel = page_with_text("1", 1)
    assert clean(bilevel, 300).steps == []
    assert clean(bilevel.convert("L"), 300).steps == []  # black and white, stored as grey
    assert clean(page_with_text("L"), 300).steps == [Cleaning.NORMALISE]  # anti-aliased grey
    cleaned, steps, scale, *_ = clean(page_with_text("RGB", paper=200), 300)  # a tinted colour scan
    assert (cleaned.mode, steps, scale) == ("L", [Cleaning.NORMALISE], 1.0)


def inked(page: Image.Image, colour: tuple[int, int, int]) -> np.ndarray:
    """Where `page` is near `colour`: the ink drawn in it, not under other ink."""
    mask: np.ndarray = np.abs(np.asarray(page, np.int16) - colour).max(axis=2) < 20
    return mask


def test_a_red_seal_and_blue_ink_fade_the_black_text_stays() -> None:
    page = page_with_text("RGB")
    draw = ImageDraw.Draw(page)
    draw.ellipse((150, 60, 450, 360), outline=(196, 32, 48), width=12)  # a seal's ring
    draw.line((600, 130, 900, 160), fill=(28, 42, 120), width=5)  # a signature's stroke
    cleaned, steps, *_ = clean(page, 300)
    assert steps[0] is Cleaning.DROP_COLOUR
    grey = np.asarray(cleaned)
    assert grey[205:215, 152:160].min() > INK_LEVEL  # the ring's left edge: paper, not ink
    assert grey[inked(page, (28, 42, 120))].min() > INK_LEVEL  # the signature's stroke
    assert (grey[inked(page, (0, 0, 0))] < 128).mean() > 0.95  # the text, where not drawn over
    assert Cleaning.DROP_COLOUR not in clean(page_with_text("RGB", paper=200), 300).steps


def test_a_seal_dulled_and_darkened_by_a_camera_fades_to_the_paper() -> None:
    page = page_with_text("RGB")
    draw = ImageDraw.Draw(page)
    draw.ellipse((150, 60, 450, 360), outline=(196, 32, 48), width=12)
    draw.line((600, 130, 900, 160), fill=(28, 42, 120), width=5)
    stroke, black = inked(page, (28, 42, 120)), inked(page, (0, 0, 0))
    # a phone's light: warm, dimmer to the right, and a little blur
    light = np.linspace(0.92, 0.7, page.width, dtype=np.float32)[None, :, None]
    warm = np.array((1.0, 0.96, 0.88), np.float32)
    photo = Image.fromarray((np.asarray(page) * light * warm).astype(np.uint8), "RGB")
    photo = photo.filter(ImageFilter.GaussianBlur(1.2))
    grey = np.asarray(clean(photo, 300)[0])
    assert grey[205:215, 148:164].min() > INK_LEVEL  # the ring's left edge, blurred: paper
    assert (grey[stroke] > INK_LEVEL).mean() > 0.95  # the signature (blurred into the text)
    assert (grey[black] < 128).mean() > 0.95


def test_faded_ink_is_darkened_dark_ink_is_not() -> None:
    faded = page_with_text("L").point(lambda v: 255 - (255 - v) * 0.45)  # ink at 45 %
    cleaned, steps, *_ = clean(faded, 300)
    assert Cleaning.RECOVER_INK in steps
    left, top, right, bottom = TEXT_BOX
    assert np.asarray(cleaned)[top:bottom, left:right].min() < 100
    assert np.asarray(faded)[top:bottom, left:right].min() > 130
    assert Cleaning.RECOVER_INK not in clean(page_with_text("L"), 300).steps


def speckled(page: Image.Image, count: int) -> Image.Image:
    """`count` dots of 2 pixels over the page's empty lower part."""
    rng = np.random.default_rng(5)
    pixels = np.array(page)
    for x, y in zip(rng.integers(0, 1390, count), rng.integers(300, 990, count), strict=True):
        pixels[y : y + 2, x : x + 2] = 0
    return Image.fromarray(pixels, "L")


def test_dust_is_erased_when_there_is_much_and_diacritics_stay() -> None:
    page = page_with_text("L")
    cleaned, steps, *_ = clean(speckled(page, 1500), 300)
    assert Cleaning.DESPECKLE in steps
    grey = np.asarray(cleaned)
    assert (grey[300:, :] < 128).sum() < 40  # the dust is gone
    left, top, right, bottom = TEXT_BOX  # "Quyết định về việc" and its dots below, all kept
    before = np.asarray(normalise_background(page))[top:bottom, left:right] < 128
    assert ((grey[top:bottom, left:right] < 128) == before).mean() > 0.999
    assert Cleaning.DESPECKLE not in clean(speckled(page, 100), 300).steps  # a few: left alone


def test_a_page_under_200_dpi_is_read_enlarged() -> None:
    cleaned, steps, scale, *_ = clean(page_with_text("L"), 130)
    assert steps[-1] is Cleaning.UPSCALE and scale == pytest.approx(300 / 130)
    assert cleaned.size == (round(1400 * scale), round(1000 * scale))
    assert clean(page_with_text("L"), 200).scale == 1.0


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


def test_the_desk_around_a_photographed_page_is_not_unread_ink() -> None:
    page = page_with_text()
    photo = Image.new("L", (1600, 1200), 60)  # the desk
    photo.paste(page, (100, 100))
    left, top, right, bottom = TEXT_BOX
    assert ink_in_boxes(photo, [(left + 100, top + 100, right + 100, bottom + 100)]) == 1.0


def test_a_grainy_page_is_smoothed_a_clean_one_and_a_bilevel_one_are_not() -> None:
    page = np.asarray(page_with_text(), np.float32)
    grain = np.random.default_rng(3).normal(0, 14, page.shape)  # a poor sensor, JPEG at 35
    grainy = Image.fromarray((page + grain).clip(0, 255).astype(np.uint8), "L")
    assert noise(grainy) > NOISY > noise(page_with_text())
    cleaned = clean(grainy, 300)
    assert cleaned.steps[-1] is Cleaning.DENOISE
    assert noise(cleaned.image) < noise(grainy) / 2
    left, top, right, bottom = TEXT_BOX  # the text is still ink
    assert np.asarray(cleaned.image)[top:bottom, left:right].min() < 100
    assert Cleaning.DENOISE not in clean(page_with_text(), 300).steps
    assert Cleaning.DENOISE not in clean(grainy.point(lambda v: 255 if v > 128 else 0), 300).steps
