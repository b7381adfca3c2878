import unicodedata

import pytest

from archive_schema.vietnamese import fold, normalize


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("hoà", "hòa"),
        ("Thuỷ", "Thủy"),
        ("HOẢ TỐC", "HỎA TỐC"),
        ("khoẻ", "khỏe"),
        ("UỶ BAN", "ỦY BAN"),
        ("hoàng", "hoàng"),  # a final consonant keeps the mark on the last vowel
        ("quý", "quý"),  # qu is a consonant: the mark stays on y
        ("già", "già"),  # so is gi
        ("người", "người"),
        ("khuỷu", "khuỷu"),
        ("ngoài", "ngoài"),
        ("Festival 2006", "Festival 2006"),
    ],
)
def test_one_tone_placement(text: str, canonical: str) -> None:
    assert normalize(text) == canonical


def test_normalize_composes_and_maps_eth() -> None:
    decomposed = unicodedata.normalize("NFD", "Quyết định")
    assert normalize(decomposed) == "Quyết định"
    assert normalize("Ðà Nẵng") == "Đà Nẵng"  # U+00D0, an OCR and legacy look-alike of Đ


def test_fold_strips_every_mark_including_d_bar() -> None:
    assert fold("Đồng Hới, Hòa Bình") == "dong hoi, hoa binh"
    assert fold("Ðà") == "da"
    assert fold(normalize("hoà")) == fold("hòa")
