"""The staff query language: words, "quoted phrases", and number/notation look-ups.

Whatever is typed, only words reach a search engine: operators, quotes and brackets of the
engine's own syntax are never passed through.
"""

import re
from dataclasses import dataclass

from archive_schema.vietnamese import fold, normalize

_PHRASE = re.compile(r'"([^"]*)"')
_WORD = re.compile(r"\w+")
_NUMBER_SYMBOL = re.compile(r"^\s*\d+[^\s/]*(/\S+)+\s*$")


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[str, ...]  # canonical lower-case words
    phrases: tuple[tuple[str, ...], ...]  # each a run of canonical words
    number_symbol: str | None  # the query as a number/notation key (`12/ct-ubnd`)

    @property
    def empty(self) -> bool:
        return not self.terms and not self.phrases and self.number_symbol is None

    @property
    def folded_words(self) -> set[str]:
        return {fold(w) for w in self.terms} | {fold(w) for p in self.phrases for w in p}


def words(text: str) -> list[str]:
    return _WORD.findall(normalize(text).lower())


def number_symbol_key(text: str) -> str:
    """A number/notation compared without case, accents or spaces: `12/CT- UBND` = `12/ct-ubnd`."""
    return re.sub(r"\s+", "", fold(text))


def parse(text: str) -> ParsedQuery:
    phrases = tuple(p for p in (tuple(words(m)) for m in _PHRASE.findall(text)) if p)
    rest = _PHRASE.sub(" ", text)
    number = number_symbol_key(text.strip('" ')) if _NUMBER_SYMBOL.match(text.strip('" ')) else None
    return ParsedQuery(tuple(words(rest)), phrases, number)
