"""What every search backend offers (SQLite FTS5 embedded, OpenSearch in production).

Every search carries the access levels its reader is cleared for, and the backend trims in
the query itself: a document above the reader is in no hit, count or facet.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Protocol

from archive_schema.errors import ServiceUnavailable, SohoaError, UserError
from archive_schema.models import Document

# The fields a search can be narrowed by, each counted in the results' facets.
FACETS = ("doc_type", "year", "issuing_agency", "retention_status", "needs_review", "signed")
YES_NO_FACETS = ("needs_review", "signed")  # counted by true and false
FACET_SIZE = 20  # values listed per facet, the most frequent first

FacetValue = str | int | bool


class SearchIndexError(SohoaError, RuntimeError):
    """The search index cannot be used; the message says what to do. One of the two below."""

    default_vi: str | None = (
        "Không tra cứu được lúc này; lỗi đã được ghi lại để quản trị viên xử lý."
    )


class SearchIndexRefused(SearchIndexError, UserError):
    """A setting to fix, an index of another version to rebuild, a document refused."""

    default_vi = SearchIndexError.default_vi


class SearchIndexUnavailable(SearchIndexError, ServiceUnavailable):
    """The search engine cannot be reached, or is too busy: retried."""

    default_vi: str | None = "Hệ thống tra cứu tạm thời không sẵn sàng; hãy thử lại sau ít phút."


class Sort(StrEnum):
    RELEVANCE = "relevance"
    DATE = "date"  # newest first


@dataclass(frozen=True)
class SearchQuery:
    text: str
    access_levels: frozenset[str] = frozenset()  # the reader's; none: nothing is found
    doc_type: str | None = None
    year: int | None = None
    issuing_agency: str | None = None
    retention_status: str | None = None  # classified, unclassified, review
    needs_review: bool | None = None  # a page of the document needs an archivist's review
    signed: bool | None = None  # an electronic original with a digital signature
    sort: Sort = Sort.RELEVANCE
    limit: int = 10
    offset: int = 0

    def filters(self) -> dict[str, FacetValue]:
        """The facet fields this search is narrowed by, with their values."""
        values = {name: getattr(self, name) for name in FACETS}
        return {name: value for name, value in values.items() if value is not None}


@dataclass(frozen=True)
class Snippet:
    """A passage of a page, with the spans (start, end) of the words that matched."""

    text: str
    marks: tuple[tuple[int, int], ...] = ()


# The fields of a hit that can say why it matched (indexing.highlight.matched_in), in the
# order they are named; "text" is the page it opens at.
MATCHED_FIELDS = ("number_symbol", "doc_type", "subject", "issuing_agency", "signer_name")


@dataclass(frozen=True)
class Hit:
    document_id: str
    page: int
    score: float
    snippet: Snippet
    doc_type: str | None
    number_symbol: str | None
    issue_date: date | None
    issuing_agency: str | None
    subject: str | None
    signer_name: str | None
    access_level: str
    matched: tuple[str, ...]  # where the query matched: MATCHED_FIELDS, then "text"


@dataclass(frozen=True)
class Facet:
    value: FacetValue
    count: int


@dataclass(frozen=True)
class SearchResults:
    """The documents found, best first (one hit each, on its best page), and per facet field
    how many would be found with that field's filter set to each value (the other filters
    kept), so that an empty result can say which filter to drop."""

    total: int
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, list[Facet]] = field(default_factory=dict)

    def found_without(self, name: str) -> int:
        """How many documents the search finds with the filter on `name` dropped (counted
        over its most frequent values)."""
        return sum(facet.count for facet in self.facets.get(name, []))


class SearchBackend(Protocol):
    def index(self, documents: Iterable[Document]) -> None:
        """Add or replace documents (same id, same entry: indexing twice changes nothing);
        searchable when this returns."""

    def rebuild(self, documents: Iterable[Document]) -> int:
        """Replace the whole index with `documents`, answering searches from the old one
        until the new one is complete; returns how many were indexed."""

    def document_ids(self) -> set[str]: ...

    def delete(self, document_id: str) -> None: ...

    def search(self, query: SearchQuery) -> SearchResults: ...

    def close(self) -> None: ...
