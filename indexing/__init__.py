"""indexing: search backends behind one Protocol, the query language, snippets."""

from pathlib import Path
from urllib.parse import unquote, urlparse

from indexing.base import SearchBackend
from indexing.sqlite_fts import SearchIndexError, SqliteSearch

__all__ = ["SearchBackend", "SearchIndexError", "SqliteSearch", "open_search"]


def open_search(url: str) -> SearchBackend:
    """The search backend named by SOHOA_SEARCH_URL."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        return SqliteSearch(Path(unquote(parsed.path)))
    raise SearchIndexError(
        f"SOHOA_SEARCH_URL {url!r}: only sqlite:/// search indexes are supported so far"
    )
