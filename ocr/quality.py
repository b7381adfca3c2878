"""How far a page's OCR can be trusted: a score from 0 to 100 stored with each page.

The weakest of three signals, each measured against the character error rate of rendered
corpus pages:
- tesseract's mean word confidence, stretched (CONFIDENCE_STRETCH);
- the share of the page's words that are Vietnamese syllables (hunspell-vi's list;
  abbreviations in capitals such as UBND or TTg count neither way): it catches garbage;
- the share of the page's ink that lies inside recognised words: it catches text OCR did
  not read at all, which the first two cannot see (a page read at 5 % recall can still
  have confident, valid words). Readable pages score 85-90; pages with half their text
  lost score under 50.
"""

import re
from functools import cache
from pathlib import Path

from archive_schema.vietnamese import normalize
from ocr.layout import PageLayout, Word

SYLLABLE_LIST = Path("/usr/share/hunspell/vi_VN.dic")
# tesseract's mean word confidence is 94-97 on pages read right and 85-94 on pages with more
# than 2 % of character errors: stretched so that 93.3 scores 80, the review threshold. On
# 287 rendered pages (32 documents, 7 conditions from clean to heavy, photocopied and
# photographed) that flags 84 of the 89 bad pages and 9 of the 198 good ones (2.5, which
# scored 92 at 80, flagged 49 and 2).
CONFIDENCE_STRETCH = 3.0
_WORD = re.compile(r"[^\W\d_]+")


@cache
def syllables() -> frozenset[str]:
    """Every Vietnamese syllable, lower case and in the canonical form."""
    if not SYLLABLE_LIST.exists():
        raise FileNotFoundError(
            f"{SYLLABLE_LIST} is missing: install the Debian package hunspell-vi"
        )
    lines = SYLLABLE_LIST.read_text("utf-8").splitlines()[1:]  # the first line is a count
    return frozenset(normalize(line.strip()).lower() for line in lines if line.strip())


def syllable_share(text: str) -> float | None:
    """Share of the words of `text` that are syllables; None when it has no word to judge."""
    judged = [w for w in _WORD.findall(normalize(text)) if not _abbreviation(w)]
    if not judged:
        return None
    known = syllables()
    return sum(1 for w in judged if w.lower() in known) / len(judged)


def page_quality(layout: PageLayout) -> float:
    """0 for a page without text (blank, or OCR gave up): someone should look at it."""
    if not layout.text.strip():
        return 0.0
    words = [word for line in layout.lines for word in line.words]
    signals = [text_quality(words, layout.text)]
    if layout.ink_in_words is not None:
        signals.append(100 * layout.ink_in_words)
    return round(min(signals), 1)


def text_quality(words: list[Word], text: str) -> float:
    """The weaker of the words' stretched confidence and the share of syllables in `text`
    (the words as read, or a value made of them): 0 without words."""
    if not words:
        return 0.0
    confidence = sum(word.confidence for word in words) / len(words)
    signals = [100 - CONFIDENCE_STRETCH * (100 - confidence)]
    share = syllable_share(text)
    if share is not None:
        signals.append(100 * share)
    return max(0.0, min(signals))


def _abbreviation(word: str) -> bool:
    """UBND, HĐND, TTg: capitals after the first letter."""
    return len(word) > 1 and any(c.isupper() for c in word[1:])
