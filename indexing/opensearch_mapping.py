"""The OpenSearch index: analysers built into every OpenSearch (no ICU plugin needed, which
the official image lacks), and one search document per record, so that counts and facets
are of documents. A record holds the words of all its pages (`words`): it is matched and
ranked by them, as SQLite does. Its pages are nested documents, each with its words and its
text, so that a hit brings back the page it opens at (an inner hit, asked for the hits
shown only), never the text of every page. Ranking by nested queries instead was no faster
(p95 282 against 252 ms at 1,000,000 pages). Copying the pages' words to the record
(`include_in_root`) was no faster, and a phrase then stopped at the end of a page, where
SQLite's goes on to the next.

A record is indexed as the canonical words `indexing.entry` gives (NFC, one tone placement,
Đ), so OpenSearch and the query side split words the same way. Words get two fields:
`words` (standard tokenizer, lower case: `bán` ≠ `bạn`) and `words.folded` (plus
asciifolding, which maps đ→d: `ban` = `bán` = `bạn`); a page's likewise in `pages.words`,
the record's metadata in `meta`. Multi-syllable words (`công nghệ thông tin`) are
ranked by their adjacent pairs, looked up as two-word phrases in `words.folded`: a
shingle field for them took half the node's indexing time (1,700 against 3,100 pages/s on
two cores) for a search barely faster (p95 38 against 41 ms).

A shard's segments are searched on several cores at once when the request counts facets
(concurrent segment search, OpenSearch's default from 3.0): at 1,000,000 pages on two
cores, p95 146-176 ms without, 94-119 ms with. An index made before takes it at `sohoa
reindex`, or by hand (`PUT <alias>/_settings`).

Indexes are versioned behind an alias (`sohoa-documents` → `sohoa-documents-v1`): a rebuild
fills `-v2` while searches go on in `-v1`, then moves the alias at once.
"""

from typing import Any

# Raised when the fields or analysers change: an index of another version is rebuilt.
MAPPING_VERSION = 4
DEFAULT_ALIAS = "sohoa-documents"

ANALYSIS = {
    "analyzer": {
        "sohoa_exact": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase"]},
        "sohoa_folded": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": ["lowercase", "asciifolding"],
        },
    },
}

KEYWORD = {"type": "keyword"}
SHOWN = {"type": "keyword", "index": False, "doc_values": False}  # returned, never searched


def _words(*variants: str) -> dict[str, Any]:
    fields = {name: {"type": "text", "analyzer": f"sohoa_{name}"} for name in variants}
    return {"type": "text", "analyzer": "sohoa_exact", "fields": fields}


PROPERTIES = {
    "document_id": KEYWORD,  # the _id again, for sorting: OpenSearch does not sort on _id
    "doc_type": KEYWORD,
    "number_symbol": SHOWN,
    "number_key": KEYWORD,
    "issue_date": {"type": "date", "format": "strict_date"},
    "year": {"type": "integer"},
    "issuing_agency": KEYWORD,
    "subject": SHOWN,
    "signer_name": SHOWN,
    "access_level": KEYWORD,
    "retention_status": KEYWORD,
    "needs_review": {"type": "boolean"},
    "signed": {"type": "boolean"},
    # the words of the record's metadata: the ranking weighs the fields folded only
    "meta": {**_words("folded"), "index": False},
    "words": _words("folded"),  # the words of every page
    "pages": {
        "type": "nested",
        "properties": {
            "number": {"type": "integer"},
            "words": _words("folded"),
            "text": {"type": "text", "index": False},  # as read, for the snippet
        },
    },
}


def index_template(alias: str) -> dict[str, Any]:
    """The template every `<alias>-v<N>` index is created from."""
    return {
        "index_patterns": [f"{alias}-v*"],
        "priority": 100,
        "template": {
            "settings": {
                "number_of_shards": 1,
                "auto_expand_replicas": "0-1",  # a replica once a second node joins
                # a search with facets goes over the segments on several cores at once
                "search.concurrent_segment_search.mode": "auto",
                "analysis": ANALYSIS,
            },
            "mappings": {
                "dynamic": "strict",
                "_meta": {"mapping_version": MAPPING_VERSION},
                # the words are indexed, not kept: the page's text is
                "_source": {"excludes": ["meta", "words", "pages.words"]},
                "properties": PROPERTIES,
            },
        },
    }
