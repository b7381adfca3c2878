"""Vietnamese words put right by the words around them.

Blur, JPEG and toner take the small marks off a syllable first: tesseract reads the hook
above as an acute (`kiếm tra`, `BỐ SUNG`), loses a breve or a circumflex, or reads a speck
of dust as a full stop inside a word (`TRUNG.TÂM`, `QUY. ĐỊNH`). What it reads is mostly a
syllable too, so no check of single words sees it; the words around it do. A line is cut
into the words of a dictionary (Viet74K, the word list underthesea ships: 74,000 words, of
which 64,000 compounds), the syllables' marks free to change, and the best cut is kept:
- each compound earns COMPOUND for each syllable it joins to the one before;
- each mark changed costs MARK, less on a word tesseract itself doubted;
- a word read that is no syllable costs NO_SYLLABLE (of its spellings, the one in the most
  words of the dictionary is taken);
- a speck of dust inside a compound costs SPECK, and goes.
A syllable no dictionary knows (`Lưư`) takes the nearest one that is. A word that is no
syllable even without its marks is first mended: a letter or two read for another
(`rigười`, `lioặc`, `fại`: MISREAD) or a stray stroke (`thieo`), or syllables run
together (`TỈNHQUẢNGTRỊ`, `chứcnăng`) cut apart. Words that are none of these (UBND,
11/1998/QĐ, Festival) pass as they are, and so do the case of each word and lines typed
without accents.
"""

import math
import re
import unicodedata
from collections import Counter, defaultdict
from functools import cache
from importlib.metadata import distribution
from itertools import accumulate
from pathlib import Path
from typing import NamedTuple

from archive_schema.vietnamese import fold, normalize
from ocr.quality import syllables

LEXICON = "underthesea/corpus/data/Viet74K.txt"
COMPOUND = 2.5
MARK = 1.5
NO_SYLLABLE = 2.0  # what keeping a word that is no syllable costs: a likely change is less
SURE = 85  # a word tesseract is this sure of pays MARK for a mark; less sure, less
LEAST_WEIGHT, MOST_WEIGHT = 0.3, 1.2
# What OCR reads for a mark on a blurred or photocopied page, and what it was (measured on
# 309 rendered pages, heavy, photocopied and clean: of the words a first version put right
# by these changes, 792 acute → hook were right and 4 wrong, while dot → grave was 13 right
# and 199 wrong): a hook read as an acute or a tilde, a mark read from a speck (hook, dot,
# acute), a bar, horn or hat read where there was none or lost.
_BLURRED = frozenset(
    {
        ("\u0301", "\u0309"),  # acute → hook
        ("\u0303", "\u0309"),  # tilde → hook
        ("\u0303", "\u0301"),  # tilde → acute
        ("\u0309", ""),  # hook → none
        ("\u0323", ""),  # dot → none
        ("\u0301", ""),  # acute → none
        ("đ", "d"),
        ("ư", "u"),
        ("ơ", "o"),
        ("â", "a"),
        ("ă", "a"),
        ("a", "â"),
    }
)
LIKELY, UNLIKELY = 0.6, 2.0  # marks' worth of such a change, and of any other
SPECK = 1.0
SPECKS = frozenset("._·:;'‘’-")  # what dust and toner read as
LONGEST = 4  # syllables in a compound looked for
# What tesseract reads for a letter of a blurred or photocopied page, and the letter (of 224
# words read as no syllable on 237 heavy, photocopied and photographed pages, 35 were these):
# `rigười` người, `rhột` một, `lioặc` hoặc, `thànlr` thành, `niột` một, `barr` ban, `fại`
# tại, `đuản` quản, `boặc` hoặc, `hgày` ngày, `iăm` năm; and a stroke read as an i or an r
MISREAD = (
    ("ri", "n"),
    ("rn", "m"),
    ("rh", "m"),
    ("li", "h"),
    ("lr", "h"),
    ("ni", "m"),
    ("rr", "n"),
    ("f", "t"),
    ("đ", "q"),
    ("b", "h"),
    ("h", "n"),
    ("i", "n"),
    ("i", ""),
    ("r", ""),
)
# Vietnamese puts a mark on most syllables: a line with marks on fewer of its words than
# this was typed without them (or is in another language) and is left as it is
ACCENTED = 0.25
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")
_PIECE = re.compile(r"^(\W*)(.*?)(\W*)$")
_ADDRESS = re.compile(r"[/@]")
_LETTERS = re.compile(r"^[^\W\d_]+$")
_INSIDE_SPECK = re.compile(r"(?<=[^\W\d_])[._·:;'‘’-](?=[^\W\d_])")


class _Lexicon(NamedTuple):
    spellings: dict[str, list[str]]  # a folded syllable: the syllables spelt so
    compounds: dict[tuple[str, ...], list[tuple[str, ...]]]  # the same for compounds
    commonness: dict[str, float]


@cache
def lexicon() -> _Lexicon:
    """The dictionary, read once a process (0.8 s): a process that forks workers reads it
    first (dags/airflow_local_settings.py)."""
    # the word list is read from underthesea's files: its code (and what it downloads) is
    # never imported
    path = Path(str(distribution("underthesea").locate_file(LEXICON)))
    known = set(syllables())
    words = Counter[str]()
    compounds: defaultdict[tuple[str, ...], list[tuple[str, ...]]] = defaultdict(list)
    for line in path.read_text("utf-8").splitlines():
        parts = tuple(normalize(line.strip().lower()).split())
        if not all(_LETTERS.match(part) for part in parts):
            continue
        known.update(parts)
        words.update(set(parts))
        if 2 <= len(parts) <= LONGEST:
            compounds[tuple(fold(part) for part in parts)].append(parts)
    spellings: defaultdict[str, list[str]] = defaultdict(list)
    for syllable in known:
        spellings[fold(syllable)].append(syllable)
    commonness = {s: math.log10(1 + words[s]) for s in known}
    return _Lexicon(dict(spellings), dict(compounds), commonness)


class _Piece(NamedTuple):
    word: int  # which of the line's words it is part of
    before: str
    core: str
    after: str
    spaced: bool = False  # a syllable of a word read run together with the one before


def correct(texts: list[str], confidences: list[float]) -> list[str]:
    """The words of one line (left to right, with tesseract's confidence in each, 0-100)
    as the words around them say they are spelt."""
    pieces = _pieces(texts)
    lettered = [piece.core for piece in pieces if _LETTERS.match(piece.core)]
    if sum(fold(core) != core.lower() for core in lettered) < ACCENTED * len(lettered):
        return texts  # typed without accents, or in another language: nothing to go by
    words = lexicon()
    pieces = [mended for piece in pieces for mended in _mended(piece, words)]
    lower = [piece.core.lower() for piece in pieces]
    weights = [
        min(MOST_WEIGHT, max(LEAST_WEIGHT, confidences[piece.word] / SURE)) for piece in pieces
    ]

    def cost(spelt: str, at: int) -> float:
        unknown = NO_SYLLABLE if spelt not in words.commonness else 0.0
        return -unknown - MARK * weights[at] * _marks_changed(spelt, lower[at])

    def single(at: int) -> str:
        """The spelling of a piece on its own: as read when that is a syllable; else the
        cheapest syllable, the most common of those."""
        options = [lower[at], *words.spellings.get(fold(lower[at]), ())]
        spelt: str = max(options, key=lambda o: (cost(o, at), words.commonness.get(o, 0.0)))
        return spelt

    # best[i]: the score of the first i pieces and the last segment's (start, spellings)
    best: list[tuple[float, int, tuple[str, ...]]] = [(0.0, 0, ())]
    for end in range(1, len(pieces) + 1):
        at = end - 1
        spelt = single(at)
        chosen: tuple[float, int, tuple[str, ...]] = (best[at][0] + cost(spelt, at), at, (spelt,))
        specks = 0.0
        for start in range(at - 1, max(-1, end - LONGEST - 1), -1):
            joint = _joint(pieces[start], pieces[start + 1])
            if joint is None:
                break
            specks += joint
            key = tuple(fold(part) for part in lower[start:end])
            for compound in words.compounds.get(key, ()):
                score = best[start][0] + COMPOUND * (end - start - 1) - specks
                score += sum(cost(part, start + n) for n, part in enumerate(compound))
                if score > chosen[0]:
                    chosen = (score, start, compound)
        best.append(chosen)
    spellings = [""] * len(pieces)
    joined = [False] * len(pieces)  # whether a piece is in one compound with the one before
    end = len(pieces)
    while end:
        _, start, parts = best[end]
        spellings[start:end] = parts
        joined[start + 1 : end] = [True] * (end - start - 1)
        end = start
    return _texts(len(texts), pieces, spellings, joined)


def _pieces(texts: list[str]) -> list[_Piece]:
    """Each word cut into its punctuation before, its letters and its punctuation after;
    a word with a speck between letters cut there too."""
    pieces = []
    for number, text in enumerate(texts):
        if _ADDRESS.search(text):  # a web or mail address, a number and notation: as it is
            pieces.append(_Piece(number, "", text, ""))
            continue
        parts = _INSIDE_SPECK.split(text)
        specks = _INSIDE_SPECK.findall(text)
        for n, part in enumerate(parts):
            match = _PIECE.match(part)
            assert match is not None  # the pattern matches any text
            before, core, after = match.groups()
            after += specks[n] if n < len(specks) else ""
            pieces.append(_Piece(number, before, core, after))
    return pieces


def _mended(piece: _Piece, words: _Lexicon) -> list[_Piece]:
    """A piece that is no syllable, even without its marks, with a misread letter put
    right, or else cut into the syllables run together in it; else as it is."""
    read = piece.core.lower()
    if not _LETTERS.match(read) or fold(read) in words.spellings or len(read) != len(piece.core):
        return [piece]
    capitals = any(c.isupper() for c in piece.core[1:])  # UBND, XII, GRDP: never misread
    if not capitals and (known := [c for c in _undone(read) if c in words.commonness]):
        best = max(known, key=words.commonness.__getitem__)
        return [piece._replace(core=_cased(best, piece.core))]
    cut = _cut(read, words) if fold(read) != read else None  # a Vietnamese word has marks
    if cut is None:
        return [piece]
    ends = list(accumulate(map(len, cut)))
    starts = [0, *ends[:-1]]
    return [
        _Piece(
            piece.word,
            piece.before if n == 0 else "",
            piece.core[start:end],
            piece.after if n == len(cut) - 1 else "",
            spaced=n > 0,
        )
        for n, (start, end) in enumerate(zip(starts, ends, strict=True))
    ]


def _undone(read: str) -> set[str]:
    """`read` with one of the misreadings of MISREAD undone, in each way it can be."""
    return {
        read[:at] + right + read[at + len(wrong) :]
        for wrong, right in MISREAD
        for at in range(len(read))
        if read.startswith(wrong, at)
    }


def _cut(read: str, words: _Lexicon) -> list[str] | None:
    """`read` cut into the fewest syllables of two letters or more, each as read, at most
    LONGEST; None when it cannot be."""
    fewest: list[list[str] | None] = [[]] + [None] * len(read)
    for end in range(2, len(read) + 1):
        options = [
            [*before, read[start:end]]
            for start in range(max(0, end - 7), end - 1)  # a syllable has at most 7 letters
            if (before := fewest[start]) is not None and read[start:end] in words.commonness
        ]
        fewest[end] = min(options, key=len, default=None)
    cut = fewest[-1]
    return cut if cut is not None and 1 < len(cut) <= LONGEST else None


def _joint(left: _Piece, right: _Piece) -> float | None:
    """What joining two pieces into one compound costs: nothing between two words, SPECK
    across specks; None where punctuation parts them."""
    between = left.after + right.before
    if not left.core or not right.core:
        return None
    if not between:
        return 0.0 if left.word != right.word or right.spaced else None
    return SPECK if set(between) <= SPECKS and len(between) <= 2 else None


def _texts(count: int, pieces: list[_Piece], spellings: list[str], joined: list[bool]) -> list[str]:
    texts = [""] * count
    for n, piece in enumerate(pieces):
        core = piece.core
        if spellings[n] != core.lower():
            core = _cased(spellings[n], core)
        before, after = piece.before, piece.after
        following = pieces[n + 1] if n + 1 < len(pieces) else None
        if following is not None and joined[n + 1]:
            after = after.rstrip("".join(SPECKS))
        if following is not None and following.word == piece.word:
            after += " " if joined[n + 1] or following.spaced else ""
        if joined[n]:
            before = before.lstrip("".join(SPECKS))
        texts[piece.word] += before + core + after
    return texts


def _cased(spelt: str, like: str) -> str:
    if like.isupper() and len(like) > 1:
        return spelt.upper()
    return spelt[0].upper() + spelt[1:] if like[0].isupper() else spelt


def _marks_changed(spelt: str, read: str) -> float:
    """What spelling `read` as `spelt` costs, in marks: LIKELY for each change blur makes
    (a mark lost or merged into its neighbour's shape), UNLIKELY for each other one."""
    if spelt == read:
        return 0.0
    changes = [(_tone(read), _tone(spelt))] if _tone(read) != _tone(spelt) else []
    changes += [pair for pair in zip(_bare(read), _bare(spelt), strict=True) if pair[0] != pair[1]]
    return sum(LIKELY if pair in _BLURRED or len(pair[0]) > 1 else UNLIKELY for pair in changes)


def _bare(syllable: str) -> list[str]:
    """Each letter without its tone mark."""
    decomposed = (unicodedata.normalize("NFD", letter) for letter in syllable)
    return [
        unicodedata.normalize("NFC", "".join(c for c in d if c not in _TONES)) for d in decomposed
    ]


def _tone(syllable: str) -> str:
    return "".join(m for m in unicodedata.normalize("NFD", syllable) if m in _TONES)
