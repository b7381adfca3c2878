"""Embedded search: SQLite FTS5, one row per page, no server.

Each page is indexed twice: its words as written (canonical form, lower case) and folded
(no accents, đ→d). A query matches either, so `quyet dinh` finds `Quyết định`. Pages rank by
how many of the query's words they hold exactly, then folded, then by BM25, so `bán` ranks
pages with `bán` above pages with `bạn`, whatever the size of the index. The record's
metadata (type, number, agency, summary) is indexed beside every page.
"""

import sqlite3
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from archive_schema.errors import UserError
from archive_schema.models import Document
from archive_schema.vietnamese import fold
from indexing.base import Hit, SearchQuery, SearchResults
from indexing.highlight import snippet
from indexing.query import ParsedQuery, number_symbol_key, parse, words

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY, doc_type TEXT, year INTEGER, issuing_agency TEXT,
    number_symbol TEXT, number_key TEXT, subject TEXT, issue_date TEXT, access_level TEXT
);
CREATE INDEX IF NOT EXISTS documents_number_key ON documents (number_key);
CREATE VIRTUAL TABLE IF NOT EXISTS pages USING fts5 (
    document_id UNINDEXED, page UNINDEXED, body UNINDEXED,
    exact, folded, meta_exact, meta_folded,
    tokenize = "unicode61 remove_diacritics 0"
);
"""
# bm25 weight of each column of `pages`, in order: exact words count most; the metadata
# columns only decide whether a page matches, so a page matched by them alone ranks by number.
WEIGHTS = "0, 0, 0, 10.0, 1.0, 0, 0"
SEARCH = f"""
WITH matched AS (
    SELECT document_id, page, body, bm25(pages, {WEIGHTS}) AS score,
           coverage(exact, :exact_words) AS exact_hits,
           coverage(folded, :folded_words) AS folded_hits
    FROM pages WHERE pages MATCH :match
), best AS (
    SELECT *, row_number() OVER (
        PARTITION BY document_id ORDER BY exact_hits DESC, folded_hits DESC, score, page
    ) AS rank FROM matched
)
SELECT best.document_id, best.page, best.body, best.score,
       d.doc_type, d.number_symbol, d.issue_date, d.issuing_agency, d.subject,
       count(*) OVER () AS total
FROM best JOIN documents d ON d.id = best.document_id
WHERE best.rank = 1
  AND (:doc_type IS NULL OR d.doc_type = :doc_type)
  AND (:year IS NULL OR d.year = :year)
  AND (:agency IS NULL OR d.issuing_agency = :agency)
ORDER BY (d.number_key = :number_key) DESC, exact_hits DESC, folded_hits DESC, best.score,
         d.issue_date DESC
LIMIT :limit OFFSET :offset
"""


class SearchIndexError(UserError, RuntimeError):
    """The search index cannot be used; the message says what to do."""


class SqliteSearch:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        # Airflow's tasks index from several processes at once: wait for each other's writes.
        self.connection = sqlite3.connect(path, timeout=60)
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.create_function("coverage", 2, _coverage, deterministic=True)
        try:
            self.connection.executescript(SCHEMA)
        except sqlite3.OperationalError as error:
            raise SearchIndexError(f"{path}: {error} (this Python's SQLite lacks FTS5)") from error

    def index(self, documents: Iterable[Document]) -> None:
        with self.connection:
            for doc in documents:
                self._delete(doc.id)
                meta = " ".join(
                    value
                    for value in (doc.doc_type, doc.number_symbol, doc.issuing_agency, doc.subject)
                    if value
                )
                self.connection.execute(
                    "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        doc.id,
                        doc.doc_type,
                        doc.issue_date.year if doc.issue_date else None,
                        doc.issuing_agency,
                        doc.number_symbol,
                        number_symbol_key(doc.number_symbol) if doc.number_symbol else None,
                        doc.subject,
                        doc.issue_date.isoformat() if doc.issue_date else None,
                        doc.access_level,
                    ),
                )
                self.connection.executemany(
                    "INSERT INTO pages VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [
                        (
                            doc.id,
                            page.number,
                            page.text,
                            " ".join(words(page.text)),
                            fold(" ".join(words(page.text))),
                            " ".join(words(meta)),
                            fold(" ".join(words(meta))),
                        )
                        for page in doc.pages
                    ],
                )

    def document_ids(self) -> set[str]:
        return {row[0] for row in self.connection.execute("SELECT id FROM documents")}

    def delete(self, document_id: str) -> None:
        with self.connection:
            self._delete(document_id)

    def _delete(self, document_id: str) -> None:
        self.connection.execute("DELETE FROM pages WHERE document_id = ?", (document_id,))
        self.connection.execute("DELETE FROM documents WHERE id = ?", (document_id,))

    def search(self, query: SearchQuery) -> SearchResults:
        parsed = parse(query.text)
        if parsed.empty:
            return SearchResults(total=0)
        rows = self.connection.execute(
            SEARCH,
            {
                "match": _match_expression(parsed),
                "exact_words": " ".join(
                    sorted(set(parsed.terms) | {w for p in parsed.phrases for w in p})
                ),
                "folded_words": " ".join(sorted(parsed.folded_words)),
                "number_key": parsed.number_symbol,
                "doc_type": query.doc_type,
                "year": query.year,
                "agency": query.issuing_agency,
                "limit": query.limit,
                "offset": query.offset,
            },
        ).fetchall()
        folded = parsed.folded_words
        hits = [
            Hit(
                document_id=row[0],
                page=row[1],
                score=-row[3],
                snippet=snippet(row[2], folded),
                doc_type=row[4],
                number_symbol=row[5],
                issue_date=date.fromisoformat(row[6]) if row[6] else None,
                issuing_agency=row[7],
                subject=row[8],
            )
            for row in rows
        ]
        return SearchResults(total=rows[0][9] if rows else 0, hits=hits)

    def close(self) -> None:
        self.connection.close()


def _coverage(text: str, query_words: str) -> int:
    """How many of the query's words a page holds (both sides are space-separated words)."""
    return len(set(query_words.split()) & set(text.split()))


def _match_expression(query: ParsedQuery) -> str:
    """An FTS5 expression built from words only: every word or phrase must match, exactly
    or folded, in the page or in the record's metadata."""
    groups = [(word,) for word in query.terms] + list(query.phrases)
    clauses = []
    for group in groups:
        exact = " ".join(group)
        folded = " ".join(fold(word) for word in group)
        clauses.append(f'({{exact meta_exact}} : "{exact}" OR {{folded meta_folded}} : "{folded}")')
    return " AND ".join(clauses)
