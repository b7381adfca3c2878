"""A staff query as an OpenSearch request: the ranking of indexing.query as score tiers.

A document's score is a sum of constant scores, one tier per ranking rule, each tier worth
more than everything the tiers below it can add: the number/notation, the misspelt words
held as typed (indexing.fuzzy), the whole query as a phrase in the fields, every word of it
in the fields, the exact then the folded words in the text, the adjacent pairs, and BM25
(scaled down) last. Scores are 32-bit floats: for
a query of ten words or more, part of BM25's share is below their precision, so documents
alike in every tier may come in the newest order where SQLite keeps BM25's. Access levels
filter the query itself; the user's filters are a post filter, so that each facet can be
counted with the other filters only.
"""

from itertools import pairwise
from typing import Any

from archive_schema.vietnamese import fold
from indexing.base import FACET_SIZE, FACETS, FacetValue, SearchQuery, Sort
from indexing.fuzzy import NEAREST, Frequencies
from indexing.query import ParsedQuery

TIERS = ("pair", "folded", "exact", "meta_all", "meta_phrase", "as_typed", "number")
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
    folded_words = sorted(parsed.folded_words)
    every_word = [_forms("meta.folded", parsed, w) for w in folded_words]
    in_fields = [_constant({"bool": {"must": every_word}}, tiers["meta_all"])]
    if parsed.whole:
        in_fields.append(_constant(_phrase("meta.folded", parsed.whole), tiers["meta_phrase"]))
    ranked = (
        [_constant(_any_of(_folded(word)), tiers["as_typed"]) for word, _ in parsed.near]
        + in_fields
        + [_constant(_phrase("words", w), tiers["exact"]) for w in query_words]
        + [_constant(_forms("words.folded", parsed, w), tiers["folded"]) for w in folded_words]
        + [_constant(_any_of(_phrases("words.folded", p)), tiers["pair"]) for p in parsed.pairs]
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


def nearby_request(asked: list[str]) -> dict[str, Any]:
    """The frequencies of indexing.fuzzy: each folded word's documents (a filter's count),
    and the words one edit away with theirs in each field (the term suggester)."""
    fields = ("words.folded", "meta.folded")
    return {
        "size": 0,
        "track_total_hits": False,
        "aggs": {
            str(n): {"filter": {"bool": {"should": [{"term": {f: word}} for f in fields]}}}
            for n, word in enumerate(asked)
        },
        "suggest": {
            f"{n}:{field}": {
                "text": word,
                "term": {
                    "field": field,
                    "suggest_mode": "always",
                    "max_edits": 1,
                    "prefix_length": 0,
                    "min_word_length": 1,
                    "accuracy": 0.0,
                    "max_term_freq": 1.0,  # 100 % of the documents: any word, however common
                    "size": NEAREST,
                    "max_inspections": 100,
                    "sort": "frequency",
                },
            }
            for n, word in enumerate(asked)
            for field in fields
        },
    }


def nearby_answer(asked: list[str], answer: dict[str, Any]) -> Frequencies:
    found = {}
    for n, word in enumerate(asked):
        near: dict[str, int] = {}
        for key in (k for k in answer["suggest"] if k.split(":", 1)[0] == str(n)):
            for option in answer["suggest"][key][0]["options"]:
                near[option["text"]] = max(near.get(option["text"], 0), option["freq"])
        found[word] = (answer["aggregations"][str(n)]["doc_count"], near)
    return found


def _tiers(parsed: ParsedQuery) -> dict[str, float]:
    """The worth of one match in each tier: more than the most the tiers below can add."""
    most = max(len(parsed.exact_words), len(parsed.pairs), len(parsed.groups)) + 1
    worth = {"pair": 10.0 * most}
    for lower, tier in pairwise(TIERS):
        worth[tier] = worth[lower] * (2 if lower in ONCE else most)
    return worth


def _group(parsed: ParsedQuery, group: tuple[str, ...]) -> dict[str, Any]:
    """One word or phrase, in the text (scored by BM25) or in the metadata (not scored),
    or a misspelt word's neighbours in either (not scored)."""
    text = " ".join(group)
    metadata = [_phrase("meta", text), _phrase("meta.folded", text)]
    neighbours = parsed.forms(fold(text))[1:]
    if neighbours:
        metadata += [{"terms": {field: neighbours}} for field in ("words.folded", "meta.folded")]
    return _any_of(
        [
            _phrase("words", text, boost=10 * BM25_SCALE),
            _phrase("words.folded", text, boost=BM25_SCALE),
            _constant(_any_of(metadata), 0),
        ]
    )


def _folded(word: str) -> list[dict[str, Any]]:
    """A folded word in the text or in the fields."""
    return [_phrase(field, word) for field in ("words.folded", "meta.folded")]


def _phrases(field: str, phrases: frozenset[str]) -> list[dict[str, Any]]:
    return [_phrase(field, phrase) for phrase in sorted(phrases)]


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
