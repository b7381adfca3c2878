"""The quality score of a page's OCR, and the repair of the words tesseract reads."""

from pathlib import Path

from ocr.layout import read_page
from ocr.quality import page_quality, syllable_share, syllables
from ocr.repair import repair
from pipelines.ingest.intake import DocumentSource
from pipelines.ingest.stages.ocr import ocr
from samples.batch import render
from tests.conftest import make_settings
from tests.layout_builder import words
from tests.test_stages import new_document, original


def test_syllables_are_in_the_canonical_form() -> None:
    known = syllables()
    assert {"hòa", "thủy", "quyết", "đồng"} <= known
    assert "hoà" not in known and len(known) > 6000


def test_syllable_share_ignores_abbreviations() -> None:
    assert syllable_share("Ủy ban nhân dân tỉnh UBND TTg HĐND") == 1.0
    assert syllable_share("Ủy bqn nhxn dân") == 0.5
    assert syllable_share("12/CT-UBND 2025") is None  # nothing to judge


def test_the_weakest_signal_decides() -> None:
    line = words("Quyết định về việc quy định giá bán xi măng", 100, 100, confidence=95)
    page = read_page(1, 2000, 3000, 300, [line])
    page.ink_in_words = 0.99
    assert page_quality(page) == 85.0  # confidence 95, stretched: 100 - 3 × 5
    page.ink_in_words = 0.3
    assert page_quality(page) == 30.0  # most of the ink was not read
    garbage = read_page(
        1, 2000, 3000, 300, [words("Qxyt dnh xv vxc qy dnh", 100, 100, confidence=95)]
    )
    assert page_quality(garbage) < 50  # confident, but not Vietnamese
    assert page_quality(read_page(1, 2000, 3000, 300, [])) == 0.0


def test_unreadable_scan_is_flagged_a_clean_one_is_not(tmp_path: Path) -> None:
    paths = []
    for condition in ("clean", "severe"):
        image, _ = render("016", 200, condition, seed=3)[0]
        paths.append(tmp_path / f"{condition}.png")
        image.save(paths[-1], dpi=(200, 200))
    source = DocumentSource(
        name="x", id="d", files=tuple(paths), originals=(original("x"), original("y"))
    )
    doc = new_document()
    ocr(doc, source, tmp_path / "out.pdf", make_settings(tmp_path / "home"))
    clean_page, severe_page = doc.pages
    assert clean_page.quality > 80 and not clean_page.needs_review
    assert severe_page.quality < 50 and severe_page.needs_review


def test_repair_of_what_tesseract_gets_wrong() -> None:
    assert repair("QĐĐ-UBND") == "QĐ-UBND"
    assert repair("ˆ") == "" and repair("^") == ""
    assert repair("hoà") == "hòa"
    assert repair("t\u2044h);") == "t/h);"  # a fraction slash
    assert [repair(w) for w in (".", ":", "_", "'", "._", "-", "...", "Số:")] == [
        *([""] * 5),
        "-",  # a dash stands alone in lists and ranges
        "...",  # a dotted blank of a form
        "Số:",
    ]
