"""Embedded search: SQLite FTS5, no server.

One FTS5 row per record indexes its words folded (no accents, đ→d) and its metadata
likewise, and keeps its words as written (canonical form, lower case) unindexed. A query
matches the words folded, so `quyet dinh` finds `Quyết định`; documents rank by BM25 over
the two folded columns, weighed as indexing.query says, and the first of them again by
its tiers, where accents as typed count. The page texts are kept beside, read only for
the hits shown.

A search runs on two connections at once, since BM25 over every match and the counts
each take most of its time: one ranks the page of hits asked for; the other gathers,
into a temporary table, every document the reader may see that matches, and counts the
total and each facet from it.
"""

import json
import sqlite3
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

from archive_schema.models import Document
from archive_schema.vietnamese import fold
from indexing.base import (
    FACET_SIZE,
    FACETS,
    MATCHED_FIELDS,
    YES_NO_FACETS,
    Facet,
    FacetValue,
    Hit,
    SearchIndexRefused,
    SearchQuery,
    SearchResults,
    Sort,
)
from indexing.entry import entry
from indexing.fuzzy import RARER, Frequencies, corrected, suspect, variants
from indexing.highlight import matched_in, shown_page
from indexing.query import ParsedQuery, parse

SCHEMA_VERSION = 5
TABLES = ("words", "pages", "documents")
SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    key INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, doc_type TEXT, year INTEGER,
    issuing_agency TEXT, number_symbol TEXT, number_key TEXT, subject TEXT, signer_name TEXT,
    issue_date TEXT, access_level TEXT NOT NULL, retention_status TEXT NOT NULL,
    needs_review INTEGER NOT NULL, signed INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_number_key ON documents (number_key);
CREATE TABLE IF NOT EXISTS pages (
    document_key INTEGER NOT NULL, number INTEGER NOT NULL, text TEXT NOT NULL,
    PRIMARY KEY (document_key, number)
) WITHOUT ROWID;
CREATE VIRTUAL TABLE IF NOT EXISTS words USING fts5 (
    exact UNINDEXED, folded, meta_folded,
    tokenize = "unicode61 remove_diacritics 0 tokenchars '_'"
);
"""
# `_` is a word character, as it is for the query side's \w+.
# BM25 weight of each column of `words`, in order: a match in the fields ten times one in
# the text (indexing.query's tiers, roughly, for the documents beyond the first hundred).
# The FTS5 rowid of a record is its `documents.key`.
WEIGHTS = "0.0, 1.0, 10.0"
MATCHED = """
FROM words JOIN documents d ON d.key = words.rowid
WHERE words MATCH :match AND d.access_level IN (SELECT value FROM json_each(:levels))
"""
FOUND = f"CREATE TEMP TABLE found AS SELECT {', '.join(FACETS)} {MATCHED}"
RELEVANCE = "number_hit DESC, score, issue_date DESC, id"
ORDER = {Sort.RELEVANCE: RELEVANCE, Sort.DATE: f"issue_date IS NULL, issue_date DESC, {RELEVANCE}"}
RANKED = f"""
SELECT key, bm25(words, {WEIGHTS}) AS score, coalesce(number_key = :number_key, 0) AS number_hit
{MATCHED} AND {{where}} ORDER BY {{order}} LIMIT :limit OFFSET :offset
"""
# The best documents by BM25 are ranked again by the tiers of indexing.query, as
# OpenSearch ranks all of them; beyond those, BM25's order stands.
RESCORED = 100


class SqliteSearch:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.connection = _connect(path)
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("PRAGMA temp_store = MEMORY")  # the found documents
        try:
            with self._transaction():
                version = self.connection.execute("PRAGMA user_version").fetchone()[0]
                if not self._has_tables():
                    self._create()
                    version = SCHEMA_VERSION
        except sqlite3.OperationalError as error:
            raise SearchIndexRefused(
                f"{path}: {error} (this Python's SQLite lacks FTS5)"
            ) from error
        self.current = version == SCHEMA_VERSION  # else made by an older sohoa
        # each term's records: the frequencies of indexing.fuzzy
        self.connection.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocabulary USING fts5vocab(main, words, row)"
        )

    def index(self, documents: Iterable[Document]) -> None:
        self._check_schema()
        with self._transaction():
            for doc in documents:
                self._insert(doc)

    def rebuild(self, documents: Iterable[Document]) -> int:
        """In one transaction: readers see the old index until it commits."""
        count = 0
        with self._transaction():
            for table in (*TABLES, "page_rows"):  # page_rows: of an earlier schema
                self.connection.execute(f"DROP TABLE IF EXISTS {table}")
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
        parsed = corrected(parsed, self._nearby)
        matched = {
            "match": _match_expression(parsed),
            "levels": json.dumps(sorted(query.access_levels)),
        }
        hits = self._ranker.submit(self._hits, query, parsed, matched)
        filters = query.filters()
        self.connection.execute("DROP TABLE IF EXISTS temp.found")
        self.connection.execute(FOUND, matched)
        try:
            where, values = _where(filters)
            total = self.connection.execute(f"SELECT count(*) FROM found WHERE {where}", values)
            counted = total.fetchone()[0]
            facets = {name: self._facet(name, filters) for name in FACETS}
        finally:
            self.connection.execute("DROP TABLE temp.found")
        return SearchResults(total=counted, hits=hits.result(), facets=facets)

    def close(self) -> None:
        if "_ranker" in self.__dict__:
            self._ranker.submit(self._ranking.close).result()
            self._ranker.shutdown()
        self.connection.close()

    @cached_property
    def _ranker(self) -> ThreadPoolExecutor:
        """The thread that ranks, on its own connection (`_ranking`)."""
        return ThreadPoolExecutor(1, thread_name_prefix="sqlite-ranking")

    @cached_property
    def _ranking(self) -> sqlite3.Connection:
        return _connect(self.path, check_same_thread=False)

    def _hits(self, query: SearchQuery, parsed: ParsedQuery, matched: dict[str, str]) -> list[Hit]:
        """The page of hits asked for, read in one transaction on `_ranking`."""
        self._ranking.execute("BEGIN")
        try:
            return [self._hit(row, parsed) for row in self._ranked(query, parsed, matched)]
        finally:
            self._ranking.execute("COMMIT")

    def _ranked(
        self, query: SearchQuery, parsed: ParsedQuery, matched: dict[str, str]
    ) -> list[sqlite3.Row]:
        """The page of results asked for, in order: the first RESCORED by the tiers."""
        where, values = _where(query.filters())
        ranked = RANKED.format(where=where, order=ORDER[query.sort])
        values |= matched | {"number_key": parsed.number_symbol}

        def rows(limit: int, offset: int) -> list[sqlite3.Row]:
            found = self._ranking.execute(ranked, values | {"limit": limit, "offset": offset})
            return found.fetchall()

        end = query.offset + query.limit
        if query.sort is not Sort.RELEVANCE or query.offset >= RESCORED:
            return rows(query.limit, query.offset)
        window = rows(RESCORED, 0)
        tiers = self._tiers(parsed, [row["key"] for row in window])
        window.sort(key=lambda row: (-row["number_hit"], *tiers[row["key"]], row["score"]))
        beyond = rows(end - RESCORED, RESCORED) if end > RESCORED else []
        return (window + beyond)[query.offset : end]

    def _nearby(self, asked: list[str]) -> Frequencies:
        """indexing.fuzzy's frequencies. A word's records are counted only up to the count
        that makes it too common to be misspelt: FTS5 counts by walking the word's
        postings, 5 ms for a word in most records. Only then are the words one edit away
        looked up, in the index's vocabulary (a folded word is in the folded columns)."""
        documents = self.connection.execute("SELECT count(*) FROM documents").fetchone()[0]
        common = documents // RARER + 1
        held = {word: self._holding(word, common) for word in asked}
        near = {word: variants(word) for word in asked if suspect(held[word], documents)}
        found = {}
        if near:  # most searches: every word common enough
            found = dict(
                self.connection.execute(
                    "SELECT term, doc FROM temp.vocabulary WHERE term IN"
                    " (SELECT value FROM json_each(?))",
                    (json.dumps(sorted(set().union(*near.values()))),),
                ).fetchall()
            )
        return {
            word: (held[word], {n: found[n] for n in near.get(word, ()) if n in found})
            for word in asked
        }

    def _holding(self, word: str, most: int) -> int:
        """How many documents hold the folded `word` in their text or fields, up to `most`."""
        counted = self.connection.execute(
            "SELECT count(*) FROM (SELECT 1 FROM words WHERE words MATCH ? LIMIT ?)",
            (f'{{folded meta_folded}} : "{word}"', most),
        )
        return int(counted.fetchone()[0])

    def _tiers(self, parsed: ParsedQuery, keys: list[int]) -> dict[int, tuple[int, ...]]:
        """For each document, minus its counts in the tiers 2-8 of indexing.query."""
        exact_words, whole = parsed.exact_words, parsed.whole
        folded_words = [parsed.forms(word) for word in parsed.folded_words]
        misspelt = [word for word, _ in parsed.near]
        tiers: dict[int, tuple[int, ...]] = {}
        texts = self._ranking.execute(
            "SELECT rowid, exact, folded, meta_folded FROM words"
            " WHERE rowid IN (SELECT value FROM json_each(?))",
            (json.dumps(keys),),
        )
        for key, *columns in texts:
            exact, folded, meta_folded = (f" {column} " for column in columns)
            tiers[key] = (
                -sum(f" {word} " in folded or f" {word} " in meta_folded for word in misspelt),
                -int(whole is not None and f" {whole} " in meta_folded),
                -all(any(f" {f} " in meta_folded for f in forms) for forms in folded_words),
                -sum(f" {word} " in exact for word in exact_words),
                -sum(any(f" {f} " in folded for f in forms) for forms in folded_words),
                -sum(any(f" {p} " in folded for p in forms) for forms in parsed.pairs),
            )
        return tiers

    def _hit(self, row: sqlite3.Row, parsed: ParsedQuery) -> Hit:
        shown = self._ranking.execute(
            "SELECT * FROM documents WHERE key = ?", (row["key"],)
        ).fetchone()
        pages = self._ranking.execute(
            "SELECT number, text FROM pages WHERE document_key = ? ORDER BY number", (row["key"],)
        )
        page, passage = shown_page([(number, text) for number, text in pages], parsed)
        fields = {name: shown[name] for name in MATCHED_FIELDS}
        return Hit(
            document_id=shown["id"],
            page=page,
            score=-row["score"],
            snippet=passage,
            doc_type=shown["doc_type"],
            number_symbol=shown["number_symbol"],
            issue_date=date.fromisoformat(shown["issue_date"]) if shown["issue_date"] else None,
            issuing_agency=shown["issuing_agency"],
            subject=shown["subject"],
            signer_name=shown["signer_name"],
            access_level=shown["access_level"],
            matched=matched_in(parsed, fields, passage),
        )

    def _facet(self, name: str, filters: dict[str, FacetValue]) -> list[Facet]:
        """How many documents each value of `name` has, the other filters applied."""
        where, values = _where({k: v for k, v in filters.items() if k != name})
        rows = self.connection.execute(
            f"SELECT {name}, count(*) FROM found WHERE {name} IS NOT NULL AND {where}"
            f" GROUP BY {name} ORDER BY count(*) DESC, {name} LIMIT {FACET_SIZE}",
            values,
        )
        as_value = bool if name in YES_NO_FACETS else lambda v: v
        return [Facet(as_value(value), count) for value, count in rows]

    def _insert(self, doc: Document) -> None:
        self._delete(doc.id)
        e = entry(doc)
        added = self.connection.execute(
            "INSERT INTO documents (id, doc_type, year, issuing_agency, number_symbol,"
            " number_key, subject, signer_name, issue_date, access_level, retention_status,"
            " needs_review, signed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                e.id,
                e.doc_type,
                e.year,
                e.issuing_agency,
                e.number_symbol,
                e.number_key,
                e.subject,
                e.signer_name,
                e.issue_date.isoformat() if e.issue_date else None,
                e.access_level,
                e.retention_status,
                e.needs_review,
                e.signed,
            ),
        )
        key = added.lastrowid
        self.connection.execute(
            "INSERT INTO words (rowid, exact, folded, meta_folded) VALUES (?, ?, ?, ?)",
            (key, e.words, fold(e.words), fold(e.meta_words)),
        )
        self.connection.executemany(
            "INSERT INTO pages VALUES (?, ?, ?)", [(key, n, text) for n, text in e.pages]
        )

    def _delete(self, document_id: str) -> None:
        found = self.connection.execute("SELECT key FROM documents WHERE id = ?", (document_id,))
        for (key,) in found.fetchall():
            for table, column in (("words", "rowid"), ("pages", "document_key")):
                self.connection.execute(f"DELETE FROM {table} WHERE {column} = ?", (key,))
            self.connection.execute("DELETE FROM documents WHERE key = ?", (key,))

    def _create(self) -> None:
        for statement in SCHEMA.split(";"):
            if statement.strip():
                self.connection.execute(statement)
        self.connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _has_tables(self) -> bool:
        found = self.connection.execute(
            "SELECT count(*) FROM sqlite_master WHERE name IN ('documents', 'pages', 'words')"
        )
        return bool(found.fetchone()[0])

    def _check_schema(self) -> None:
        if not self.current:
            raise SearchIndexRefused(
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


def _connect(path: Path, check_same_thread: bool = True) -> sqlite3.Connection:
    # Airflow's tasks index from several processes at once: wait for each other's writes.
    # Transactions are begun explicitly (isolation_level None), so that a rebuild is one.
    connection = sqlite3.connect(
        path, timeout=60, isolation_level=None, check_same_thread=check_same_thread
    )
    connection.row_factory = sqlite3.Row
    connection.execute("PRAGMA cache_size = -65536")  # 64 MiB: bulk indexing, BM25
    return connection


def _where(filters: dict[str, FacetValue]) -> tuple[str, dict[str, Any]]:
    """A WHERE clause for the filters, over `found` or the MATCHED documents; the column
    names are the FACETS."""
    clauses = [f"{name} = :{name}" for name in filters if name in FACETS]
    return " AND ".join(clauses) or "1", {name: filters[name] for name in filters}


def _match_expression(query: ParsedQuery) -> str:
    """An FTS5 expression built from words only: every word or phrase must match, folded
    (or a misspelt word's neighbour), in the text or in the metadata."""
    clauses = []
    for group in query.groups:
        folded = " OR ".join(f'"{form}"' for form in query.forms(" ".join(map(fold, group))))
        clauses.append(f"{{folded meta_folded}} : ({folded})")
    return " AND ".join(clauses)
