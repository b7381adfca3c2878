"""Ruled tables: found by their rulings in every scan condition, erased from what tesseract
reads, and read cell by cell."""

from pathlib import Path

import pytest
from rapidfuzz.distance import Levenshtein

from archive_schema.vietnamese import normalize
from ocr.cleaning import Cleaning, clean
from ocr.convert import scans_to_pdfa
from ocr.layout import read_page
from ocr.tables import Grid
from samples.batch import render
from samples.corpus import document, parts
from tests.layout_builder import HEIGHT, WIDTH, words

UNITS_PAGE = 10  # 008's last page: Biểu số 4, four columns, a cell of six lines beside two


def test_the_annex_tables_of_the_corpus_are_tables() -> None:
    tables = [block for block in parts(document("008")).annex if not isinstance(block, str)]
    assert len(tables) == 3  # Biểu số 2 and 3 run together in the source: one table
    assert tables[-1][0] == ("STT", "Đối tượng", "Đơn vị tính", "Mức trợ giúp áp dụng")
    assert ("", "- Có người chết, mất tích", "Đồng/nguời", "4.500.000") in tables[-1]
    assert all(len({len(row) for row in table}) == 1 for table in tables)  # rows padded


@pytest.mark.parametrize(
    ("condition", "dpi"), [("clean", 300), ("heavy", 300), ("photocopy", 200), ("phone", 130)]
)
def test_a_ruled_table_is_found_and_its_rulings_erased(condition: str, dpi: int) -> None:
    page, _ = render("008", dpi, condition, seed=11, only=UNITS_PAGE)[0]
    cleaned = clean(page, dpi)
    assert Cleaning.UNRULE in cleaned.steps
    # a heading and 11 rows of four columns; in a heavy scan a ruling or two fades away, and
    # the rows it bounded are left out of the grid
    rows = sum(len(grid.cells) for grid in cleaned.grids)
    assert rows >= 5 if condition == "heavy" else rows == 11
    assert {len(edges) for grid in cleaned.grids for edges in grid.cells} == {5}


def test_a_page_without_a_table_keeps_its_rules() -> None:
    """The rules under the agency and the motto, the rule under the subject: no grid."""
    page, _ = render("002", 300, "clean", seed=0)[0]
    cleaned = clean(page, 300)
    assert (Cleaning.UNRULE in cleaned.steps, cleaned.grids) == (False, [])


def test_words_in_a_grid_are_read_cell_by_cell() -> None:
    """Tesseract reads a row straight across: a cell's second line after the next cell."""
    grid = Grid(rows=(1000, 1200, 1400), cells=((300, 400, 1500, 2000),) * 2)
    ocr_lines = [
        words("Căn cứ các quy định sau:", 300, 900),
        words("1", 320, 1020)
        + words("Người lang thang xin ăn", 420, 1020)
        + words("Đồng/người", 1520, 1020),
        words("trong thời gian tập trung", 420, 1080),
        words("2", 320, 1220) + words("Người gặp rủi ro", 420, 1220) + words("15.000", 1520, 1220),
        words("Nơi nhận:", 300, 1500),
    ]
    lines = [line.text for line in read_page(1, WIDTH, HEIGHT, 300, ocr_lines, [grid]).lines]
    assert lines == [
        "Căn cứ các quy định sau:",
        "1",
        "Người lang thang xin ăn",
        "trong thời gian tập trung",
        "Đồng/người",
        "2",
        "Người gặp rủi ro",
        "15.000",
        "Nơi nhận:",
    ]


@pytest.mark.parametrize(
    ("condition", "dpi", "wrong"),
    [("clean", 300, 0.02), ("heavy", 300, 0.12)],
    ids=["clean", "heavy"],
)
def test_an_annex_table_is_read_cell_by_cell_without_its_rulings(
    tmp_path: Path, condition: str, dpi: int, wrong: float
) -> None:
    """Read across its rows, with the rulings as `|` and `_`, the page had 20 % of its
    characters wrong when clean, 30 % in a heavy scan."""
    page, printed = render("008", dpi, condition, seed=11, only=UNITS_PAGE)[0]
    scan = tmp_path / "annex.png"
    page.save(scan, dpi=(dpi, dpi))
    layouts, _ = scans_to_pdfa([scan], tmp_path / "out.pdf")
    read, printed = (" ".join(normalize(text).split()) for text in (layouts[0].text, printed))
    assert "|" not in read
    if condition == "clean":
        assert "tại cơ sở bảo trợ xã hội. Đồng/người/ngày 15.000" in read
    assert Levenshtein.distance(read, printed) / len(printed) < wrong
