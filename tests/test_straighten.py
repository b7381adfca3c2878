"""A photographed page drawn square again, a page aslant turned level, and the way back."""

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr.cleaning import INK_LEVEL, Cleaning, clean
from ocr.straighten import apply, find_page, homography, measure_skew
from samples.typeset import FONT_DIR, FONT_FILES

SIZE = (1400, 1000)


def page_of_lines(angle: float = 0.0) -> Image.Image:
    """A page of twelve lines of text, turned `angle` degrees counter-clockwise."""
    image = Image.new("L", SIZE, 255)
    font = ImageFont.truetype(str(FONT_DIR / FONT_FILES["regular"]), 40)
    for row in range(12):
        text = "Căn cứ Luật Tổ chức chính quyền địa phương năm 2015"
        ImageDraw.Draw(image).text((150, 150 + 60 * row), text, font=font, fill=0)
    return image.rotate(angle, Image.Resampling.BICUBIC, fillcolor=255)


def sharpness(page: Image.Image) -> float:
    """How sharply the rows of ink change: highest when the lines are level."""
    rows = (np.asarray(page) < 128).sum(axis=1).astype(float)
    return float(np.abs(np.diff(rows)).sum())


def photographed(page: Image.Image, corners: np.ndarray, desk: int = 70) -> Image.Image:
    """`page` as a phone sees it on a desk, its corners at `corners` of a larger photo."""
    canvas = (round(SIZE[0] * 1.2), round(SIZE[1] * 1.2))
    page_corners = np.array([(0, 0), (SIZE[0], 0), SIZE, (0, SIZE[1])], np.float64)
    coefficients = tuple(homography(corners, page_corners).ravel()[:8])
    return page.transform(
        canvas, Image.Transform.PERSPECTIVE, coefficients, Image.Resampling.BICUBIC, fillcolor=desk
    )


CORNERS = np.array([(160, 90), (1530, 150), (1580, 1110), (110, 1050)], np.float64)


@pytest.mark.parametrize("angle", [-3.5, -1.2, 0.8, 2.5])
def test_a_page_turned_aslant_is_turned_level(angle: float) -> None:
    assert measure_skew(page_of_lines(angle), 300, INK_LEVEL) == pytest.approx(-angle, abs=0.1)
    cleaned = clean(page_of_lines(angle), 300)
    assert Cleaning.DESKEW in cleaned.steps and cleaned.to_scan is not None
    assert sharpness(cleaned.image) > 0.8 * sharpness(page_of_lines())
    # a point of the page read level lies, back on the scan, where the scan shows it
    turned = np.radians(angle)
    x, y = 300.0, 200.0  # on the level page
    dx, dy = x - SIZE[0] / 2, y - SIZE[1] / 2
    on_scan = (
        SIZE[0] / 2 + dx * np.cos(turned) + dy * np.sin(turned),
        SIZE[1] / 2 - dx * np.sin(turned) + dy * np.cos(turned),
    )
    assert apply(cleaned.to_scan, x, y) == pytest.approx(on_scan, abs=0.5)


def test_a_level_page_and_a_slant_tesseract_reads_anyway_are_left_as_they_are() -> None:
    for angle in (0.0, 0.15):
        cleaned = clean(page_of_lines(angle), 300)
        assert (Cleaning.DESKEW in cleaned.steps, cleaned.to_scan) == (False, None)


def test_a_photographed_page_is_found_on_the_desk_and_drawn_square() -> None:
    photo = photographed(page_of_lines(), CORNERS)
    found = find_page(photo, 300)
    assert found is not None
    assert np.abs(found - CORNERS).max() < 12  # pixels, found at 75 dpi
    cleaned = clean(photo, 300)
    assert Cleaning.UNWARP in cleaned.steps
    assert sharpness(cleaned.image) > 0.8 * sharpness(page_of_lines())
    assert cleaned.to_scan is not None
    for corner in CORNERS:  # the page's corners, drawn square, go back to the photo's
        square = np.linalg.inv(cleaned.to_scan) @ (*corner, 1)
        assert apply(cleaned.to_scan, *square[:2] / square[2]) == pytest.approx(corner)


def test_a_page_without_a_desk_around_it_is_not_looked_for_an_outline() -> None:
    assert find_page(page_of_lines(), 300) is None  # a flatbed scan: paper to the edges
    light_desk = photographed(page_of_lines(), CORNERS, desk=225)
    assert find_page(light_desk, 300) is None  # the paper hardly lighter than the desk
    bitten = np.asarray(photographed(page_of_lines(), CORNERS)).copy()
    bitten[400:800, 700:] = 70  # a hand or a folder over half the page: no quadrilateral
    assert find_page(Image.fromarray(bitten), 300) is None
