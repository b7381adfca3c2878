"""Embedded search: SQLite FTS5, no server.

One FTS5 row per record indexes its words folded (no accents, đ→d) and its metadata
likewise, and keeps its words as written (canonical form, lower case) unindexed. A query
matches the words folded, so `quyet dinh` finds `Quyết định`; documents rank by BM25 over
the two folded columns, weighed as indexing.query says, and the first of them again by
its tiers, where accents as typed count. The page texts are kept beside, read only for
the hits shown.

BM25 over every match takes most of a search's time, so it runs on two connections at
once, each over a part of the documents; the total and the facets are counted meanwhile
from the matching keys alone (indexing.sqlite_columns).
"""

import json
import math
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
    FACETS,
    MATCHED_FIELDS,
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
from indexing.sqlite_columns import Columns, columns_at, read_keys

SCHEMA_VERSION = 6
TABLES = ("words", "pages", "documents")  # the generation outlives a rebuild
SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    key INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, doc_type TEXT, year INTEGER,
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
CREATE TABLE IF NOT EXISTS generation (lineage INTEGER NOT NULL, value INTEGER NOT NULL);
INSERT INTO generation SELECT random(), 0 WHERE NOT EXISTS (SELECT 1 FROM generation);
"""
# `_` is a word character, as it is for the query side's \w+.
# The generation changes with every write, and the lineage with an index made anew at the
# same path: together they name the state indexing.sqlite_columns holds. A key is never
# used again in a lineage (AUTOINCREMENT, kept over a rebuild).
# BM25 weight of each column of `words`, in order: a match in the fields ten times one in
# the text (indexing.query's tiers, roughly, for the documents beyond the first hundred).
# The FTS5 rowid of a record is its `documents.key`.
WEIGHTS = "0.0, 1.0, 10.0"
MATCHED = """
FROM words JOIN documents d ON d.key = words.rowid
WHERE words MATCH :match AND d.access_level IN (SELECT value FROM json_each(:levels))
"""
RELEVANCE = "number_hit DESC, score, issue_date DESC, id"
ORDER = {Sort.RELEVANCE: RELEVANCE, Sort.DATE: f"issue_date IS NULL, issue_date DESC, {RELEVANCE}"}
RANKED = f"""
SELECT key, id, issue_date, bm25(words, {WEIGHTS}) AS score,
    coalesce(number_key = :number_key, 0) AS number_hit
{MATCHED} AND words.rowid BETWEEN :low AND :high AND {{where}} ORDER BY {{order}} LIMIT :limit
"""
LAST_KEY = 2**63 - 1
# The share of the documents ranked on the connection that also counts the matches (as
# long as ranking the rest, on 100,000 pages)
LOWER_SHARE = 0.35
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
        with self._writing():
            for doc in documents:
                self._insert(doc)

    def rebuild(self, documents: Iterable[Document]) -> int:
        """In one transaction: readers see the old index until it commits."""
        count = 0
        with self._writing():
            last = self._last_key() if self.current else 0
            for table in (*TABLES, "page_rows"):  # page_rows: of an earlier schema
                self.connection.execute(f"DROP TABLE IF EXISTS {table}")
            self._create()
            self.connection.execute("INSERT INTO sqlite_sequence VALUES ('documents', ?)", (last,))
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
        with self._writing():
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
        with self._transaction("BEGIN"):  # one snapshot: what is counted, ranked, shown
            held = columns_at(self.connection, (str(self.path), *self._generation()))
            split = held.key_at(LOWER_SHARE)
            upper = self._ranker.submit(
                self._ranked_part, self._ranking, query, parsed, matched, (split, LAST_KEY)
            )
            total, facets = self._counted(query, matched, held)
            lower = self._ranked_part(self.connection, query, parsed, matched, (0, split - 1))
            ranked = self._ranked(query, parsed, lower + upper.result())
            hits = [hit for row in ranked if (hit := self._hit(row, parsed))]
        return SearchResults(total=total, hits=hits, facets=facets)

    def close(self) -> None:
        if "_ranker" in self.__dict__:
            self._ranker.submit(self._ranking.close).result()
            self._ranker.shutdown()
        self.connection.close()

    @cached_property
    def _ranker(self) -> ThreadPoolExecutor:
        """The thread that ranks a part of the documents, on its own connection (`_ranking`)."""
        return ThreadPoolExecutor(1, thread_name_prefix="sqlite-ranking")

    @cached_property
    def _ranking(self) -> sqlite3.Connection:
        return _connect(self.path, check_same_thread=False)

    def _counted(
        self, query: SearchQuery, matched: dict[str, str], held: Columns
    ) -> tuple[int, dict[str, list[Facet]]]:
        """The total and the facets, from the keys of every match."""
        match = "SELECT rowid FROM words WHERE words MATCH ?"
        keys = read_keys(self.connection, match, (matched["match"],))
        return held.counted(keys, query.access_levels, query.filters())

    def _ranked_part(
        self,
        connection: sqlite3.Connection,
        query: SearchQuery,
        parsed: ParsedQuery,
        matched: dict[str, str],
        keys: tuple[int, int],
    ) -> list[sqlite3.Row]:
        """The first documents in order among those whose keys are within `keys`: as
        many as the page asked for ends at, and at least the RESCORED."""
        where, values = _where(query.filters())
        values |= matched | {"number_key": parsed.number_symbol, "low": keys[0], "high": keys[1]}
        limit = max(query.offset + query.limit, RESCORED)
        ranked = RANKED.format(where=where, order=ORDER[query.sort])
        return connection.execute(ranked, values | {"limit": limit}).fetchall()

    def _ranked(
        self, query: SearchQuery, parsed: ParsedQuery, rows: list[sqlite3.Row]
    ) -> list[sqlite3.Row]:
        """The page of results asked for, in order: the first RESCORED by the tiers."""
        rows.sort(key=ORDERED[query.sort])
        end = query.offset + query.limit
        if query.sort is not Sort.RELEVANCE or query.offset >= RESCORED:
            return rows[query.offset : end]
        window = rows[:RESCORED]
        tiers = self._tiers(parsed, [row["key"] for row in window])
        window.sort(key=lambda row: (-row["number_hit"], *tiers[row["key"]], row["score"]))
        return (window + rows[RESCORED:])[query.offset : end]

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
        # a document gone since it was ranked (on the other connection) comes last
        tiers: dict[int, tuple[int, ...]] = dict.fromkeys(keys, (0,) * 6)
        texts = self.connection.execute(
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

    def _hit(self, row: sqlite3.Row, parsed: ParsedQuery) -> Hit | None:
        """The hit shown for a ranked document, unless it is not in this connection's
        snapshot: ranked on the other connection, it may have been written since. (A row
        is never changed, and its key never used again: the ranking checked its level.)"""
        shown = self.connection.execute(
            "SELECT * FROM documents WHERE key = ?", (row["key"],)
        ).fetchone()
        if shown is None:
            return None
        pages = self.connection.execute(
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

    def _generation(self) -> tuple[int, int]:
        lineage, value = self.connection.execute("SELECT lineage, value FROM generation").fetchone()
        return lineage, value

    def _last_key(self) -> int:
        last = self.connection.execute("SELECT seq FROM sqlite_sequence WHERE name = 'documents'")
        return int((last.fetchone() or [0])[0])

    @contextmanager
    def _writing(self) -> Iterator[None]:
        with self._transaction():
            yield
            self.connection.execute("UPDATE generation SET value = value + 1")

    @contextmanager
    def _transaction(self, begin: str = "BEGIN IMMEDIATE") -> Iterator[None]:
        self.connection.execute(begin)
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
    """A WHERE clause for the filters over the MATCHED documents; the column names are
    the FACETS."""
    clauses = [f"{name} = :{name}" for name in filters if name in FACETS]
    return " AND ".join(clauses) or "1", {name: filters[name] for name in filters}


def _newest(issue_date: str | None) -> float:
    """An ISO date as a number that sorts the newest first, and no date last."""
    return -date.fromisoformat(issue_date).toordinal() if issue_date else math.inf


def _by_relevance(row: sqlite3.Row) -> tuple[Any, ...]:
    return (-row["number_hit"], row["score"], _newest(row["issue_date"]), row["id"])


def _by_date(row: sqlite3.Row) -> tuple[Any, ...]:
    return (row["issue_date"] is None, _newest(row["issue_date"]), *_by_relevance(row))


# ORDER, for the rows of both parts together
ORDERED = {Sort.RELEVANCE: _by_relevance, Sort.DATE: _by_date}


def _match_expression(query: ParsedQuery) -> str:
    """An FTS5 expression built from words only: every word or phrase must match, folded
    (or a misspelt word's neighbour), in the text or in the metadata."""
    clauses = []
    for group in query.groups:
        folded = " OR ".join(f'"{form}"' for form in query.forms(" ".join(map(fold, group))))
        clauses.append(f"{{folded meta_folded}} : ({folded})")
    return " AND ".join(clauses)
