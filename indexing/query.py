"""The staff query language: words, "quoted phrases", and number/notation look-ups.

Whatever is typed, only words reach a search engine: operators, quotes and brackets of the
engine's own syntax are never passed through.

A document matches when each word or phrase of the query is in its text (any page) or
in its fields (type, number, issuing agency, subject, signer), with accents as typed or
without, or, for a word the index barely holds, one edit away (indexing.fuzzy). Staff look
a record up by what it is about, so a record whose fields hold the query ranks above one
that only mentions it in its body. Documents rank by, in order:
1. the query is the document's number and notation (`12/CT-UBND`);
2. how many of the misspelt words it holds as typed rather than one edit away;
3. its fields hold the whole query as a phrase (accents folded);
4. its fields hold every word of the query (accents folded, or a misspelt word's
   neighbour); a few words of the query in a field do not count here, or an agency's name
   would outrank the body that holds the whole query;
5. how many of the query's words its text holds with the accents as typed
   (`bán` above `bạn`);
6. how many its text holds once accents are folded away (or as a neighbour);
7. how many adjacent pairs of the query's words stand together in its text, so that the
   syllables of a word (`công nghệ thông tin`) count more together than scattered;
8. BM25, whose length normalisation keeps a long record from winning by its size; then
   the newest document first.
OpenSearch ranks every document by these tiers; SQLite FTS5 ranks by BM25 over the folded
words with matches in the fields weighing ten times those in the text, then ranks its first
hundred again by the tiers, which keeps it fast. A hit opens at its
page with the most matches (indexing.highlight).
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from archive_schema.vietnamese import fold, normalize

_PHRASE = re.compile(r'"([^"]*)"')
_WORD = re.compile(r"\w+")
_NUMBER_SYMBOL = re.compile(r"^\s*\d+[^\s/]*(/\S+)+\s*$")


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[str, ...]  # canonical lower-case words
    phrases: tuple[tuple[str, ...], ...]  # each a run of canonical words
    number_symbol: str | None  # the query as a number/notation key (`12/ct-ubnd`)
    sequence: tuple[str, ...]  # every word of the query, in order
    # each misspelt folded word with the words one edit away it also matches (indexing.fuzzy)
    near: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def whole(self) -> str | None:
        """The query as one phrase, folded, when it has two words or more."""
        return fold(" ".join(self.sequence)) if len(self.sequence) > 1 else None

    @property
    def empty(self) -> bool:
        return not self.terms and not self.phrases and self.number_symbol is None

    @property
    def groups(self) -> tuple[tuple[str, ...], ...]:
        """What must each match: every word, and every phrase as a whole."""
        return tuple((word,) for word in self.terms) + self.phrases

    @property
    def exact_words(self) -> frozenset[str]:
        return frozenset(self.terms) | {w for p in self.phrases for w in p}

    @property
    def folded_words(self) -> frozenset[str]:
        return frozenset(fold(w) for w in self.exact_words)

    def forms(self, folded_word: str) -> tuple[str, ...]:
        """The folded words that count as `folded_word` in a document: itself, and its
        neighbours when it is misspelt."""
        return (folded_word, *dict(self.near).get(folded_word, ()))

    @property
    def folded_forms(self) -> frozenset[str]:
        """The folded words that count as the query's words in a document."""
        return frozenset(form for word in self.folded_words for form in self.forms(word))

    @property
    def pairs(self) -> tuple[frozenset[str], ...]:
        """Each adjacent pair of the query's words (`công nghệ`, `nghệ thông`) as the folded
        two-word phrases that count for it (`cong nghe`, and a misspelt word's neighbours)."""
        runs = (self.terms, *self.phrases)
        return tuple(
            frozenset(f"{x} {y}" for x in self.forms(fold(a)) for y in self.forms(fold(b)))
            for run in runs
            for a, b in pairwise(run)
        )


def words(text: str) -> list[str]:
    """The canonical lower-case words of `text` (each distinct word normalised once)."""
    return [_canonical(word) for word in _WORD.findall(unicodedata.normalize("NFC", text))]


@lru_cache(maxsize=1 << 17)
def _canonical(word: str) -> str:
    return normalize(word).lower()


def number_symbol_key(text: str) -> str:
    """A number/notation compared without case, accents or spaces: `12/CT- UBND` = `12/ct-ubnd`."""
    return re.sub(r"\s+", "", fold(text))


def parse(text: str) -> ParsedQuery:
    phrases = tuple(p for p in (tuple(words(m)) for m in _PHRASE.findall(text)) if p)
    rest = _PHRASE.sub(" ", text)
    number = number_symbol_key(text.strip('" ')) if _NUMBER_SYMBOL.match(text.strip('" ')) else None
    return ParsedQuery(tuple(words(rest)), phrases, number, tuple(words(text)))
