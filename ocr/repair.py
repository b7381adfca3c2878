"""Repair of the words tesseract reads, for what it gets wrong in Vietnamese text.

- The canonical form (NFC, one tone placement, Ð→Đ: `archive_schema.vietnamese`).
- Spacing accents standing alone (ˆ ˜ ´ ` ¨ ^ ~): tesseract reads a diacritic it could not
  attach to a letter as a character of its own.
- A doubled Đ: tesseract `vie` reads the notation `QĐ` as `QĐĐ`, and no Vietnamese word
  has two Đ in a row.
- The fraction slash (⁄) tesseract reads for the slash of `b/c`, `t/h`.
- A word of one or two specks of dust or toner read as punctuation (`.`, `:`, `_`, `'`,
  `\\`): on the 43 corpus documents read as heavy scans and photocopies, about 370 such
  words were read that the pages do not have, and the corpus prints 9 (a lone dash it
  prints 1,591 times, so a dash stays). Without them: heavy scans 3.38 → 3.07 % CER,
  photocopies 3.25 → 3.02 %.
Letters that cannot occur in Vietnamese administrative text (ö ï ä å ñ ð ß …) are kept
out of recognition altogether by `tesseract.cfg`.
"""

import unicodedata

from archive_schema.vietnamese import normalize

STRAY_MARKS = {"^", "~", "`"}
DUST = frozenset("._:'‘’\\")


def repair(word: str) -> str:
    text = normalize(word)
    text = "".join(
        c for c in text if c not in STRAY_MARKS and unicodedata.category(c) not in ("Sk", "Lm")
    )
    text = text.replace("ĐĐ", "Đ").replace("đđ", "đ").replace("\u2044", "/")
    return "" if len(text) <= 2 and set(text) <= DUST else text
