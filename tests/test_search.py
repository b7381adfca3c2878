"""Contract of the search backends, run against SQLite FTS5 and a real OpenSearch node:
accents, ranking, phrases, numbers, filters and facets, paging, snippets, security
trimming, hostile queries, rebuilding while searches go on."""

import json
import sqlite3
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from uuid import uuid4

import pytest
from opensearchpy import OpenSearch

from archive_schema.models import Document, Page, Retention, Signature
from archive_schema.vocab import cleared_for
from indexing import SearchIndexError, open_search
from indexing.base import FACETS, Facet, SearchBackend, SearchQuery, SearchResults, Sort
from indexing.highlight import to_html
from indexing.opensearch import OpenSearchSearch
from indexing.opensearch_query import search_request, shown_pages_request
from indexing.query import parse

READER = cleared_for("internal")
OFFICER = cleared_for("secret")


def doc(doc_id: str, pages: list[str], review: tuple[int, ...] = (), **fields: object) -> Document:
    return Document(
        id=doc_id,
        batch_id="b",
        source_name=doc_id,
        pages=[
            Page(number=n, text=t, confidence=90, needs_review=n in review)
            for n, t in enumerate(pages, start=1)
        ],
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
        retention=Retention(schedule="s", row="1.9", years=10, status="review"),
        signatures=[Signature(field="ChuKySo", status="valid", signer="Nguyễn Văn An")],
    ),
    doc(
        "plan",
        ["Kế hoạch phòng, chống dịch bệnh sau lũ tại Đắk Lắk"],
        doc_type="Kế hoạch",
        number_symbol="130/KH-UBND",
        issue_date=date(2025, 11, 21),
        issuing_agency="ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK",
    ),
    doc(
        "party",
        ["Mở đầu", "Nghị quyết của Đảng bộ về công nghệ thông tin"],
        review=(2,),
        doc_type="Nghị quyết",
        issue_date=date(2020, 5, 10),
        issuing_agency="ĐẢNG BỘ TỈNH BẮC NINH",
        subject="Về công tác xây dựng Đảng",
    ),
    doc(
        "scattered",
        ["Thông tin về công nghệ và các dự án"],
        doc_type="Báo cáo",
        issue_date=date(2021, 3, 2),
        issuing_agency="SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
    ),
    doc(
        "restricted",
        ["Quyết định kỷ luật cán bộ vi phạm quy định"],
        doc_type="Quyết định",
        issue_date=date(2019, 7, 1),
        issuing_agency="BỘ NỘI VỤ",
        subject="Về việc kỷ luật cán bộ",
        access_level="restricted",
    ),
    doc(
        "script",
        ["<script>alert('x')</script> Thông báo khẩn <img src=x onerror=alert(1)>"],
        doc_type="Công văn",
        issue_date=date(2024, 2, 2),
        issuing_agency="BỘ Y TẾ",
    ),
]


@pytest.fixture(params=["sqlite", "opensearch"])
def index_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Where a fresh, empty index lives: a SQLite file, or an alias of its own on the node."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'search.db'}"
        return
    node = request.getfixturevalue("opensearch_url")
    alias = f"test-{uuid4().hex[:12]}"
    yield f"{node}/{alias}"
    client = OpenSearch(node)
    client.indices.delete(index=f"{alias}-v*")
    client.indices.delete_index_template(name=alias)
    client.close()


@pytest.fixture
def backend(index_url: str) -> Iterator[SearchBackend]:
    search = open_search(index_url)
    search.index(CORPUS)
    yield search
    search.close()


def ids(
    backend: SearchBackend, text: str, levels: frozenset[str] = READER, **filters: object
) -> list[str]:
    results = backend.search(SearchQuery(text, levels, **filters))  # type: ignore[arg-type]
    return [hit.document_id for hit in results.hits]


def test_an_empty_index_finds_nothing(index_url: str) -> None:
    empty = open_search(index_url)
    assert empty.search(SearchQuery("xi măng", READER, doc_type="Công văn")) == SearchResults(
        total=0, facets={name: [] for name in FACETS}
    )
    empty.close()


def test_accentless_queries_find_accented_text_and_its_page(backend: SearchBackend) -> None:
    results = backend.search(SearchQuery("gia ban xi mang", READER))
    assert [(h.document_id, h.page) for h in results.hits] == [("price", 2)]
    assert ids(backend, "dak lak") == ["plan"]  # đ folds to d
    assert ids(backend, "dang bo") == ["party"]
    assert ids(backend, "quyet dinh", OFFICER) == ["restricted", "price"]


def test_words_may_stand_on_different_pages(backend: SearchBackend) -> None:
    assert ids(backend, "giới thiệu xi măng") == ["price"]
    hit = backend.search(SearchQuery("tỉnh xi măng giá", READER)).hits[0]
    assert (hit.document_id, hit.page) == ("price", 2)  # the page with most of the words


def test_exact_accents_rank_first(backend: SearchBackend) -> None:
    # exact in the text, then folded in the text, then folded in the metadata only (ỦY BAN)
    assert ids(backend, "bán") == ["price", "friend", "plan"]
    assert ids(backend, "bạn") == ["friend", "price", "plan"]


def test_syllables_of_a_word_rank_together(backend: SearchBackend) -> None:
    assert ids(backend, "cong nghe thong tin") == ["party", "scattered"]
    hit = backend.search(SearchQuery("công nghệ thông tin", READER)).hits[0]
    assert (hit.document_id, hit.page) == ("party", 2)


def test_phrases(backend: SearchBackend) -> None:
    assert ids(backend, '"ban biên tập"') == ["friend"]
    assert ids(backend, '"biên ban"') == []
    assert ids(backend, '"cong nghe thong tin"') == ["party"]


def test_a_phrase_goes_on_over_the_page_break(backend: SearchBackend) -> None:
    backend.index([doc("broken", ["Giao nhiệm vụ cho Ủy ban", "nhân dân huyện Bảo Thắng"])])
    assert ids(backend, '"ủy ban nhân dân huyện"') == ["broken"]


def test_number_symbol_and_metadata_are_searchable(backend: SearchBackend) -> None:
    assert ids(backend, "11/1998/qđ-ub") == ["price"]
    assert ids(backend, "130/KH-UBND") == ["plan"]
    assert ids(backend, "cam on ban doc") == ["friend"]


def test_a_record_about_the_words_ranks_above_one_that_mentions_them(
    backend: SearchBackend,
) -> None:
    """Fields (type, number, agency, subject, signer) above the body: the plan whose subject
    the query is comes before the long report that says it three times in passing."""
    passing = "Trong quý, việc cấp nước sạch nông thôn được nhắc lại. " * 3
    backend.index(
        [
            doc("report", [passing + "Tình hình kinh tế ổn định."], subject="Tình hình quý ba"),
            doc("about", ["Triển khai các công trình."], subject="Cấp nước sạch nông thôn"),
            doc("signed", ["Nơi nhận: như trên."], signer_name="Trần Thị Mai"),
        ]
    )
    assert ids(backend, "cap nuoc sach nong thon") == ["about", "report"]
    assert ids(backend, "tran thi mai") == ["signed"]


def test_the_whole_query_in_the_fields_ranks_above_its_words_scattered_there(
    backend: SearchBackend,
) -> None:
    scattered = doc(
        "scattered",
        ["Nhiệm vụ bảo vệ rừng đầu nguồn. Bảo vệ rừng đầu nguồn là trọng tâm."],
        subject="Bảo vệ môi trường rừng",
        issuing_agency="BAN QUẢN LÝ RỪNG ĐẦU NGUỒN",
    )
    backend.index([scattered, doc("whole", ["Nội dung."], subject="Bảo vệ rừng đầu nguồn")])
    assert ids(backend, "bao ve rung dau nguon") == ["whole", "scattered"]


def test_a_word_the_index_lacks_matches_the_words_one_edit_away(backend: SearchBackend) -> None:
    assert ids(backend, "gia ban xi mănh") == ["price"]  # a letter changed
    assert ids(backend, "ke hoahc phong chong") == ["plan"]  # two letters swapped
    assert ids(backend, "cong nghe thog tin") == ["party", "scattered"]  # a letter dropped
    assert ids(backend, "Dảng bộ bắc ninhh") == ["party"]  # a letter added
    assert ids(backend, '"xi mănh"') == []  # a phrase in quotes is matched as typed
    assert ids(backend, "dich") == ["plan"]  # not `định`: `dịch` is in the index


def test_a_misspelt_word_ranks_below_the_words_as_typed(backend: SearchBackend) -> None:
    """A word a hundred times rarer than its neighbour is taken as misspelt, but a
    document that holds it as typed (`mănh`, damaged by OCR) still comes first, above
    records whose subject holds its neighbour."""
    backend.index([doc(f"cement-{n}", ["Lô hàng."], subject=f"Xi măng lô {n}") for n in range(100)])
    backend.index([doc("damaged", ["Xi mănh lô hàng"], issue_date=date(1990, 1, 1))])
    found = backend.search(SearchQuery("xi manh", READER, limit=3))
    assert found.total == 102
    assert found.hits[0].document_id == "damaged"
    assert ids(backend, "xi măng lô 7") == ["cement-7"]


def test_an_opensearch_hit_carries_only_the_page_it_opens_at(opensearch_url: str) -> None:
    """A record of 300 pages: the answer holds its page 200, not the text of every page."""
    alias = f"test-{uuid4().hex[:12]}"
    search = OpenSearchSearch(f"{opensearch_url}/{alias}")
    pages = [f"Trang {n} về kế hoạch chung của tỉnh. " * 40 for n in range(1, 301)]
    pages[199] += "Phương án phòng chống lụt bão."
    search.index([doc("long", pages, subject="Kế hoạch năm")])
    query = SearchQuery("phong chong lut bao", READER)
    parsed = parse(query.text)
    answer = search.client.search(index=alias, body=search_request(parsed, query))
    (hit,) = answer["hits"]["hits"]
    assert "pages" not in hit["_source"]
    pages = search.client.search(index=alias, body=shown_pages_request(parsed, [hit["_id"]]))
    (shown,) = pages["hits"]["hits"][0]["inner_hits"]["shown"]["hits"]["hits"]
    assert shown["_source"]["number"] == 200
    assert len(json.dumps(answer)) + len(json.dumps(pages)) < 20_000  # the text is 600 kB
    found = search.search(query).hits[0]
    assert (found.page, found.snippet.text.endswith("lụt bão.")) == (200, True)
    search.client.indices.delete(index=f"{alias}-v*")
    search.client.indices.delete_index_template(name=alias)
    search.close()


@pytest.mark.parametrize("index_url", ["opensearch"], indirect=True)
def test_an_opensearch_search_with_facets_goes_over_the_segments_at_once(
    backend: SearchBackend,
) -> None:
    assert isinstance(backend, OpenSearchSearch)
    query = SearchQuery("quyet dinh", READER)
    body = search_request(parse(query.text), query) | {"profile": True}
    (shard,) = backend.client.search(index=backend.alias, body=body)["profile"]["shards"]
    assert "slice_count" in shard["searches"][0]["collector"][0]  # concurrent segment search


def test_a_hit_says_where_it_matched(backend: SearchBackend) -> None:
    def matched(text: str) -> list[tuple[str, ...]]:
        return [hit.matched for hit in backend.search(SearchQuery(text, READER)).hits]

    assert matched("gia ban xi mang") == [("subject", "text")]
    assert matched("11/1998/QĐ-UB") == [("number_symbol",)]
    assert matched("quyet dinh lao cai") == [("doc_type", "issuing_agency", "text")]
    assert matched("gia ban xi mănh") == [("subject", "text")]  # a neighbour counts
    backend.index([doc("signed", ["Nơi nhận: như trên."], signer_name="Trần Thị Mai")])
    (hit,) = backend.search(SearchQuery("tran thi mai", READER)).hits
    assert (hit.matched, hit.signer_name) == (("signer_name",), "Trần Thị Mai")


def test_filters(backend: SearchBackend) -> None:
    assert ids(backend, "ủy ban nhân dân", doc_type="Kế hoạch") == ["plan"]
    assert ids(backend, "ủy ban nhân dân", year=1998) == ["price"]
    assert ids(backend, "ủy ban nhân dân", issuing_agency="BỘ Y TẾ") == []
    assert ids(backend, "bộ", needs_review=True) == ["party"]
    assert ids(backend, "bộ", retention_status="review") == ["friend"]
    assert ids(backend, "bộ", signed=True) == ["friend"]


def test_facets_count_documents_with_the_other_filters(backend: SearchBackend) -> None:
    results = backend.search(SearchQuery("bộ", READER))
    assert results.total == 3
    assert results.facets == {
        "doc_type": [Facet("Công văn", 2), Facet("Nghị quyết", 1)],
        "year": [Facet(2013, 1), Facet(2020, 1), Facet(2024, 1)],
        "issuing_agency": [Facet("BỘ Y TẾ", 2), Facet("ĐẢNG BỘ TỈNH BẮC NINH", 1)],
        "retention_status": [Facet("unclassified", 2), Facet("review", 1)],
        "needs_review": [Facet(False, 2), Facet(True, 1)],
        "signed": [Facet(False, 2), Facet(True, 1)],
    }
    narrowed = backend.search(SearchQuery("bộ", READER, doc_type="Công văn"))
    assert narrowed.total == 2
    # its own facet still offers the other types; the others count within "Công văn"
    assert narrowed.facets["doc_type"] == [Facet("Công văn", 2), Facet("Nghị quyết", 1)]
    assert narrowed.facets["year"] == [Facet(2013, 1), Facet(2024, 1)]
    empty = backend.search(SearchQuery("bộ", READER, doc_type="Công văn", year=2020))
    assert empty.total == 0
    assert empty.facets["year"] == [Facet(2013, 1), Facet(2024, 1)]  # what dropping it gives


def test_sort_by_date_newest_first(backend: SearchBackend) -> None:
    assert ids(backend, "bộ", sort=Sort.DATE) == ["script", "party", "friend"]


def test_pagination(backend: SearchBackend) -> None:
    first = backend.search(SearchQuery("ủy ban", READER, limit=1))
    second = backend.search(SearchQuery("ủy ban", READER, limit=1, offset=1))
    assert (first.total, second.total) == (2, 2)
    assert {first.hits[0].document_id, second.hits[0].document_id} == {"price", "plan"}
    assert backend.search(SearchQuery("ủy ban", READER, limit=1, offset=2)).hits == []


def test_snippet_marks_the_matched_words(backend: SearchBackend) -> None:
    hit = backend.search(SearchQuery("xi mang", READER)).hits[0]
    marked = [hit.snippet.text[start:end] for start, end in hit.snippet.marks]
    assert marked == ["xi", "măng"]


def test_markup_in_a_page_comes_back_inert(backend: SearchBackend) -> None:
    (hit,) = backend.search(SearchQuery("thong bao khan", READER)).hits
    assert "<script>" in hit.snippet.text  # the page's text, as OCR read it
    html = to_html(hit.snippet)
    assert "&lt;script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<script" not in html and "<img" not in html
    assert "<mark>Thông</mark> <mark>báo</mark> <mark>khẩn</mark>" in html


def test_a_reader_never_sees_a_document_above_them(backend: SearchBackend) -> None:
    hidden = backend.search(SearchQuery("kỷ luật cán bộ", READER))
    assert (hidden.total, hidden.hits) == (0, [])
    assert all(not values for values in hidden.facets.values())
    reader = backend.search(SearchQuery("bộ", READER))
    assert Facet("BỘ NỘI VỤ", 1) not in reader.facets["issuing_agency"]
    assert [h.document_id for h in backend.search(SearchQuery("kỷ luật", OFFICER)).hits] == [
        "restricted"
    ]
    officer = backend.search(SearchQuery("bộ", OFFICER))
    assert officer.total == 4 and Facet("BỘ NỘI VỤ", 1) in officer.facets["issuing_agency"]
    assert backend.search(SearchQuery("bộ")).total == 0  # no clearance given: nothing


@pytest.mark.parametrize(
    "hostile",
    ['"', "NEAR(", "* OR", "xi AND", "exact:", "{folded}", "'; DROP TABLE pages; --", "\0", ""],
)
def test_hostile_queries_are_just_words(backend: SearchBackend, hostile: str) -> None:
    backend.search(SearchQuery(hostile, READER))  # no syntax error reaches the user
    assert ids(backend, "xi măng") == ["price"]  # and the index is intact


def test_indexing_twice_and_deleting(backend: SearchBackend) -> None:
    backend.index(CORPUS[:1])
    assert backend.search(SearchQuery("xi măng", READER)).total == 1
    backend.delete("price")
    backend.delete("price")  # already gone: nothing to do
    assert ids(backend, "xi măng") == []
    assert backend.document_ids() == {d.id for d in CORPUS} - {"price"}


def test_counts_follow_what_another_connection_writes(
    backend: SearchBackend, index_url: str
) -> None:
    """SQLite counts from what it holds in memory of the index, updated after each write."""
    assert backend.search(SearchQuery("thong bao khan", READER)).facets["doc_type"] == [
        Facet("Công văn", 1)
    ]
    other = open_search(index_url)
    other.index([CORPUS[-1].model_copy(update={"doc_type": "Tờ trình", "access_level": "secret"})])
    assert backend.search(SearchQuery("thong bao khan", READER)) == SearchResults(
        total=0, facets={name: [] for name in FACETS}
    )
    found = backend.search(SearchQuery("thong bao khan", OFFICER))
    assert (found.total, found.facets["doc_type"]) == (1, [Facet("Tờ trình", 1)])
    other.delete("script")
    assert backend.search(SearchQuery("thong bao khan", OFFICER)).total == 0
    other.rebuild([d.model_copy(update={"doc_type": "Báo cáo"}) for d in CORPUS])
    found = backend.search(SearchQuery("bo y te", READER))
    assert (found.total, found.facets["doc_type"]) == (2, [Facet("Báo cáo", 2)])
    other.close()


def test_an_index_made_anew_at_the_same_place_is_counted_anew(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'search.db'}"
    first = open_search(url)
    first.index(CORPUS)
    assert first.search(SearchQuery("bo y te", READER)).facets["doc_type"] == [Facet("Công văn", 2)]
    first.close()
    (tmp_path / "search.db").unlink()
    second = open_search(url)
    second.index([d.model_copy(update={"doc_type": "Báo cáo"}) for d in CORPUS])
    assert second.search(SearchQuery("bo y te", READER)).facets["doc_type"] == [Facet("Báo cáo", 2)]
    second.close()


def test_rebuild_while_searches_go_on(backend: SearchBackend, index_url: str) -> None:
    extra = [doc(f"extra-{n}", [f"Phụ lục số {n} về giá bán xi măng"] * 3) for n in range(300)]
    kept = [d for d in CORPUS if d.id != "plan"]
    answers: list[int] = []
    rebuilt = threading.Event()

    def rebuild() -> None:
        other = open_search(index_url)
        try:
            assert other.rebuild(kept + extra) == len(kept) + len(extra)
        finally:
            other.close()
            rebuilt.set()

    searching = open_search(index_url)
    thread = threading.Thread(target=rebuild)
    thread.start()
    while not rebuilt.is_set():
        answers.append(searching.search(SearchQuery("xi măng", READER)).total)
    thread.join()
    assert answers and all(total >= 1 for total in answers)  # never an empty or broken index
    assert searching.search(SearchQuery("xi măng", READER)).total == 301
    assert searching.document_ids() == {d.id for d in kept + extra}
    searching.close()


def test_a_closed_backend_leaves_no_thread_behind(backend: SearchBackend, index_url: str) -> None:
    before = set(threading.enumerate())
    searching = open_search(index_url)
    assert searching.search(SearchQuery("xi măng", READER)).total == 1
    searching.close()
    assert set(threading.enumerate()) <= before


def test_an_index_of_an_older_schema_asks_for_a_rebuild(index_url: str, tmp_path: Path) -> None:
    if index_url.startswith("sqlite"):
        path = Path(index_url.removeprefix("sqlite:///"))
        with sqlite3.connect(path) as old:  # the first schema: no version, fewer columns
            old.execute("CREATE TABLE documents (id TEXT PRIMARY KEY, doc_type TEXT)")
    else:
        open_search(index_url).close()
        node, alias = index_url.rsplit("/", 1)
        client = OpenSearch(node)
        client.indices.put_mapping(index=alias, body={"_meta": {"mapping_version": 0}})
        client.close()
    stale = open_search(index_url)
    with pytest.raises(SearchIndexError, match="sohoa reindex"):
        stale.search(SearchQuery("xi măng", READER))
    with pytest.raises(SearchIndexError, match="sohoa reindex"):
        stale.index(CORPUS)
    assert stale.rebuild(CORPUS) == len(CORPUS)
    assert ids(stale, "xi măng") == ["price"]
    stale.close()
