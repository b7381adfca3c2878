"""indexing: search backends behind one Protocol, the query language, snippets."""

from pathlib import Path
from urllib.parse import unquote, urlparse

from indexing.base import SearchBackend, SearchIndexError, SearchIndexRefused

__all__ = ["SearchBackend", "SearchIndexError", "open_search"]


def open_search(url: str, ca_file: Path | None = None) -> SearchBackend:
    """The search backend named by SOHOA_SEARCH_URL: `sqlite:///path` (embedded, FTS5) or
    `http(s)://…` (OpenSearch; `ca_file` verifies its certificate)."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        from indexing.sqlite_fts import SqliteSearch

        return SqliteSearch(Path(unquote(parsed.path)))
    if parsed.scheme in ("http", "https") and parsed.hostname:
        from indexing.opensearch import OpenSearchSearch  # opensearch-py only when used

        return OpenSearchSearch(url, ca_file)
    raise SearchIndexRefused(
        f"SOHOA_SEARCH_URL {url!r}: use sqlite:///path/to/search.db or http(s)://host:9200"
    )
