"""A seal printed in black, found on the page and erased from what tesseract reads."""

import numpy as np
import pytest
from PIL import Image, ImageDraw

from ocr.cleaning import Cleaning, clean
from ocr.layout import Word
from ocr.seals import INK, MM_PER_INCH, Seal, erase_seal, find_seal, seal_remains
from samples.batch import render
from samples.marks import SEAL_DIAMETER_MM

DPI = 200


@pytest.fixture(scope="module")
def photocopy() -> list[Image.Image]:
    """A two-page letter photocopied: its seal, pressed over the signer's title and name on
    the last page, is as black as the text."""
    return [page for page, _ in render("010", DPI, "photocopy", seed=11)]


def ring_ink(pixels: np.ndarray, centre: tuple[int, int], radius: float) -> float:
    """The share of the circle of `radius` around `centre` that is inked."""
    angles = np.linspace(0, 2 * np.pi, 2000, endpoint=False)
    ys = np.round(centre[0] + radius * np.sin(angles)).astype(int)
    xs = np.round(centre[1] + radius * np.cos(angles)).astype(int)
    return float((pixels[ys, xs] < INK).mean())


def test_a_black_seal_is_found_and_its_rings_erased_and_nothing_around_it(
    photocopy: list[Image.Image],
) -> None:
    pixels = np.asarray(photocopy[-1].convert("L"))
    seal = find_seal(pixels, DPI)
    assert seal is not None
    assert abs(seal.radius - SEAL_DIAMETER_MM / 2 * DPI / MM_PER_INCH) <= 3
    assert ring_ink(pixels, seal.centre, seal.radius) > 0.8
    cleaned = erase_seal(pixels, seal, DPI)
    assert ring_ink(cleaned, seal.centre, seal.radius) < 0.1
    assert ring_ink(cleaned, seal.centre, seal.radius * 7 / 9) < 0.1  # the inner ring
    rows, columns = np.ogrid[: pixels.shape[0], : pixels.shape[1]]
    outside = np.hypot(rows - seal.centre[0], columns - seal.centre[1]) > seal.radius + 15
    assert np.array_equal(cleaned[outside], pixels[outside])
    assert (cleaned < INK).sum() < (pixels < INK).sum()


def test_a_page_of_text_has_no_seal_nor_an_arc_or_a_circle_drawn_over_text(
    photocopy: list[Image.Image],
) -> None:
    first = photocopy[0].convert("L")
    assert find_seal(np.asarray(first), DPI) is None
    radius = round(18 * DPI / MM_PER_INCH)
    arc = first.copy()  # most of a circle is no seal: a ring is inked all round
    ImageDraw.Draw(arc).arc((600, 900, 600 + 2 * radius, 900 + 2 * radius), 0, 150, 0, 5)
    assert find_seal(np.asarray(arc), DPI) is None
    small = first.copy()  # a circle of a size no seal has
    ImageDraw.Draw(small).ellipse((600, 900, 700, 1000), outline=0, width=5)
    assert find_seal(np.asarray(small), DPI) is None
    assert find_seal(np.full((3, 2000), 255, np.uint8), DPI) is None  # a strip of a page


def test_the_seal_is_erased_when_no_colour_can_drop_it(photocopy: list[Image.Image]) -> None:
    assert Cleaning.ERASE_SEAL in clean(photocopy[-1], DPI).steps
    assert Cleaning.ERASE_SEAL not in clean(photocopy[0], DPI).steps
    red = render("010", 130, "phone", seed=11)[-1][0]  # a red seal: its colour is dropped
    steps = clean(red, 130).steps
    assert Cleaning.DROP_COLOUR in steps and Cleaning.ERASE_SEAL not in steps


def test_what_ocr_made_of_a_seals_remains_is_told_from_the_title_and_name_under_it() -> None:
    seal = Seal((500, 1000), 140)

    def segment(*read: tuple[str, int, float]) -> list[Word]:  # text, left, confidence
        return [Word(text=t, box=(x, 480, x + 60, 520), confidence=c) for t, x, c in read]

    assert seal_remains(segment(('"', 950, 83), ("2", 1020, 90)), seal)  # marks alone
    assert seal_remains(segment(("NNGGG", 950, 30), ("N_", 1020, 29)), seal)  # hardly believed
    assert not seal_remains(segment(("CHỦ", 950, 33), ("TỊCH", 1020, 88)), seal)
    # a line going on outside the ring is the title's or the name's
    assert not seal_remains(segment(("Đã", 950, 20), ("Hoàng", 1150, 40)), seal)
