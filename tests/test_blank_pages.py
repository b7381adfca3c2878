"""Blank separator pages told from pages of documents (ocr.blank), under every condition the
sample scans come in: a blank sheet, the back of a printed sheet, a creased sheet and a
coloured one are blank; every page of documents, and a page holding one short line, is not."""

from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from ocr.blank import blank_pages
from samples.batch import render
from samples.conditions import CONDITIONS
from samples.corpus import document, parts
from samples.scan import degrade
from samples.sheets import SHEETS, separator
from samples.typeset import font, typeset

A4_INCHES = (8.27, 11.69)
# (condition, dpi) as scans come: the photocopy bilevel at 200 dpi, the phone's at 130
SCANS = [
    ("clean", 300),
    ("medium", 300),
    ("medium", 200),
    ("heavy", 300),
    ("photocopy", 200),
    ("phone", 130),
    ("folded", 300),
    ("binarised", 300),
]
DOCUMENTS = ("010", "032")  # a two-page công văn, a thông báo
COLOURED_PAPER = (250, 205, 150)


def _one_line(text: str, points: float, size: tuple[int, int], dpi: int) -> Image.Image:
    page = Image.new("L", size, 255)
    ImageDraw.Draw(page).text(
        (size[0] // 3, size[1] // 8), text, fill=0, font=font("regular", round(points * dpi / 72))
    )
    return page


@pytest.mark.parametrize(("condition", "dpi"), SCANS)
def test_separator_sheets_are_blank_and_pages_with_anything_written_are_not(
    condition: str, dpi: int, tmp_path: Path
) -> None:
    scan = replace(CONDITIONS[condition], sealed=False)
    size = (round(A4_INCHES[0] * dpi), round(A4_INCHES[1] * dpi))
    printed = typeset(parts(document("004")), dpi)[0].image
    sheets = [degrade(separator(kind, size, dpi, printed), scan, dpi, 7) for kind in SHEETS]
    sheets.append(degrade(Image.new("L", size, 255), replace(scan, tint=COLOURED_PAPER), dpi, 7))
    written = [image for doc in DOCUMENTS for image, _ in render(doc, dpi, condition, 5)]
    written += [
        degrade(_one_line(text, points, size, dpi), scan, dpi, 8)
        for text, points in (("Nơi nhận:", 12), ("- Như trên;", 11))
    ]
    scans = tmp_path / "box.tif"  # as a scanner writes a box: one multi-page TIFF
    sheets[0].save(scans, save_all=True, append_images=sheets[1:] + written, dpi=(dpi, dpi))
    found = blank_pages([scans], pdf=False)
    assert found == [True] * len(sheets) + [False] * len(written)


def test_the_pages_of_a_pdf_are_looked_at_as_pdfium_draws_them(tmp_path: Path) -> None:
    dpi = 150
    size = (round(A4_INCHES[0] * dpi), round(A4_INCHES[1] * dpi))
    page, _ = render("004", dpi, "medium", 2)[0]
    blank = degrade(Image.new("L", size, 255), CONDITIONS["medium"], dpi, 2)
    pdf = tmp_path / "scans.pdf"
    page.save(pdf, save_all=True, append_images=[blank, page], resolution=dpi)
    assert blank_pages([pdf], pdf=True) == [False, True, False]
