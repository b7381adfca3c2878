"""What a hit shows: the page it opens at, and the passage of that page around the words
the query matched, those words marked.

Matching folds accents, so `quyet dinh` marks `Quyết định`; the snippet keeps the page's
own (accented) text. Marks are character spans: each front end renders them its own way
(escaped HTML `<mark>`, bold in a terminal, offsets in JSON).
"""

import html
import re
from collections.abc import Sequence, Set
from itertools import pairwise

from archive_schema.vietnamese import fold
from indexing.base import Snippet
from indexing.query import ParsedQuery, words

_WORD = re.compile(r"\w+")


def shown_page(pages: Sequence[tuple[int, str]], query: ParsedQuery) -> tuple[int, Snippet]:
    """The page of a hit, among its (number, text) pages: the one holding most of the
    query's words as typed, then folded, then most of its adjacent pairs; the first of
    them (page 1 when the record matched by its metadata alone). With its snippet."""
    folded_pairs = {fold(pair) for pair in query.pairs}

    def matches(page: tuple[int, str]) -> tuple[int, int, int]:
        exact = words(page[1])
        folded = fold(" ".join(exact)).split()
        return (
            len(query.exact_words.intersection(exact)),
            len(query.folded_words.intersection(folded)),
            len(folded_pairs.intersection(f"{a} {b}" for a, b in pairwise(folded))),
        )

    number, text = max(pages, key=matches)
    return number, snippet(text, query.folded_words)


def snippet(text: str, folded_words: Set[str], width: int = 30) -> Snippet:
    """About `width` words of `text` where the most different query words stand together."""
    tokens = list(_WORD.finditer(text))
    if not tokens:
        return Snippet("")
    folded = [fold(token.group()) for token in tokens]
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
        if fold(m.group()) in folded_words
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
