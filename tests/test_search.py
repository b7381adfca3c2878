"""Contract of the search backends: accents, ranking, filters, snippets, hostile queries."""

from datetime import date
from pathlib import Path

import pytest

from archive_schema.models import Document, Page
from indexing import open_search
from indexing.base import SearchBackend, SearchQuery


def doc(doc_id: str, pages: list[str], **fields: object) -> Document:
    return Document(
        id=doc_id,
        batch_id="b",
        source_name=doc_id,
        pages=[Page(number=n, text=t, confidence=90) for n, t in enumerate(pages, start=1)],
        **fields,
    )


CORPUS = [
    doc(
        "price",
        ["Giới thiệu chung về tỉnh", "Nay quy định giá bán xi măng Lào Cai là 720.000 đ/tấn."],
        doc_type="Quyết định",
        number_symbol="11/1998/QĐ-UB",
        issue_date=date(1998, 1, 14),
        issuing_agency="ỦY BAN NHÂN DÂN TỈNH LÀO CAI",
        subject="Về việc quy định giá bán xi măng",
    ),
    doc(
        "friend",
        ["Gửi bạn đọc: ban biên tập xin cảm ơn."],
        doc_type="Công văn",
        issue_date=date(2013, 9, 27),
        issuing_agency="BỘ Y TẾ",
        subject="V/v cảm ơn bạn đọc",
    ),
    doc(
        "plan",
        ["Kế hoạch phòng, chống dịch bệnh sau lũ tại Đắk Lắk"],
        doc_type="Kế hoạch",
        number_symbol="130/KH-UBND",
        issue_date=date(2025, 11, 21),
        issuing_agency="ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK",
    ),
]


@pytest.fixture(params=["sqlite"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> SearchBackend:
    search = open_search(f"sqlite:///{tmp_path / 'search.db'}")
    search.index(CORPUS)
    return search


def ids(backend: SearchBackend, text: str, **filters: object) -> list[str]:
    return [hit.document_id for hit in backend.search(SearchQuery(text, **filters)).hits]  # type: ignore[arg-type]


def test_accentless_query_finds_accented_text_with_its_page(backend: SearchBackend) -> None:
    results = backend.search(SearchQuery("gia ban xi mang"))
    assert [(h.document_id, h.page) for h in results.hits] == [("price", 2)]
    assert ids(backend, "dak lak") == ["plan"]  # đ folds to d


def test_exact_accents_rank_first(backend: SearchBackend) -> None:
    # exact in the text, then folded in the text, then folded in the metadata only (ỦY BAN)
    assert ids(backend, "bán") == ["price", "friend", "plan"]
    assert ids(backend, "bạn") == ["friend", "price", "plan"]


def test_snippet_marks_the_matched_words(backend: SearchBackend) -> None:
    hit = backend.search(SearchQuery("xi mang")).hits[0]
    marked = [hit.snippet.text[start:end] for start, end in hit.snippet.marks]
    assert marked == ["xi", "măng"]


def test_phrase_and_filters(backend: SearchBackend) -> None:
    assert ids(backend, '"ban biên tập"') == ["friend"]
    assert ids(backend, '"biên ban"') == []
    assert ids(backend, "ủy ban nhân dân", doc_type="Kế hoạch") == ["plan"]
    assert ids(backend, "ủy ban nhân dân", year=1998) == ["price"]
    assert ids(backend, "ủy ban nhân dân", issuing_agency="BỘ Y TẾ") == []


def test_number_symbol_and_metadata_are_searchable(backend: SearchBackend) -> None:
    assert ids(backend, "11/1998/qđ-ub") == ["price"]
    assert ids(backend, "130/KH-UBND") == ["plan"]
    assert ids(backend, "cam on ban doc") == ["friend"]


@pytest.mark.parametrize(
    "hostile",
    ['"', "NEAR(", "* OR", "xi AND", "exact:", "{folded}", "'; DROP TABLE pages; --", "\0", ""],
)
def test_hostile_queries_are_just_words(backend: SearchBackend, hostile: str) -> None:
    backend.search(SearchQuery(hostile))  # no syntax error reaches the user
    assert ids(backend, "xi măng") == ["price"]  # and the index is intact


def test_indexing_twice_and_deleting(backend: SearchBackend) -> None:
    backend.index(CORPUS[:1])
    assert backend.search(SearchQuery("xi măng")).total == 1
    backend.delete("price")
    assert ids(backend, "xi măng") == []


def test_pagination(backend: SearchBackend) -> None:
    first = backend.search(SearchQuery("ủy ban", limit=1))
    second = backend.search(SearchQuery("ủy ban", limit=1, offset=1))
    assert (first.total, second.total) == (2, 2)
    assert {first.hits[0].document_id, second.hits[0].document_id} == {"price", "plan"}
