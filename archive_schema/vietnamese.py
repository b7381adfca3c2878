"""The canonical form of Vietnamese text, shared by OCR, search and the web, and dates as
Vietnamese write them (dd/mm/yyyy).

- NFC (TCVN 6909:2001), with `Ð` (U+00D0, eth) mapped to `Đ` and `ð` to `đ`.
- One tone-mark placement, the traditional one the archive's documents mostly use:
  `hòa`, `thủy`, `khỏe` (not `hoà`, `thuỷ`, `khoẻ`).
- Folding for accent-insensitive search removes every mark and maps `đ` to `d`,
  which Unicode decomposition alone does not do.
"""

import re
import unicodedata
from datetime import date, datetime
from functools import lru_cache

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền sắc ngã hỏi nặng
_VOWELS = set("aăâeêioôơuưy")
_QUALITY_VOWELS = set("ăâêôơư")
_WORD = re.compile(r"[^\W\d_]+")
_LOOKALIKES = str.maketrans({"Ð": "Đ", "ð": "đ"})


def normalize(text: str) -> str:
    """Return `text` in the archive's canonical form (NFC, Đ, one tone placement)."""
    text = unicodedata.normalize("NFC", text.translate(_LOOKALIKES))
    return _WORD.sub(lambda m: _place_tone(m.group()), text)


def vn_date(moment: date | datetime | None, with_time: bool = False) -> str:
    """`02/12/2026` (`02/12/2026 14:05` `with_time`); a moment in the server's local time."""
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        moment = moment.astimezone()
        return moment.strftime("%d/%m/%Y %H:%M" if with_time else "%d/%m/%Y")
    return moment.strftime("%d/%m/%Y")


def fold(text: str) -> str:
    """Lower-case `text` and strip every diacritic, `đ` included: `Hòa Đức` -> `hoa duc`."""
    return unicodedata.normalize("NFC", text).translate(_FOLDED)


class _Folding(dict[int, str]):
    """A str.translate table that folds each character the first time it is met (search
    folds every page indexed: a table is many times faster than decomposing the text)."""

    def __missing__(self, code: int) -> str:
        decomposed = unicodedata.normalize("NFD", chr(code).translate(_LOOKALIKES).lower())
        folded = "".join(c for c in decomposed if not unicodedata.combining(c))
        self[code] = folded.replace("đ", "d")
        return self[code]


_FOLDED = _Folding()


@lru_cache(maxsize=1 << 16)  # syllables are a closed set of a few thousand: each one once
def _place_tone(word: str) -> str:
    """Move the tone mark of one syllable to its canonical vowel; other words pass through."""
    letters = [unicodedata.normalize("NFD", c) for c in word]
    tones = [(i, m) for i, c in enumerate(letters) for m in c[1:] if m in _TONES]
    if len(tones) != 1:
        return word
    bare = [c.replace(tones[0][1], "") for c in letters]
    target = _tone_position([unicodedata.normalize("NFC", c).lower() for c in bare])
    if target is None or target == tones[0][0]:
        return word
    bare[target] = bare[target] + tones[0][1]
    return unicodedata.normalize("NFC", "".join(bare))


def _tone_position(letters: list[str]) -> int | None:
    """Index of the letter that carries the tone in a syllable spelt without tone."""
    start = 0
    while start < len(letters) and letters[start] not in _VOWELS:
        start += 1
    end = start
    while end < len(letters) and letters[end] in _VOWELS:
        end += 1
    if start == end or any(c in _VOWELS for c in letters[end:]):
        return None  # no vowel, or not a single syllable
    # "qu" and "gi" spell one consonant: their u/i is not part of the vowel nucleus.
    if start > 0 and letters[start - 1] + letters[start] in ("qu", "gi") and end - start > 1:
        start += 1
    nucleus = range(start, end)
    for i in reversed(nucleus):
        if letters[i] in _QUALITY_VOWELS:
            return i
    if end < len(letters):  # a final consonant takes the tone to the last vowel
        return end - 1
    return start + 1 if len(nucleus) == 3 else start
