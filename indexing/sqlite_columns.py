"""The access level and facet fields of every document of a SQLite index, held in memory
as numpy codes, so that a search counts its total and facets from the keys it matched
alone, as Lucene counts from its doc values. GROUP BY over the matches cost more than
ranking them.

They are read once per generation of the index (a number every write transaction
changes) and shared by every thread of the process.
"""

import sqlite3
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

from indexing.base import FACET_SIZE, FACETS, YES_NO_FACETS, Facet, FacetValue

READ = f"SELECT key, access_level, {', '.join(FACETS)} FROM documents ORDER BY key"


@dataclass(frozen=True)
class Column:
    codes: np.ndarray  # for each document, the index of its value in `values`
    values: list[Any]  # None (NULL) among them

    def holding(self, wanted: Any) -> np.ndarray:
        """The code of a value, or none if no document has it."""
        return np.array([i for i, value in enumerate(self.values) if value == wanted])


@dataclass(frozen=True)
class Columns:
    keys: np.ndarray  # the documents' keys, in order
    level: Column
    facets: dict[str, Column]

    @classmethod
    def read(cls, connection: sqlite3.Connection) -> "Columns":
        rows = connection.execute(READ).fetchall()
        columns = [_coded([row[i] for row in rows]) for i in range(1, 2 + len(FACETS))]
        keys = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
        return cls(keys, columns[0], dict(zip(FACETS, columns[1:], strict=True)))

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


_held: dict[tuple[str, int], Columns] = {}
_reading = threading.Lock()


def columns_at(connection: sqlite3.Connection, path: str, generation: int) -> Columns:
    """The columns of the index at `path` in `generation`, read on `connection` (in a
    transaction that sees that generation) unless this process holds them already."""
    with _reading:
        held = _held.get((path, generation))
        if held is None:
            held = _held[path, generation] = Columns.read(connection)
            # the last two read: a search begun before a write still uses the one before
            for older in [key for key in _held if key[0] == path][:-2]:
                del _held[older]
        return held


def _coded(values: list[Any]) -> Column:
    codes: dict[Any, int] = {}
    coded = np.fromiter(
        (codes.setdefault(v, len(codes)) for v in values), dtype=np.int32, count=len(values)
    )
    return Column(coded, list(codes))
