import pytest

from archive_schema.identifiers import split_number_symbol
from archive_schema.vocab import doc_type_of_notation


@pytest.mark.parametrize(
    ("number_symbol", "number", "notation", "doc_type"),
    [
        ("63/2025/QĐ-UBND", "63", "QĐ-UBND", "Quyết định"),
        ("12/UBND-VX", "12", "UBND-VX", None),  # a công văn: no type in its notation
        ("11/1998/QĐ.UB", "11", "QĐ.UB", "Quyết định"),
        ("445-KL/TU", "445", "KL/TU", "Kết luận"),  # the Party's (Hướng dẫn 36-HD/VPTW)
        ("97-QĐ/TW", "97", "QĐ/TW", "Quyết định"),
        ("8011-CV/BTCTW", "8011", "CV/BTCTW", "Công văn"),
        ("125/CV-PA83", "125", "CV-PA83", "Công văn"),
    ],
)
def test_a_number_is_split_from_its_notation_and_the_type_read_from_it(
    number_symbol: str, number: str, notation: str, doc_type: str | None
) -> None:
    assert split_number_symbol(number_symbol) == (number, notation)
    assert doc_type_of_notation(notation) == doc_type
