"""What a hit shows: the page it opens at, and the passage of that page around the words
the query matched, those words marked.

Matching folds accents, so `quyet dinh` marks `Quyết định`; the snippet keeps the page's
own (accented) text. Marks are character spans: each front end renders them its own way
(escaped HTML `<mark>`, bold in a terminal, offsets in JSON).
"""

import html
import re
from collections.abc import Mapping, Sequence, Set
from functools import lru_cache

from archive_schema.vietnamese import fold
from indexing.base import MATCHED_FIELDS, Snippet
from indexing.query import ParsedQuery, words

_WORD = re.compile(r"\w+")


def shown_page(pages: Sequence[tuple[int, str]], query: ParsedQuery) -> tuple[int, Snippet]:
    """The page of a hit, among its (number, text) pages: the one holding most of the
    query's words as typed, then folded, then most of its adjacent pairs; the first of
    them (page 1 when the record matched by its metadata alone). With its snippet."""
    if len(pages) == 1:
        number, text = pages[0]
    else:
        exact = _pattern(query.exact_words)
        folded = _pattern(query.folded_forms, accents=True)
        pairs = _pattern(frozenset().union(*query.pairs), accents=True)

        def matches(page: tuple[int, str]) -> tuple[int, int, int]:
            text = page[1]
            return (
                len({found.lower() for found in exact.findall(text)}),
                len({fold(found) for found in folded.findall(text)}),
                len({fold(" ".join(words(found))) for found in pairs.findall(text)}),
            )

        number, text = max(pages, key=matches)
    return number, snippet(text, query.folded_forms)


def matched_in(
    query: ParsedQuery, fields: Mapping[str, str | None], shown: Snippet
) -> tuple[str, ...]:
    """Why a hit matched: which of its MATCHED_FIELDS hold two words of the query or more
    (all of a one-word query; accents folded, a misspelt word's neighbours counted), then
    "text" when the page it opens at holds one. A single `ban` of `ỦY BAN` does not make
    the agency the reason a record about `giá bán` matched."""
    asked = [frozenset(query.forms(word)) for word in query.folded_words]
    enough = min(2, len(asked))
    held = []
    for name in MATCHED_FIELDS:
        found = {_fold_word(w) for w in words(fields.get(name) or "")}
        if enough and sum(bool(forms & found) for forms in asked) >= enough:
            held.append(name)
    return (*held, "text") if shown.marks else tuple(held)


def _pattern(phrases: Set[str], accents: bool = False) -> re.Pattern[str]:
    """A regular expression finding any of `phrases` (words, or words joined by a space)
    as whole words of a text, in any case; with `accents`, whatever its accents."""
    if not phrases:
        return re.compile(r"(?!)")  # finds nothing
    alternatives = []
    for phrase in sorted(phrases, key=len, reverse=True):
        spelled = [_spelling(word) if accents else re.escape(word) for word in phrase.split()]
        alternatives.append(r"\W+".join(spelled))
    return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)", re.IGNORECASE)


def _spelling(word: str) -> str:
    """`word` (folded) as a pattern of its accented spellings: `dan` → `[dđ][aàá…]n`."""
    return "".join(_ACCENTED.get(letter, re.escape(letter)) for letter in fold(word))


def _accented_letters() -> dict[str, str]:
    """Each ASCII letter with the Latin letters that fold to it, as a character class."""
    variants: dict[str, set[str]] = {}
    for code in [*range(0x41, 0x7B), *range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        letter = chr(code)
        if letter.isalpha() and len(folded := fold(letter)) == 1 and folded.isascii():
            variants.setdefault(folded, set()).update({letter, letter.lower(), letter.upper()})
    return {base: "[" + "".join(sorted(letters)) + "]" for base, letters in variants.items()}


_ACCENTED = _accented_letters()
_fold_word = lru_cache(maxsize=1 << 17)(fold)  # the words of pages repeat: each folded once


def snippet(text: str, folded_words: Set[str], width: int = 30) -> Snippet:
    """About `width` words of `text` where the most different query words stand together."""
    tokens = list(_WORD.finditer(text))
    if not tokens:
        return Snippet("")
    folded = [_fold_word(token.group()) for token in tokens]
    matches = [i for i, word in enumerate(folded) if word in folded_words]
    best = max(
        matches, key=lambda i: len(set(folded[i : i + width // 2]) & folded_words), default=0
    )
    start_token = max(0, best - width // 4)
    end_token = min(len(tokens), start_token + width)
    start = tokens[start_token].start() if start_token else 0
    end = tokens[end_token - 1].end() if end_token < len(tokens) else len(text)
    prefix = "… " if start else ""
    suffix = " …" if end < len(text) else ""
    passage = " ".join(text[start:end].split())
    marks = tuple(
        (len(prefix) + m.start(), len(prefix) + m.end())
        for m in _WORD.finditer(passage)
        if _fold_word(m.group()) in folded_words
    )
    return Snippet(prefix + passage + suffix, marks)


def to_html(passage: Snippet) -> str:
    """The snippet as HTML: its text escaped first, then its marks wrapped in <mark>, so
    that nothing an OCR'd page says (`<script>`) can become markup."""
    parts, last = [], 0
    for start, end in passage.marks:
        parts += [html.escape(passage.text[last:start]), "<mark>"]
        parts += [html.escape(passage.text[start:end]), "</mark>"]
        last = end
    parts.append(html.escape(passage.text[last:]))
    return "".join(parts)
