"""A staff query as an OpenSearch request: the ranking of indexing.query as score tiers.

A document's score is a sum of constant scores, one tier per ranking rule, each tier worth
more than everything the tiers below it can add: the number/notation, the misspelt words
held as typed (indexing.fuzzy), the whole query as a phrase in the fields, every word of it
in the fields, the exact then the folded words in the text, the adjacent pairs, and BM25
(scaled down) last. Scores are 32-bit floats: for a query of ten words or more, part of
BM25's share is below their precision, so documents alike in every tier may come in the
newest order where SQLite keeps BM25's. Access levels filter the query itself; the user's
filters are a post filter, so that each facet can be counted with the other filters only.
"""

from itertools import pairwise
from typing import Any

from archive_schema.vietnamese import fold
from indexing.base import FACET_SIZE, FACETS, YES_NO_FACETS, Facet, FacetValue, SearchQuery, Sort
from indexing.fuzzy import NEAREST
from indexing.query import ParsedQuery

TIERS = ("pair", "folded", "exact", "meta_all", "meta_phrase", "as_typed", "number")
ONCE = {"meta_all", "meta_phrase"}  # tiers a document scores at most once
WORDS, FOLDED = "words", "words.folded"  # every page's words, on the record
PAGE = "pages."  # the same, of one page: a nested document
BM25_SCALE = 0.01  # BM25 of a word is at most ~30: scaled, it stays under the lowest tier
SUGGESTED = {  # the term suggester, as indexing.fuzzy: every word one edit away
    "suggest_mode": "always",
    "max_edits": 1,
    "prefix_length": 0,
    "min_word_length": 1,
    "accuracy": 0.0,
    "max_term_freq": 1.0,  # 100 % of the documents: any word, however common
    "size": NEAREST,
    "max_inspections": 100,
    "sort": "frequency",
}
SHOWN_FIELDS = [
    "doc_type",
    "number_symbol",
    "issue_date",
    "issuing_agency",
    "subject",
    "signer_name",
    "access_level",
]  # not the pages: the one shown comes as an inner hit
NEWEST_FIRST = {"issue_date": {"order": "desc", "missing": "_last"}}
ORDER: dict[Sort, list[Any]] = {
    Sort.RELEVANCE: ["_score", NEWEST_FIRST, {"document_id": "asc"}],
    Sort.DATE: [NEWEST_FIRST, "_score", {"document_id": "asc"}],
}


def search_request(parsed: ParsedQuery, query: SearchQuery) -> dict[str, Any]:
    """The search: the page of hits asked for, the total and the facets (facets())."""
    filters = query.filters()
    tiers = _tiers(parsed)
    every_word = [_forms("meta.folded", parsed, w) for w in sorted(parsed.folded_words)]
    in_fields = [_constant({"bool": {"must": every_word}}, tiers["meta_all"])]
    if parsed.whole:
        in_fields.append(_constant(_phrase("meta.folded", parsed.whole), tiers["meta_phrase"]))
    ranked = (
        [_constant(_any_of(_folded(word)), tiers["as_typed"]) for word, _ in parsed.near]
        + in_fields
        + [_constant(exact, tiers["exact"]) for exact in _exact(parsed)]
        + [_constant(folded, tiers["folded"]) for folded in _folded_forms(parsed)]
        + [_constant(pair, tiers["pair"]) for pair in _pairs(parsed)]
    )
    if parsed.number_symbol:
        ranked.append(_constant({"term": {"number_key": parsed.number_symbol}}, tiers["number"]))
    return {
        "query": {
            "bool": {
                "must": [_group(parsed, group) for group in parsed.groups],
                "should": ranked,
                "filter": [{"terms": {"access_level": sorted(query.access_levels)}}],
            }
        },
        "post_filter": _all_of(filters),
        "aggs": {name: _facet(name, filters) for name in FACETS},
        "sort": ORDER[query.sort],
        "from": query.offset,
        "size": query.limit,
        "track_total_hits": True,
        "track_scores": True,
        "_source": SHOWN_FIELDS,
    }


def _facet(name: str, filters: dict[str, FacetValue]) -> dict[str, Any]:
    """How many documents each value of `name` has, the other filters applied (facets())."""
    values = {"terms": {"field": name, "size": FACET_SIZE}}
    others = {k: v for k, v in filters.items() if k != name}
    if not others:  # a filter of nothing still costs a pass over every match
        return values
    return {"filter": _all_of(others), "aggs": {"values": values}}


def facets(aggregations: dict[str, Any]) -> dict[str, list[Facet]]:
    """The facets of a search_request's answer."""
    values = {name: aggregations[name].get("values", aggregations[name]) for name in FACETS}
    return {
        name: [
            Facet(bool(b["key"]) if name in YES_NO_FACETS else b["key"], b["doc_count"])
            for b in values[name]["buckets"]
        ]
        for name in FACETS
    }


def neighbours_request(rare: list[str]) -> dict[str, Any]:
    """The words one edit away from each folded word of `rare` (suggested()): the term
    suggester, in the text and in the fields."""
    suggest = {
        f"{n}:{field}": {"text": word, "term": {"field": field, **SUGGESTED}}
        for n, word in enumerate(rare)
        for field in (FOLDED, "meta.folded")
    }
    return {"size": 0, "track_total_hits": False, "suggest": suggest}


def counts_request(folded_words: list[str]) -> dict[str, Any]:
    """How many records hold each folded word (counted(): answer["aggregations"])."""
    return {"size": 0, "track_total_hits": False, "aggs": _held(folded_words)}


def counted(folded_words: list[str], aggregations: dict[str, Any]) -> dict[str, int]:
    return {w: aggregations[str(n)]["doc_count"] for n, w in enumerate(folded_words)}


def suggested(rare: list[str], answer: dict[str, Any]) -> dict[str, set[str]]:
    return {
        word: {
            option["text"]
            for field in (FOLDED, "meta.folded")
            for option in answer["suggest"][f"{n}:{field}"][0]["options"]
        }
        for n, word in enumerate(rare)
    }


def _held(folded_words: list[str]) -> dict[str, Any]:
    """Filters counting the records that hold each folded word in their text or fields."""
    return {
        str(n): {"filter": _any_of([{"term": {f: word}} for f in (FOLDED, "meta.folded")])}
        for n, word in enumerate(folded_words)
    }


def _tiers(parsed: ParsedQuery) -> dict[str, float]:
    """The worth of one match in each tier: more than the most the tiers below can add."""
    most = max(len(parsed.exact_words), len(parsed.pairs), len(parsed.groups)) + 1
    worth = {"pair": 10.0 * most}
    for lower, tier in pairwise(TIERS):
        worth[tier] = worth[lower] * (2 if lower in ONCE else most)
    return worth


def _group(parsed: ParsedQuery, group: tuple[str, ...]) -> dict[str, Any]:
    """One word or phrase, folded, on a page (scored by BM25 over the record's pages) or in
    the metadata (not scored), or a misspelt word's neighbours in either (not scored). The
    words as typed are not looked up again: they count in the tier `exact`, and a phrase
    costs a pass over the positions of every record holding its words."""
    text = fold(" ".join(group))
    metadata = [_phrase("meta.folded", text)]
    neighbours = parsed.forms(text)[1:]
    if neighbours:
        metadata += [
            {"terms": {FOLDED: neighbours}},
            {"terms": {"meta.folded": neighbours}},
        ]
    return _any_of([_phrase(FOLDED, text, boost=BM25_SCALE), _constant(_any_of(metadata), 0)])


def shown_pages_request(parsed: ParsedQuery, hits: list[str]) -> dict[str, Any]:
    """The page each of `hits` (record ids) opens at, as an inner hit: indexing.highlight's
    rule (the page with most of the words as typed, then folded, then most pairs, then the
    first). Asked apart from the search, so that pages are weighed for the hits shown only."""
    pair, folded = 1.0, len(parsed.pairs) + 1.0
    exact = folded * (len(parsed.folded_words) + 1)
    counts = (
        [_constant(q, exact) for q in _exact(parsed, PAGE)]
        + [_constant(q, folded) for q in _folded_forms(parsed, PAGE)]
        + [_constant(q, pair) for q in _pairs(parsed, PAGE)]
    )
    shown = {
        "name": "shown",
        "size": 1,
        "sort": [{"_score": "desc"}, {"pages.number": "asc"}],
        "_source": ["pages.number", "pages.text"],
    }
    page = {"bool": {"should": [*counts, {"match_all": {"boost": 0}}]}}
    nested = {"path": "pages", "query": page, "score_mode": "none", "inner_hits": shown}
    return {
        "query": {"bool": {"filter": [{"ids": {"values": hits}}], "must": [{"nested": nested}]}},
        "size": len(hits),
        "_source": False,
    }


def _exact(parsed: ParsedQuery, on: str = "") -> list[dict[str, Any]]:
    """Each word of the query, as typed, in the text (`on` PAGE: on a page)."""
    return [_phrase(on + WORDS, word) for word in sorted(parsed.exact_words)]


def _folded_forms(parsed: ParsedQuery, on: str = "") -> list[dict[str, Any]]:
    """Each word of the query, folded (or a misspelt word's neighbour), in the text."""
    return [_forms(on + FOLDED, parsed, word) for word in sorted(parsed.folded_words)]


def _pairs(parsed: ParsedQuery, on: str = "") -> list[dict[str, Any]]:
    """Each adjacent pair of the query's words, folded, in the text."""
    return [_any_of([_phrase(on + FOLDED, p) for p in sorted(pair)]) for pair in parsed.pairs]


def _folded(word: str) -> list[dict[str, Any]]:
    """A folded word in the text or in the fields."""
    return [_phrase(FOLDED, word), _phrase("meta.folded", word)]


def _forms(field: str, parsed: ParsedQuery, folded_word: str) -> dict[str, Any]:
    """A folded word, or one of its neighbours when it is misspelt, in `field`."""
    word, *neighbours = parsed.forms(folded_word)
    if not neighbours:
        return _phrase(field, word)
    return _any_of([_phrase(field, word), {"terms": {field: neighbours}}])


def _any_of(queries: list[dict[str, Any]]) -> dict[str, Any]:
    return {"bool": {"should": queries, "minimum_should_match": 1}}


def _phrase(field: str, text: str, boost: float = 1.0) -> dict[str, Any]:
    return {"match_phrase": {field: {"query": text, "boost": boost}}}


def _constant(query: dict[str, Any], worth: float) -> dict[str, Any]:
    return {"constant_score": {"filter": query, "boost": worth}}


def _all_of(filters: dict[str, FacetValue]) -> dict[str, Any]:
    return {"bool": {"filter": [{"term": {name: value}} for name, value in filters.items()]}}
