"""Ink the first reading missed, read again alone with the real tesseract."""

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ocr.layout import Word
from ocr.rereading import read_again
from samples.typeset import FONT_DIR, FONT_FILES

READ = "Nơi nhận: Như trên"  # what the first reading found
MISSED = "KT. BỘ TRƯỞNG"  # what it did not


def page() -> Image.Image:
    image = Image.new("L", (2000, 1200), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT_DIR / FONT_FILES["bold"]), 50)
    draw.text((150, 200), READ, font=font, fill=0)
    draw.text((1150, 200), MISSED, font=font, fill=0)
    draw.ellipse((300, 600, 700, 1000), outline=60, width=14)  # a seal's ring, in grey
    draw.line((1200, 800, 1500, 700, 1700, 850), fill=40, width=6)  # a signature's stroke
    return image


def test_a_line_the_first_reading_missed_is_read_and_marks_are_not() -> None:
    first = [[Word(text=READ, box=(140, 190, 700, 270), confidence=95.0)]]
    again = read_again(page(), 300, first, "vie", 60)
    assert [" ".join(word.text for word in line) for line in again] == [MISSED]
    left, top, _, bottom = again[0][0].box
    assert 1140 <= left < 1250 and 190 <= top < 260 and bottom > top  # page pixels


def test_nothing_is_read_again_when_every_stroke_was_read() -> None:
    image = Image.new("L", (2000, 1200), 255)
    font = ImageFont.truetype(str(FONT_DIR / FONT_FILES["bold"]), 50)
    ImageDraw.Draw(image).text((150, 200), READ, font=font, fill=0)
    first = [[Word(text=READ, box=(140, 190, 700, 270), confidence=95.0)]]
    assert read_again(image, 300, first, "vie", 60) == []


def test_nothing_is_read_again_once_the_pages_time_is_spent() -> None:
    first = [[Word(text=READ, box=(140, 190, 700, 270), confidence=95.0)]]
    assert read_again(page(), 300, first, "vie", 0) == []


def test_words_read_inside_a_frame_around_the_page_are_not_read_twice() -> None:
    """A scan's dark frame (a photocopy's edge, a page's shadow) is ink no word covers: the
    region it makes holds the whole page, whose words were read already."""
    image = page()
    ImageDraw.Draw(image).rectangle((60, 60, 1940, 1140), outline=30, width=8)
    first = [[Word(text=READ, box=(140, 190, 700, 270), confidence=95.0)]]
    again = [
        " ".join(word.text for word in line) for line in read_again(image, 300, first, "vie", 60)
    ]
    assert READ not in " ".join(again)
    assert MISSED in again


def test_a_name_under_a_signatures_loops_is_read_as_scattered_text() -> None:
    """Read as one block, the loops and the name under them give nothing; read as
    scattered text, the name is found on its own."""
    image = Image.new("L", (1600, 700), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT_DIR / FONT_FILES["bold"]), 50)
    draw.text((500, 420), "Phạm Lê Tuấn", font=font, fill=0)
    t = np.linspace(0, 1, 300)
    xs = 420 + 600 * t + 40 * np.sin(2 * np.pi * 5 * t)
    ys = 330 + 110 * np.sin(2 * np.pi * (5 * t + 0.3)) * (1 - 0.3 * t)
    draw.line(list(zip(xs.tolist(), ys.tolist(), strict=True)), fill=40, width=6, joint="curve")
    again = [" ".join(word.text for word in line) for line in read_again(image, 300, [], "vie", 60)]
    assert any(line.endswith("Lê Tuấn") for line in again)


def test_a_page_number_alone_above_the_text_is_read_and_a_mark_there_is_not() -> None:
    """Tesseract skips a lone number; at the top of the page it is the page's number. A
    stain or a stroke there is not read as one."""
    image = Image.new("L", (2000, 1200), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT_DIR / FONT_FILES["regular"]), 54)
    draw.text((990, 60), "7", font=font, fill=0)
    draw.line((400, 60, 410, 120), fill=30, width=8)  # a stroke, as narrow as a number
    draw.text((150, 300), READ, font=font, fill=0)
    first = [[Word(text=READ, box=(140, 290, 700, 370), confidence=95.0)]]
    again = read_again(image, 300, first, "vie", 60)
    assert [[word.text for word in line] for line in again] == [["7"]]
