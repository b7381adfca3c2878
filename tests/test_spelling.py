"""A line's words put right by the words around them (ocr.spelling), on the dictionary
underthesea ships."""

import pytest
from ocrmypdf.models.ocr_element import BoundingBox, OcrClass, OcrElement

from ocr.plugin import put_right
from ocr.repair import repair
from ocr.spelling import correct
from samples.corpus import corpus


def spelt(line: str, confidence: float = 90) -> str:
    words = line.split()
    return " ".join(correct(words, [confidence] * len(words)))


@pytest.mark.parametrize(
    ("read", "printed"),
    [
        ("SỬA ĐỐI, BỐ SUNG MỘT SỐ ĐIỀU", "SỬA ĐỔI, BỔ SUNG MỘT SỐ ĐIỀU"),  # hook read as acute
        ("Cục Kiếm tra văn bản", "Cục Kiểm tra văn bản"),
        ("THẤM QUYỀN GIẢI QUYẾT", "THẨM QUYỀN GIẢI QUYẾT"),
        ("Lê Trường Lưư", "Lê Trường Lưu"),  # no syllable: the nearest one
    ],
)
def test_marks_blurred_away_are_put_back_by_the_words_around(read: str, printed: str) -> None:
    assert spelt(read) == printed


@pytest.mark.parametrize(
    ("read", "printed"),
    [
        ("CỦA TRUNG.TÂM PHỤC VỤ", "CỦA TRUNG TÂM PHỤC VỤ"),
        ("CỦA QUY. ĐỊNH KÈM", "CỦA QUY ĐỊNH KÈM"),
        ("HỘI ĐỒNG NHÂN: DÂN", "HỘI ĐỒNG NHÂN DÂN"),
        ("QUY-ĐỊNH CHỨC NĂNG", "QUY ĐỊNH CHỨC NĂNG"),
    ],
)
def test_a_speck_read_as_punctuation_inside_a_word_goes(read: str, printed: str) -> None:
    assert spelt(read) == printed


@pytest.mark.parametrize(
    ("read", "printed"),
    [
        ("rigười dân và doanh righiệp", "người dân và doanh nghiệp"),  # n read as ri
        ("lioặc theo quy định", "hoặc theo quy định"),  # h read as li
        ("thieo dõi và kèmi theo", "theo dõi và kèm theo"),  # a stroke read as an i
        ("ỦY BAN NHÂN DÂN TỈNHQUẢNGTRỊ", "ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ"),  # bold, run together
        ("các chứcnăng, nhiệm vụ", "các chức năng, nhiệm vụ"),
    ],
)
def test_a_word_that_is_no_syllable_is_mended_or_cut_apart(read: str, printed: str) -> None:
    assert spelt(read) == printed


@pytest.mark.parametrize(
    "line",
    [
        "Tiêu chuẩn ISO 9001, chương III, mục XII",  # capitals: no letter is misread
        "tỉnh Đắk Lắk, ĐBQH, GRDP",  # names and abbreviations that are no syllables
        "KT.CHỦ TỊCH",  # an authority mark
        "TP.HCM và TT.HĐND tỉnh",  # abbreviations
        "KHẮC PHỤC MÔI TRƯỜNG VÀ PHÒNG, CHỐNG DỊCH BỆNH",  # a comma inside a compound is meant
        "Festival 2006 UBND 11/1998/QĐ-UB",  # no syllables
        "Hỏi đáp trên http://sonla.gov.vn/hoi-dap",
        "Lich truc Tet Nguyen dan 2026",  # typed without accents
        "Nguyễn Văn An, Đà Nẵng, Kon Tum",  # names
    ],
)
def test_what_is_no_misreading_stays_as_it_is(line: str) -> None:
    assert spelt(line, confidence=96) == line


def test_the_corpus_as_printed_is_left_all_but_untouched() -> None:
    """A line read right is not 'corrected': on the 36,000 words of the corpus, as printed,
    fewer than one in a thousand changes (the dictionary's compounds sometimes outvote a
    word read right: `định tại` → `đinh tai`)."""
    words = changed = 0
    for document in corpus():
        for line in document.text.splitlines():
            read = [repair(word) for word in line.split()]
            changed += sum(
                a != b for a, b in zip(read, correct(read, [96] * len(read)), strict=True)
            )
            words += len(read)
    assert words > 30_000
    assert changed < words / 1000


def test_a_compound_cut_by_the_end_of_a_line_is_put_right_whole() -> None:
    """Tesseract's paragraph of two lines, "PHỐ" ending one and "BIẾN" opening the next:
    alone, each is a syllable as read."""

    def line(text: str, top: int) -> OcrElement:
        words = [
            OcrElement(OcrClass.WORD, BoundingBox(100 * n, top, 100 * n + 90, top + 40), text=w)
            for n, w in enumerate(text.split())
        ]
        return OcrElement(OcrClass.LINE, BoundingBox(0, top, 1000, top + 40), children=words)

    paragraph = OcrElement(
        OcrClass.PARAGRAPH,
        children=[line("TIẾP TỤC TUYÊN TRUYỀN, PHỐ", 0), line("BIẾN PHÁP LUẬT", 50)],
    )
    page = OcrElement(OcrClass.PAGE, children=[paragraph])
    put_right(page)
    read = " ".join(word.text for word in page.iter_by_class(OcrClass.WORD))
    assert read == "TIẾP TỤC TUYÊN TRUYỀN, PHỔ BIẾN PHÁP LUẬT"
