"""The OpenSearch index: analysers built into every OpenSearch (no ICU plugin needed, which
the official image lacks), and one search document per record, so that counts and facets
are of documents; its pages' texts are kept, not indexed, to choose the page of a hit.

A record is indexed as the canonical words `indexing.entry` gives (NFC, one tone placement,
Đ), so OpenSearch and the query side split words the same way. The words get three
fields: `words` (standard tokenizer, lower case: `bán` ≠ `bạn`), `words.folded` (plus
asciifolding, which maps đ→d: `ban` = `bán` = `bạn`) and `words.pairs` (folded shingles of
two words: `cong nghe`, `nghe thong`, `thong tin`), for multi-syllable words.

Indexes are versioned behind an alias (`sohoa-documents` → `sohoa-documents-v1`): a rebuild
fills `-v2` while searches go on in `-v1`, then moves the alias at once.
"""

from typing import Any

# Raised when the fields or analysers change: an index of another version is rebuilt.
MAPPING_VERSION = 1
DEFAULT_ALIAS = "sohoa-documents"

ANALYSIS = {
    "filter": {
        "sohoa_pairs": {
            "type": "shingle",
            "min_shingle_size": 2,
            "max_shingle_size": 2,
            "output_unigrams": False,
        }
    },
    "analyzer": {
        "sohoa_exact": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase"]},
        "sohoa_folded": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": ["lowercase", "asciifolding"],
        },
        "sohoa_pairs": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": ["lowercase", "asciifolding", "sohoa_pairs"],
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
    "access_level": KEYWORD,
    "retention_status": KEYWORD,
    "needs_review": {"type": "boolean"},
    "words": _words("folded", "pairs"),
    "meta": _words("folded"),  # the words of the record's metadata
    "pages": {"type": "object", "enabled": False},  # [{number, text}]: kept, not indexed
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
                "analysis": ANALYSIS,
            },
            "mappings": {
                "dynamic": "strict",
                "_meta": {"mapping_version": MAPPING_VERSION},
                # the words are indexed, not kept: the page's text is
                "_source": {"excludes": ["words", "meta"]},
                "properties": PROPERTIES,
            },
        },
    }
