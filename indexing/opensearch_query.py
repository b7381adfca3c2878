"""A staff query as an OpenSearch request: the ranking of indexing.query as score tiers.

A document's score is a sum of constant scores, one tier per ranking rule, each tier worth
more than everything the tiers below it can add: the number/notation, the whole query as a
phrase in the fields, every word of it in the fields, the exact then the folded words in
the text, the adjacent pairs, and BM25 (scaled down) last. Scores are 32-bit floats: for
a query of ten words or more, part of BM25's share is below their precision, so documents
alike in every tier may come in the newest order where SQLite keeps BM25's. Access levels
filter the query itself; the user's filters are a post filter, so that each facet can be
counted with the other filters only.
"""

from itertools import pairwise
from typing import Any

from indexing.base import FACET_SIZE, FACETS, FacetValue, SearchQuery, Sort
from indexing.query import ParsedQuery

TIERS = ("pair", "folded", "exact", "meta_all", "meta_phrase", "number")
ONCE = {"meta_all", "meta_phrase"}  # tiers a document scores at most once
BM25_SCALE = 0.01  # BM25 of a word is at most ~30: scaled, it stays under the lowest tier
SHOWN_FIELDS = [
    "doc_type",
    "number_symbol",
    "issue_date",
    "issuing_agency",
    "subject",
    "access_level",
    "pages",
]
NEWEST_FIRST = {"issue_date": {"order": "desc", "missing": "_last"}}
ORDER: dict[Sort, list[Any]] = {
    Sort.RELEVANCE: ["_score", NEWEST_FIRST, {"document_id": "asc"}],
    Sort.DATE: [NEWEST_FIRST, "_score", {"document_id": "asc"}],
}


def search_request(parsed: ParsedQuery, query: SearchQuery) -> dict[str, Any]:
    filters = query.filters()
    tiers = _tiers(parsed)
    query_words = sorted(parsed.exact_words)
    every_word = [_phrase("meta.folded", w) for w in query_words]
    in_fields = [_constant({"bool": {"must": every_word}}, tiers["meta_all"])]
    if parsed.whole:
        in_fields.append(_constant(_phrase("meta.folded", parsed.whole), tiers["meta_phrase"]))
    ranked = (
        in_fields
        + [_constant(_phrase("words", w), tiers["exact"]) for w in query_words]
        + [_constant(_phrase("words.folded", w), tiers["folded"]) for w in query_words]
        + [_constant(_phrase("words.folded", p), tiers["pair"]) for p in sorted(parsed.pairs)]
    )
    if parsed.number_symbol:
        ranked.append(_constant({"term": {"number_key": parsed.number_symbol}}, tiers["number"]))
    return {
        "query": {
            "bool": {
                "must": [_group(" ".join(group)) for group in parsed.groups],
                "should": ranked,
                "filter": [{"terms": {"access_level": sorted(query.access_levels)}}],
            }
        },
        "post_filter": _all_of(filters),
        "aggs": {
            name: {
                "filter": _all_of({k: v for k, v in filters.items() if k != name}),
                "aggs": {"values": {"terms": {"field": name, "size": FACET_SIZE}}},
            }
            for name in FACETS
        },
        "sort": ORDER[query.sort],
        "from": query.offset,
        "size": query.limit,
        "track_total_hits": True,
        "track_scores": True,
        "_source": SHOWN_FIELDS,
    }


def _tiers(parsed: ParsedQuery) -> dict[str, float]:
    """The worth of one match in each tier: more than the most the tiers below can add."""
    most = max(len(parsed.exact_words), len(parsed.pairs), len(parsed.groups)) + 1
    worth = {"pair": 10.0 * most}
    for lower, tier in pairwise(TIERS):
        worth[tier] = worth[lower] * (2 if lower in ONCE else most)
    return worth


def _group(text: str) -> dict[str, Any]:
    """One word or phrase, in the text (scored by BM25) or in the metadata (not scored)."""
    metadata = [_phrase("meta", text), _phrase("meta.folded", text)]
    return {
        "bool": {
            "should": [
                _phrase("words", text, boost=10 * BM25_SCALE),
                _phrase("words.folded", text, boost=BM25_SCALE),
                _constant({"bool": {"should": metadata}}, 0),
            ],
            "minimum_should_match": 1,
        }
    }


def _phrase(field: str, text: str, boost: float = 1.0) -> dict[str, Any]:
    return {"match_phrase": {field: {"query": text, "boost": boost}}}


def _constant(query: dict[str, Any], worth: float) -> dict[str, Any]:
    return {"constant_score": {"filter": query, "boost": worth}}


def _all_of(filters: dict[str, FacetValue]) -> dict[str, Any]:
    return {"bool": {"filter": [{"term": {name: value}} for name, value in filters.items()]}}
