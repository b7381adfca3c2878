"""Embedded search: SQLite FTS5, one row per page, no server.

Each page is indexed twice: its words as written (canonical form, lower case) and folded
(no accents, đ→d); so is the record's metadata beside every page. A query matches either,
so `quyet dinh` finds `Quyết định`, and documents rank as indexing.query describes.

A search first gathers, into a temporary table, the best page of every document the
reader may see; the hits, the total and each facet are then counted from that table.
"""

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from archive_schema.models import Document
from archive_schema.vietnamese import fold
from indexing.base import (
    FACET_SIZE,
    FACETS,
    Facet,
    FacetValue,
    Hit,
    SearchIndexError,
    SearchQuery,
    SearchResults,
    Sort,
)
from indexing.entry import entry
from indexing.highlight import snippet
from indexing.query import ParsedQuery, parse

SCHEMA_VERSION = 2
SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY, doc_type TEXT, year INTEGER, issuing_agency TEXT,
    number_symbol TEXT, number_key TEXT, subject TEXT, issue_date TEXT,
    access_level TEXT NOT NULL, retention_status TEXT NOT NULL, needs_review INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_number_key ON documents (number_key);
CREATE VIRTUAL TABLE IF NOT EXISTS pages USING fts5 (
    document_id UNINDEXED, page UNINDEXED, body UNINDEXED,
    exact, folded, meta_exact, meta_folded,
    tokenize = "unicode61 remove_diacritics 0"
);
"""
# bm25 weight of each column of `pages`, in order: exact words count most; the metadata
# columns only decide whether a page matches.
WEIGHTS = "0, 0, 0, 10.0, 1.0, 0, 0"
FOUND = f"""
CREATE TEMP TABLE found AS
WITH matched AS (
    SELECT rowid AS page_row, document_id, page, bm25(pages, {WEIGHTS}) AS score,
           coverage(exact, :exact_words) AS exact_hits,
           coverage(folded, :folded_words) AS folded_hits,
           coverage(folded, :pairs) AS pair_hits
    FROM pages WHERE pages MATCH :match
), best AS (
    SELECT *, row_number() OVER (
        PARTITION BY document_id
        ORDER BY exact_hits DESC, folded_hits DESC, pair_hits DESC, score, page
    ) AS rank FROM matched
)
SELECT best.page_row, best.page, best.score, best.exact_hits, best.folded_hits,
       best.pair_hits, coalesce(d.number_key = :number_key, 0) AS number_hit, d.*
FROM best JOIN documents d ON d.id = best.document_id
WHERE best.rank = 1 AND d.access_level IN (SELECT value FROM json_each(:levels))
"""
RELEVANCE = (
    "number_hit DESC, exact_hits DESC, folded_hits DESC, pair_hits DESC, score, issue_date DESC, id"
)
ORDER = {Sort.RELEVANCE: RELEVANCE, Sort.DATE: f"issue_date IS NULL, issue_date DESC, {RELEVANCE}"}
HITS = """
SELECT found.*, pages.body FROM found JOIN pages ON pages.rowid = found.page_row
WHERE {where} ORDER BY {order} LIMIT :limit OFFSET :offset
"""


class SqliteSearch:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        # Airflow's tasks index from several processes at once: wait for each other's writes.
        # Transactions are begun explicitly (isolation_level None), so that a rebuild is one.
        self.connection = sqlite3.connect(path, timeout=60, isolation_level=None)
        self.connection.row_factory = sqlite3.Row
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.create_function("coverage", 2, _coverage, deterministic=True)
        try:
            with self._transaction():
                version = self.connection.execute("PRAGMA user_version").fetchone()[0]
                if not self._has_tables():
                    self._create()
                    version = SCHEMA_VERSION
        except sqlite3.OperationalError as error:
            raise SearchIndexError(f"{path}: {error} (this Python's SQLite lacks FTS5)") from error
        self.current = version == SCHEMA_VERSION  # else made by an older sohoa

    def index(self, documents: Iterable[Document]) -> None:
        self._check_schema()
        with self._transaction():
            for doc in documents:
                self._insert(doc)

    def rebuild(self, documents: Iterable[Document]) -> int:
        """In one transaction: readers see the old index until it commits."""
        count = 0
        with self._transaction():
            self.connection.execute("DROP TABLE IF EXISTS pages")
            self.connection.execute("DROP TABLE IF EXISTS documents")
            self._create()
            for doc in documents:
                self._insert(doc)
                count += 1
        self.current = True
        return count

    def document_ids(self) -> set[str]:
        self._check_schema()
        return {row[0] for row in self.connection.execute("SELECT id FROM documents")}

    def delete(self, document_id: str) -> None:
        self._check_schema()
        with self._transaction():
            self._delete(document_id)

    def search(self, query: SearchQuery) -> SearchResults:
        self._check_schema()
        parsed = parse(query.text)
        if parsed.empty or not query.access_levels:
            return SearchResults(total=0)
        self.connection.execute("DROP TABLE IF EXISTS temp.found")
        self.connection.execute(FOUND, _found_parameters(parsed, query))
        try:
            return self._results(query, parsed)
        finally:
            self.connection.execute("DROP TABLE temp.found")

    def close(self) -> None:
        self.connection.close()

    def _results(self, query: SearchQuery, parsed: ParsedQuery) -> SearchResults:
        filters = query.filters()
        where, values = _where(filters)
        rows = self.connection.execute(
            HITS.format(where=where, order=ORDER[query.sort]),
            values | {"limit": query.limit, "offset": query.offset},
        ).fetchall()
        total = self.connection.execute(f"SELECT count(*) FROM found WHERE {where}", values)
        return SearchResults(
            total=total.fetchone()[0],
            hits=[_hit(row, parsed) for row in rows],
            facets={name: self._facet(name, filters) for name in FACETS},
        )

    def _facet(self, name: str, filters: dict[str, FacetValue]) -> list[Facet]:
        """How many documents each value of `name` has, the other filters applied."""
        where, values = _where({k: v for k, v in filters.items() if k != name})
        rows = self.connection.execute(
            f"SELECT {name}, count(*) FROM found WHERE {name} IS NOT NULL AND {where}"
            f" GROUP BY {name} ORDER BY count(*) DESC, {name} LIMIT {FACET_SIZE}",
            values,
        )
        as_value = bool if name == "needs_review" else lambda v: v
        return [Facet(as_value(value), count) for value, count in rows]

    def _insert(self, doc: Document) -> None:
        self._delete(doc.id)
        e = entry(doc)
        self.connection.execute(
            "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                e.id,
                e.doc_type,
                e.year,
                e.issuing_agency,
                e.number_symbol,
                e.number_key,
                e.subject,
                e.issue_date.isoformat() if e.issue_date else None,
                e.access_level,
                e.retention_status,
                e.needs_review,
            ),
        )
        meta_folded = fold(e.meta_words)
        self.connection.executemany(
            "INSERT INTO pages VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (e.id, p.number, p.text, p.words, fold(p.words), e.meta_words, meta_folded)
                for p in e.pages
            ],
        )

    def _delete(self, document_id: str) -> None:
        self.connection.execute("DELETE FROM pages WHERE document_id = ?", (document_id,))
        self.connection.execute("DELETE FROM documents WHERE id = ?", (document_id,))

    def _create(self) -> None:
        for statement in SCHEMA.split(";"):
            if statement.strip():
                self.connection.execute(statement)
        self.connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _has_tables(self) -> bool:
        found = self.connection.execute(
            "SELECT count(*) FROM sqlite_master WHERE name IN ('documents', 'pages')"
        )
        return bool(found.fetchone()[0])

    def _check_schema(self) -> None:
        if not self.current:
            raise SearchIndexError(
                f"the search index {self.path} was made by an older sohoa: rebuild it from"
                " the archive with `sohoa reindex`"
            )

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")


def _found_parameters(parsed: ParsedQuery, query: SearchQuery) -> dict[str, Any]:
    return {
        "match": _match_expression(parsed),
        "exact_words": "|".join(sorted(parsed.exact_words)),
        "folded_words": "|".join(sorted(parsed.folded_words)),
        "pairs": "|".join(sorted(fold(pair) for pair in parsed.pairs)),
        "number_key": parsed.number_symbol,
        "levels": json.dumps(sorted(query.access_levels)),
    }


def _where(filters: dict[str, FacetValue]) -> tuple[str, dict[str, FacetValue]]:
    """A WHERE clause over `found` for the filters; the column names are the FACETS."""
    clauses = [f"{name} = :{name}" for name in filters if name in FACETS]
    return " AND ".join(clauses) or "1", {name: filters[name] for name in filters}


def _hit(row: sqlite3.Row, parsed: ParsedQuery) -> Hit:
    return Hit(
        document_id=row["id"],
        page=row["page"],
        score=-row["score"],
        snippet=snippet(row["body"], parsed.folded_words),
        doc_type=row["doc_type"],
        number_symbol=row["number_symbol"],
        issue_date=date.fromisoformat(row["issue_date"]) if row["issue_date"] else None,
        issuing_agency=row["issuing_agency"],
        subject=row["subject"],
        access_level=row["access_level"],
    )


def _coverage(text: str, wanted: str) -> int:
    """How many of the wanted words or pairs of words (`|`-separated) stand in the page's
    space-separated words: a substring test of the padded text, fast in C."""
    if not wanted:
        return 0
    padded = f" {text} "
    return sum(f" {item} " in padded for item in wanted.split("|"))


def _match_expression(query: ParsedQuery) -> str:
    """An FTS5 expression built from words only: every word or phrase must match, exactly
    or folded, in the page or in the record's metadata."""
    clauses = []
    for group in query.groups:
        exact = " ".join(group)
        folded = " ".join(fold(word) for word in group)
        clauses.append(f'({{exact meta_exact}} : "{exact}" OR {{folded meta_folded}} : "{folded}")')
    return " AND ".join(clauses)
