"""Words typed with a slip or read with an OCR error (`quyt` for `quyết`).

A word of the query that the index holds in no document, or in a hundred times fewer than
a word one edit away from it, also matches the words one edit away (edit distance 1 on the
folded words: a letter dropped, added, changed, or two swapped). The second rule keeps a
damaged word that the OCR of some page happens to hold from hiding the word meant. Words
in quotes, numbers and words under three letters are matched as typed. A document that
needs such a neighbour ranks below every document that holds the words as typed or folded
(indexing.query). Both backends count the records of the whole index that hold a word in
their text or their fields, accents folded.
"""

from collections.abc import Callable, Mapping
from dataclasses import replace
from string import ascii_lowercase

from archive_schema.vietnamese import fold
from indexing.query import ParsedQuery

MIN_LENGTH = 3
RARER = 100  # a word this many times rarer than its neighbour counts as misspelt
NEAREST = 10  # the most frequent neighbours kept for a word

# folded words → each one's frequency, and those of the words found one edit away from it
Frequencies = dict[str, tuple[int, dict[str, int]]]
Nearby = Callable[[list[str]], Frequencies]


def correctable(parsed: ParsedQuery) -> list[str]:
    """The folded words of `parsed` that may be misspelt."""
    return sorted({w for w in (fold(term) for term in parsed.terms) if _correctable(w)})


def corrected(parsed: ParsedQuery, nearby: Nearby) -> ParsedQuery:
    """`parsed` with the neighbours its misspelt words also match."""
    asked = correctable(parsed)
    if not asked:
        return parsed
    found = nearby(asked)
    near = tuple((word, close) for word in asked if (close := neighbours(*found[word])))
    return replace(parsed, near=near)


def suspect(frequency: int, documents: int) -> bool:
    """Whether a word that `frequency` of the index's `documents` hold is rare enough to be
    misspelt: no word one edit away can be a hundred times as frequent otherwise."""
    return frequency * RARER <= documents


def variants(word: str) -> set[str]:
    """Every folded word one edit away from `word` (folded words are a-z)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return (
        {a + b[1:] for a, b in splits if b}
        | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
        | {a + c + b[1:] for a, b in splits if b for c in ascii_lowercase}
        | {a + c + b for a, b in splits for c in ascii_lowercase}
    ) - {word}


def neighbours(frequency: int, near: Mapping[str, int]) -> tuple[str, ...]:
    """The neighbours a word of `frequency` documents is matched by, of those found `near`
    it with theirs: none when the word is common enough to be meant."""
    found = sorted((n for n, f in near.items() if f > 0), key=lambda n: (-near[n], n))
    if frequency and (not found or frequency * RARER > near[found[0]]):
        return ()
    return tuple(found[:NEAREST])


def _correctable(word: str) -> bool:
    return len(word) >= MIN_LENGTH and word.isalpha() and word.isascii()
