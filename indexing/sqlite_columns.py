"""The access level and facet fields of every document of a SQLite index, held in memory
as numpy codes, so that a search counts its total and facets from the keys it matched
alone, as Lucene counts from its doc values. GROUP BY over the matches cost more than
ranking them.

They are shared by every thread of the process, each state of the index named by its
lineage and generation (indexing.sqlite_fts). A document's key is never used again in a
lineage, so the state after a write is the one before, less the keys gone, plus the
documents added: a write costs reading the keys, not every document.
"""

import json
import sqlite3
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

from indexing.base import FACET_SIZE, FACETS, YES_NO_FACETS, Facet, FacetValue

FIELDS = ("access_level", *FACETS)
READ = f"SELECT key, {', '.join(FIELDS)} FROM documents"


@dataclass(frozen=True)
class Column:
    codes: np.ndarray  # for each document, the index of its value in `values`
    values: list[Any]  # None (NULL) among them

    def holding(self, wanted: Any) -> np.ndarray:
        """The code of a value, or none if no document has it."""
        return np.array([i for i, value in enumerate(self.values) if value == wanted])

    def extended(self, kept: np.ndarray, added: list[Any], order: np.ndarray) -> "Column":
        """The values of the documents `kept` (a mask), then of those `added`, in `order`."""
        codes = {value: code for code, value in enumerate(self.values)}
        more = [codes.setdefault(value, len(codes)) for value in added]
        joined = np.concatenate([self.codes[kept], np.array(more, dtype=np.int32)])
        return Column(joined[order], list(codes))


@dataclass(frozen=True)
class Columns:
    keys: np.ndarray  # the documents' keys, in order
    level: Column
    facets: dict[str, Column]

    @classmethod
    def read(cls, connection: sqlite3.Connection, before: "Columns | None") -> "Columns":
        """The documents' columns as `connection` sees them: those of `before` (an earlier
        or later state of the same lineage) kept, the others read."""
        if before is None:
            before = cls(np.array([], dtype=np.int64), EMPTY, dict.fromkeys(FACETS, EMPTY))
        keys = read_keys(connection, "SELECT key FROM documents")
        kept = np.isin(before.keys, keys)
        added = _tuples(
            connection,
            f"{READ} WHERE key IN (SELECT value FROM json_each(?))",
            (json.dumps(np.setdiff1d(keys, before.keys).tolist()),),
        )
        joined = np.concatenate([before.keys[kept], [row[0] for row in added]]).astype(np.int64)
        order = np.argsort(joined)
        level, *facets = (
            column.extended(kept, [row[i] for row in added], order)
            for i, column in enumerate([before.level, *before.facets.values()], start=1)
        )
        return cls(joined[order], level, dict(zip(FACETS, facets, strict=True)))

    def key_at(self, share: float) -> int:
        """The key with `share` of the documents below it."""
        return int(self.keys[int(len(self.keys) * share)]) if len(self.keys) else 0

    def counted(
        self, keys: np.ndarray, levels: frozenset[str], filters: dict[str, FacetValue]
    ) -> tuple[int, dict[str, list[Facet]]]:
        """Of the documents `keys` (all in the index), how many the reader may see that
        pass the filters, and the facets: each field's values counted with the other
        filters kept."""
        at = np.searchsorted(self.keys, keys)
        passing = {
            name: np.isin(self.facets[name].codes[at], self.facets[name].holding(value))
            for name, value in filters.items()
        }
        seen = np.isin(self.level.codes[at], [c for v in levels for c in self.level.holding(v)])
        total = int(np.logical_and.reduce([seen, *passing.values()]).sum())
        facets = {}
        for name in FACETS:
            kept = np.logical_and.reduce([seen, *(v for k, v in passing.items() if k != name)])
            facets[name] = self._facet(name, self.facets[name].codes[at][kept])
        return total, facets

    def _facet(self, name: str, codes: np.ndarray) -> list[Facet]:
        """The FACET_SIZE most frequent values, the lowest first among equals."""
        column = self.facets[name]
        counts = np.bincount(codes, minlength=len(column.values))
        found = [(int(counts[c]), column.values[c]) for c in np.flatnonzero(counts)]
        found = sorted((-n, value) for n, value in found if value is not None)[:FACET_SIZE]
        as_value = bool if name in YES_NO_FACETS else lambda v: v
        return [Facet(as_value(value), -n) for n, value in found]


EMPTY = Column(np.array([], dtype=np.int32), [])
# (path, lineage, generation): the last two states read of each index; a search begun
# before a write still uses the one before
_held: dict[tuple[str, int, int], Columns] = {}
_reading = threading.Lock()


def columns_at(connection: sqlite3.Connection, state: tuple[str, int, int]) -> Columns:
    """The columns of the index in `state`, which `connection` sees (in a transaction),
    unless this process holds them already."""
    with _reading:
        held = _held.get(state)
        if held is None:
            same = [key for key in _held if key[:2] == state[:2]]
            before = _held[same[-1]] if same else None
            held = _held[state] = Columns.read(connection, before)
            for older in [key for key in _held if key[0] == state[0]][:-2]:
                del _held[older]
        return held


def read_keys(connection: sqlite3.Connection, sql: str, values: tuple[Any, ...] = ()) -> np.ndarray:
    """The keys a query of one column gives."""
    return np.array([key for (key,) in _tuples(connection, sql, values)], dtype=np.int64)


def _tuples(connection: sqlite3.Connection, sql: str, values: tuple[Any, ...] = ()) -> list[Any]:
    read = connection.cursor()
    read.row_factory = None  # tuples: a sqlite3.Row costs twice as much
    return read.execute(sql, values).fetchall()
