"""What every search backend offers (SQLite FTS5 embedded, OpenSearch in production)."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from archive_schema.models import Document


@dataclass(frozen=True)
class SearchQuery:
    text: str
    doc_type: str | None = None
    year: int | None = None
    issuing_agency: str | None = None
    limit: int = 10
    offset: int = 0


@dataclass(frozen=True)
class Snippet:
    """A passage of a page, with the spans (start, end) of the words that matched."""

    text: str
    marks: tuple[tuple[int, int], ...] = ()


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


@dataclass(frozen=True)
class SearchResults:
    total: int
    hits: list[Hit] = field(default_factory=list)


class SearchBackend(Protocol):
    def index(self, documents: Iterable[Document]) -> None:
        """Add or replace documents (same id, same entry: indexing twice changes nothing)."""

    def document_ids(self) -> set[str]: ...

    def delete(self, document_id: str) -> None: ...

    def search(self, query: SearchQuery) -> SearchResults: ...

    def close(self) -> None: ...
