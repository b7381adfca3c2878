"""Metadata of an administrative document read from its OCR layout (NĐ 30/2020 §5 layout).

The header's left column gives the agencies and "Số: <number>/<notation>" (and a công văn's
"V/v" summary); the right column gives the place and date under the national motto. Centred
below come the type name and the summary; at the end, Nơi nhận on the left beside the
signature block (authority mark, title, name) on the right. Real documents bend the rules
("tháng 07", "QĐ .UB"), so every field is optional and parsed independently.
"""

import re
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date
from statistics import median
from typing import Any

from rapidfuzz import fuzz, process

from archive_schema.identifiers import split_number_symbol
from archive_schema.models import Description
from archive_schema.places import known_place
from archive_schema.vietnamese import fold, normalize
from archive_schema.vocab import (
    AGENCY_HEADS,
    AUTHORITY_MARKS,
    CONG_VAN,
    DOC_TYPES,
    PARTY_NAME,
    POSITIONS,
    SECRECY_MARKS,
    SURNAMES,
    TERRITORIAL_UNITS,
    URGENCY_MARKS,
    doc_type_named,
    doc_type_of_notation,
    starts_with_any,
)
from ocr.layout import Line, PageLayout
from ocr.quality import text_quality
from ocr.spelling import correct

_NOTATION_WORD = re.compile(r"[\w/-]+")
NUMBER_STRAY = " .,;:_-–'\"`‘’“”"  # never at either end of a number and notation
_NUMBER = re.compile(r"^s[oô]\s*[:;.]?\s*(\S*\d.*)$")  # folded "Số: 12/CT-UBND"
_NUMBER_LABEL = re.compile(r"^s[oô]\s*[:;.]")  # folded "Số:", where its number was lost
# specks may stand between its words ("ngày: -14 tháng 01-năm 1998")
_DATE = re.compile(r"ngay[\W_]*(\d{1,2})[\W_]*thang[\W_]*(\d{1,2})[\W_]*nam[\W_]*(\d{4})")
# The date as OCR may leave it: "tháng" or "năm" misread or lost, a number split ("1 2").
_LOOSE_DATE = re.compile(
    r"ngay\s*(\d(?: ?\d)?)\s+(?:[a-z]{1,6}\s+)?(\d(?: ?\d)?)\s*(?:nam|[a-z]{2,4})\s*(\d{4})"
)
_MOTTO = ("conghoaxahoi", "chunghiavietnam", "doclaptudo", "tudohanhphuc")  # folded, unspaced
_PARTY = fold(PARTY_NAME).replace(" ", "")  # folded, unspaced
_MOTTO_WORDS = re.compile(r"\b(doc ?lap|tu ?do|hanh ?phuc)\b")  # one word of it, OCR's spaces
_MARK = re.compile(
    rf"^({'|'.join(m.rstrip('.') for m in AUTHORITY_MARKS)})\s*[.,:]\s*", re.IGNORECASE
)
_SEPARATOR = re.compile(r"^[\W_]*$")
KINH_GUI = "kinh gui"
_RECIPIENTS_HEADING = re.compile(r"\W*noi nhan\W*")  # folded, alone on its line
STRAY = " .,;:-–—_|'\"“”„`~*°)(\\/"  # marks OCR leaves at the ends of a header line
# Marks a speck is read as inside a summary, where none is printed: an apostrophe (its
# quotes are typographic), a dot or colon after a word (not an abbreviation's "TP.", not a
# number's) before the next; and a comma is always followed by a space. A semicolon is
# printed there ("NGƯỜI LAO ĐỘNG; NGƯỜI SỬ DỤNG LAO ĐỘNG") and stays.
_SUBJECT_SPECKS = (
    (re.compile(r"(?<=\w)['`]+(?=\w)"), " "),
    (re.compile(r"['`]+"), ""),
    (re.compile(r"(?<=[^\W\d_]{3})[.:]+\s*(?=\w)"), " "),
    (re.compile(r",(?=[^\W\d_])"), ", "),
)
# "Lưu: VT, …": the records office's VT misread ("VI", "VE"), its comma read as a space, a
# semicolon or none; "VT (H1.25)" and "Văn thư" are as printed
_VT_MISREAD = re.compile(r"^(Lưu:?\s*)V[IlLEFYJ1](?=\W|$)")
_FILED_WITH = re.compile(r"^(Lưu:?\s*VT)(?:\s*[;.]\s*|\s+|,(?! ))(?=[^\W\d_])")
ITEM_MARKS = "-–•"  # what opens an item of the Nơi nhận list
SPECKS = " .,;:_|'\"`~*°"  # marks OCR leaves before a list item's dash
SUBJECT_STRAY = " .:_|'`~*°\\"  # fewer: a summary's line may end in a dash, a comma, a quote
POSITION_TOLERANCE = 80  # how alike a title line is to the office it is read as
UNIQUE_MARGIN = 5  # how much more alike a word misread is to what it is read as than to any other
SURNAME_LETTERS = 4  # a family name this long may be told with a letter misread...
SURNAME_TOLERANCE = 85  # ...when its folded letters are this alike
OCR_TOLERANCE = 75  # how alike (rapidfuzz's ratio, 0-100) a misread header word still is
_FOLDED_TYPES = {fold(name): name for name in DOC_TYPES}
COUNCILS = ("ỦY BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN", "UBND", "HĐND")
# The words agency names are made of, by their folded letters: what OCR reads as "TĨNH",
# "ỦY BẢN" or "ỦYBANNHÂNDÂN" can only be one of them.
_AGENCY_WORDS = {
    fold(word).replace(" ", ""): word for word in (*COUNCILS, *AGENCY_HEADS, *TERRITORIAL_UNITS)
}
_SURNAMES = {fold(name): name for name in SURNAMES}
_POSITIONS = {position.replace(" ", ""): position for position in POSITIONS}
_UNITS = {fold(word).replace(" ", ""): word for word in TERRITORIAL_UNITS}
# the Party's committees named by their unit (TỈNH ỦY), which open a name: not a unit's word
_UNIT_COMMITTEES = tuple(h for h in AGENCY_HEADS if starts_with_any(h, TERRITORIAL_UNITS))
LONGEST_AGENCY_WORD = max(len(word.split()) for word in _AGENCY_WORDS.values())
PLACE_UNITS = ("TP", "TP.", "Tp", "Tp.", "TX", "TX.")  # a city's or town's, before its name
PLACE_WORDS = 4  # the longest province or seat name, in words (Phan Rang-Tháp Chàm: 3)
ISSUER_PREFIX = 12  # "CHỦ TỊCH ", "BỘ TRƯỞNG " before the agency on the issuer's line
MARKS_CONFIDENCE = 50  # a line OCR believed less than this, beside a signature: marks
TITLE_END = " -–—_|:;,'\"`~*°"  # specks after a title line ("TỈNH -"); its dots may be marks
SIGNATURE_SPACE = 8  # lines of space between the title and the name, where the signature goes
CLOSING_SPLIT = 0.42  # share of the page width: Nơi nhận left of it, the signature right
# How far a value read by a tolerant rule is trusted, beside one read as printed: it scales
# the confidence of the words it came from.
FUZZY_MATCH = 0.85  # a type name or abbreviation a letter or two off, matched or repaired
BY_RULE = 0.7  # a công văn known by the NĐ 30/2020 rule, its misread "V/v" put back


@dataclass
class HeaderReading:
    """The fields read (only those found are set: `fields.model_fields_set`) and how far
    each can be trusted, 0-100: the quality of the words it was read from (ocr.quality),
    lowered when a tolerant rule read it."""

    fields: Description = field(default_factory=Description)
    confidence: dict[str, float] = field(default_factory=dict)

    def set(self, name: str, value: Any, lines: list[Line], trust: float = 1.0) -> None:
        setattr(self.fields, name, value)
        words = [word for line in lines for word in line.words]
        text = value if isinstance(value, str) else " ".join(line.text for line in lines)
        self.confidence[name] = round(trust * text_quality(words, text), 1)


def parse_header(pages: list[PageLayout]) -> HeaderReading:
    """What the pages say of the document, field by field."""
    header = HeaderReading()
    if not pages or not pages[0].lines:
        return header
    first = pages[0]
    top = _header_region(first) or first.lines[:8]  # without columns, the header is on top
    left = [line for line in top if line.column == "left"] or top
    right = [line for line in top if line.column == "right"] or top
    date_line = _date_under(first, top)
    top, right = top + date_line, right + date_line
    number_at = next(
        (
            i
            for i, line in enumerate(left)
            if _NUMBER.match(folded := _fold(line).lstrip(STRAY)) or _NUMBER_LABEL.match(folded)
        ),
        None,
    )
    number_line = [] if number_at is None else [left[number_at]]
    if number_at is not None:
        _read_number(header, left[number_at])
        _read_agencies(header, left[:number_at])
        under = left[number_at + 1 :]
        summary, trust = _summary_under_number(under), 1.0
        if summary is None and _cong_van_by_rule(header.fields, first, top):
            summary, trust = _misread_summary(under), BY_RULE
        if summary:
            text, lines = summary
            header.set("subject", _tidy_subject(text), lines, trust)
            header.set("doc_type", CONG_VAN, number_line + lines[:1], trust)
    elif date_line:  # "Không số": the agency is what stands on the left
        _read_agencies(header, [line for line in left if line.column == "left"])
    _read_place_date(header, [line for line in right if not _is_motto(line)])
    _read_type_and_subject(header, first, _type_block(top, number_line, first.lines[len(top) :]))
    notation = header.fields.notation
    if header.fields.doc_type is None and (by_notation := doc_type_of_notation(notation or "")):
        header.set("doc_type", by_notation, number_line)
    _read_marks(header, first.lines[: len(top) + 3])
    _read_closing(header, pages)
    return header


def _fold(line: Line) -> str:
    return " ".join(fold(line.text).split())


def _header_region(page: PageLayout) -> list[Line]:
    """The page's first two-column region, if it opens the page."""
    count = 0
    while count < len(page.lines) and page.lines[count].column != "full":
        count += 1
    return page.lines[:count]


def _date_under(page: PageLayout, top: list[Line]) -> list[Line]:
    """The place and date, when the header's region ended above them: without a number row,
    nothing holds them to the motto's column ("Không số")."""
    if not top or len(page.lines) <= len(top) or any(line.column == "full" for line in top):
        return []
    if any(_DATE.search(_fold(line)) for line in top):
        return []
    line = page.lines[len(top)]
    dated, _ = _date_in(_fold(line))
    return [line] if dated and line.box[0] >= page.width / 3 else []


def _date_in(folded: str) -> tuple[re.Match[str] | None, float]:
    """The "ngày … tháng … năm" in folded text, and how far to trust it: less when only
    OCR's misreading of it is found."""
    match = _DATE.search(folded)
    if match is not None:
        return match, 1.0
    return _LOOSE_DATE.search(folded), FUZZY_MATCH


def _read_number(header: HeaderReading, line: Line) -> None:
    text = normalize(line.text).strip().lstrip(STRAY)
    printed = re.sub(r"^\w+\s*[:;.]?\s*", "", text, count=1)
    printed = re.sub(r"\s*([/-])\s*", r"\1", printed)
    printed = re.sub(r"(?<=\d) (?=\d)", "", printed)  # a number OCR split ("11/201 1")
    # without what has no letter nor digit: a stain read as a mark ("6087/BYT-KCB '")
    printed = " ".join(w for w in printed.split() if any(c.isalnum() for c in w))
    printed = printed.strip(NUMBER_STRAY)
    slashed = re.sub(r"^(\d+) ?(?=[^\W\d_])", r"\1/", printed)  # its slash lost ("6556QĐ-BYT")
    value = _closed_up(slashed)
    value = re.sub(r"(?<=/\d{4})(?=[^\W\d_])", "/", value)  # after the year ("33/2025NQ")
    value = re.sub(r"(?<=[^\W\d_]):(?=[^\W\d_])", "-", value)  # a dash read as ":"
    value = _repair_abbreviation(value)
    if value:
        trust = 1.0 if value == printed else FUZZY_MATCH
        number, notation = split_number_symbol(value)
        for name, part in (("number_symbol", value), ("number", number), ("notation", notation)):
            if part:
                header.set(name, part, [line], trust)


def _closed_up(number_symbol: str) -> str:
    """A notation is one word: the gaps OCR put in its capitals go (`BKHĐ T-QLKTTW`)."""
    head, slash, notation = number_symbol.partition("/")
    if slash and notation.isupper() and all(_NOTATION_WORD.fullmatch(w) for w in notation.split()):
        return head + slash + notation.replace(" ", "")
    return number_symbol


def _repair_abbreviation(number_symbol: str) -> str:
    """Tesseract sometimes doubles a letter of the type abbreviation (`QĐĐ-UBND`): when the
    abbreviation is unknown but known once the doubled letter is single, repair it."""
    head, slash, notation = number_symbol.rpartition("/")
    abbreviation, dash, issuer = notation.partition("-")
    single = re.sub(r"(\w)\1", r"\1", abbreviation)
    if (
        single != abbreviation
        and doc_type_of_notation(abbreviation) is None
        and doc_type_of_notation(single)
    ):
        return f"{head}{slash}{single}{dash}{issuer}"
    return number_symbol


def _read_agencies(header: HeaderReading, lines: list[Line]) -> None:
    """The parent and the issuing agency: each name starts with a word like BỘ, SỞ, ỦY BAN;
    a line that does not (TỈNH LÀO CAI, a wrapped word) continues the name above it."""
    names: list[tuple[list[str], list[Line]]] = []  # each name's texts and lines
    repaired = False
    for line in lines:
        read = _agency_text(normalize(line.text))
        text = _agency_words(read)
        repaired |= text != read
        if not text or _mark_in(text, SECRECY_MARKS + URGENCY_MARKS):
            continue
        if names and (
            not starts_with_any(text, AGENCY_HEADS)
            or (
                starts_with_any(text, TERRITORIAL_UNITS)
                and not starts_with_any(text, _UNIT_COMMITTEES)
            )
        ):
            names[-1][0].append(text)
            names[-1][1].append(line)
        else:
            names.append(([text], [line]))
    trust = FUZZY_MATCH if repaired else 1.0
    if len(names) > 1:
        header.set("parent_agency", _without_tail(names[0][0]), names[0][1], trust)
    if names:
        header.set("issuing_agency", _without_tail(names[-1][0]), names[-1][1], trust)


def _agency_text(text: str) -> str:
    """An agency line without what specks and rules leave at its ends ("z)", "—", "."):
    agency names are in capitals."""
    tokens = text.split()
    while tokens and _stray(tokens[-1]):
        tokens.pop()
    while tokens and _stray(tokens[0]):
        tokens.pop(0)
    return " ".join(tokens).strip(STRAY)


def _agency_words(text: str) -> str:
    """An agency name in capitals with its leading words spelt as they can only be: the
    head ("ỦY BẢN", "ỦYBANNHÂNDÂN"), the unit after a council ("TĨNH"), each a run of
    tokens whose letters fold to the word, and the province after the unit from the list."""
    if not text.isupper():
        return text
    head, tokens = _agency_word(text.split(), _AGENCY_WORDS)
    words = [head] if head else []
    unit = head if head in TERRITORIAL_UNITS else None
    if head in COUNCILS:
        unit, tokens = _agency_word(tokens, _UNITS)
        words += [unit] if unit else []
    if unit and tokens:
        place = " ".join(tokens)
        tokens = (known_place(place) or place).upper().split()
    return " ".join(words + tokens)


def _provinces_named(text: str) -> str:
    """A unit and the province after it ("ĐỊA BÀN TÍNH QUẢNG NẠM") spelt as they can only
    be, in the case of the text around them."""
    tokens, words = text.split(), []
    while tokens:
        unit, rest = _agency_word(tokens, _UNITS)
        place = _place_opening(rest) if unit else None
        if unit and place:
            words += [unit if tokens[0].isupper() else unit.lower(), place[0]]
            tokens = rest[place[1] :]
        else:
            words.append(tokens.pop(0))
    return " ".join(words)


def _place_opening(tokens: list[str]) -> tuple[str, int] | None:
    """The province or seat the first tokens name, and how many tokens name it."""
    for size in range(min(PLACE_WORDS, len(tokens)), 0, -1):
        if known := known_place(" ".join(tokens[:size])):
            return known, size
    return None


def _agency_word(tokens: list[str], words: dict[str, str]) -> tuple[str | None, list[str]]:
    """The word of `words` the first tokens spell, longest first, and the tokens after it."""
    for size in range(min(LONGEST_AGENCY_WORD, len(tokens)), 0, -1):
        word = words.get("".join(fold(token) for token in tokens[:size]))
        if word:
            return word, tokens[size:]
    return None, tokens


def _stray(token: str) -> bool:
    """A token no agency name has: no capital letter, and short or no letter at all."""
    return not any(c.isupper() for c in token) and (
        len(token) <= 2 or not any(c.isalpha() for c in token)
    )


def _without_tail(lines: list[str]) -> str:
    """A name in capitals without the words after it that have a small letter or are a lone
    letter ("Sứ", "L", "Ỉ V/v phê duyệt"): what OCR read from a speck, or a line beside the
    name that it ran into. A name not in capitals is as read."""
    tokens = " ".join(lines).split()
    kept = list(tokens)
    while len(kept) > 1 and (
        any(c.islower() for c in kept[-1]) or sum(c.isalpha() for c in kept[-1]) == 1
    ):
        kept.pop()
    return " ".join(kept if " ".join(kept).isupper() else tokens)


def _summary_under_number(lines: list[Line]) -> tuple[str, list[Line]] | None:
    """A công văn's "V/v …" summary, which stands under its number and may wrap (a secrecy
    or urgency mark stamped below it is not part of it)."""
    start = next(
        (i for i, line in enumerate(lines) if _fold(line).replace(" ", "").startswith("v/v")), None
    )
    if start is None:
        return None
    summary: list[Line] = []
    for line in lines[start:]:
        if _mark_in(normalize(line.text), SECRECY_MARKS + URGENCY_MARKS):
            break
        summary.append(line)
    return " ".join(text.strip() for text in _spelt_across(summary)), summary


def _cong_van_by_rule(header: Description, page: PageLayout, top: list[Line]) -> bool:
    """A công văn by the NĐ 30/2020 rule, when its "V/v" was misread: no type name line
    under the header, and a notation without a type abbreviation or a "Kính gửi" line."""
    below = page.lines[len(top) :]
    if below and _type_named(below[0].text):
        return False
    by_notation = doc_type_of_notation(header.notation or "")
    unabbreviated = bool(header.notation) and by_notation in (None, CONG_VAN)
    return unabbreviated or any(_starts_like(_fold(line), KINH_GUI) for line in page.lines[:40])


def _starts_like(text: str, phrase: str) -> bool:
    """`text` starts with `phrase`, or with what OCR makes of it (a letter or two wrong)."""
    return fuzz.ratio(text[: len(phrase)], phrase) >= OCR_TOLERANCE


def _misread_summary(lines: list[Line]) -> tuple[str, list[Line]] | None:
    """The lines under a công văn's number, its "V/v" put back when OCR made a short token
    of it ("Ví", "MẠI"): NĐ 30/2020 starts every công văn's summary with it."""
    summary, texts = [], []
    for line in lines:
        text = normalize(line.text).strip()
        if not text or _mark_in(text, SECRECY_MARKS + URGENCY_MARKS) or _is_motto(line):
            break
        summary.append(line)
        texts.append(text)
    if not summary:
        return None
    first, _, rest = texts[0].partition(" ")
    if len(first) <= 4 and rest and not fold(texts[0]).startswith("ve viec"):
        texts[0] = f"V/v {rest}"
    return " ".join(texts), summary


def _is_motto(line: Line) -> bool:
    """The motto's lines, their words glued or split by OCR or one of them misread; not a
    word that begins like one of them ("tự động"). The Party's name is the whole line."""
    folded = _fold(line)
    letters = folded.replace(" ", "")
    return (
        any(phrase in letters for phrase in _MOTTO)
        or fuzz.ratio(letters.strip(STRAY), _PARTY) >= OCR_TOLERANCE
        or len(_MOTTO_WORDS.findall(folded)) >= 2
        or bool(_SEPARATOR.match(line.text))
    )


def _read_place_date(header: HeaderReading, lines: list[Line]) -> None:
    text = " ".join(normalize(line.text) for line in lines)
    folded = fold(text)  # folding keeps the length and positions of `text`
    match, trust = _date_in(folded)
    if match is None:
        return
    day, month, year = (int(g.replace(" ", "")) for g in match.groups())
    # a date in the future is refused by the describe stage, saying so; 31/02 is misread
    with suppress(ValueError):
        header.set("issue_date", date(year, month, day), lines, trust)
    place = _place(text[: match.start()])
    first, _, rest = place.partition(" ")
    if rest and not known_place(place) and known_place(rest) and first not in PLACE_UNITS:
        place = rest  # a speck read as a word before it ("SA Hải Phòng")
    if place:
        known = known_place(place)
        header.set("place", known or place, lines, 1.0 if known in (None, place) else FUZZY_MATCH)


def _place(text: str) -> str:
    """The place before the date, without what OCR left before it: marks, specks, the end
    of the motto ("… VIỆT NAM _ Quảng Trị")."""
    tokens = text.strip(" ,.").split()
    marks = [i for i, t in enumerate(tokens) if t not in "-–" and not any(c.isalpha() for c in t)]
    tokens = tokens[marks[-1] + 1 :] if marks else tokens
    while tokens and not tokens[0].lstrip(STRAY)[:1].isupper():
        tokens.pop(0)
    return " ".join(tokens).strip(STRAY)


def _type_block(top: list[Line], number_line: list[Line], below: list[Line]) -> list[Line]:
    """The lines from the type name down. OCR may read a type name that stands off-centre as
    part of the header's right column: lines of the header below its number row come first."""
    if not number_line:
        return below
    floor = number_line[0].box[3]
    pulled = sorted((line for line in top if line.box[1] >= floor), key=lambda line: line.box[1])
    return [*pulled, *below]


def _read_type_and_subject(header: HeaderReading, page: PageLayout, lines: list[Line]) -> None:
    """The type name in capitals, centred, and the summary centred under it."""
    if not lines or header.fields.subject:
        return
    type_name = _type_named(lines[0].text)
    if type_name is None:
        return
    exact = doc_type_named(lines[0].text.strip(STRAY)) is not None
    header.set("doc_type", type_name, lines[:1], 1.0 if exact else FUZZY_MATCH)
    centre = _text_centre(page)
    subject: list[Line] = []
    for line in lines[1:]:
        previous = subject[-1] if subject else lines[0]
        line_centre = (line.box[0] + line.box[2]) / 2
        if (
            abs(line_centre - centre) > 0.06 * page.width
            or line.box[1] - previous.box[1] > 2.2 * previous.height
            or not _wordy(line.text)  # the short rule under the summary, as OCR read it
            or _case_changes(subject, line)
            or _names_issuer(line.text, header.fields.issuing_agency)
        ):
            break
        subject.append(line)
    if subject:
        text = " ".join(
            printed.lstrip(SUBJECT_STRAY + "-–—").rstrip(SUBJECT_STRAY)
            for printed in _spelt_across(subject)
        )
        named = _provinces_named(_tidy_subject(text))
        header.set("subject", named, subject, 1.0 if named == text else FUZZY_MATCH)


def _spelt_across(lines: list[Line]) -> list[str]:
    """The lines' texts, their words spelt as the words around them say across the ends of
    the lines too: a summary wraps inside compounds, where OCR's text was put right line by
    line ("PHỐ | BIẾN" stays so alone)."""
    words = [word for line in lines for word in line.words]
    spelt = iter(correct([word.text for word in words], [word.confidence for word in words]))
    return [normalize(" ".join(filter(None, (next(spelt) for _ in line.words)))) for line in lines]


def _tidy_subject(text: str) -> str:
    """A summary without the specks OCR read in and around it: tokens of stray marks only,
    marks no summary has inside, a dash after its last word, a quote opened or closed at one
    end and never at the other."""
    tokens = [token for token in text.split() if token.strip(SUBJECT_STRAY + "_")]
    text = " ".join(tokens).rstrip(" -–—")
    for speck, space in _SUBJECT_SPECKS:
        text = speck.sub(space, text)
    for opening, closing in ("“”", '""'):
        if text.startswith(opening) and closing not in text[1:]:
            text = text[1:]
        if text.endswith(closing) and opening not in text[:-1]:
            text = text[:-1]
    return text.strip()


def _case_changes(subject: list[Line], line: Line) -> bool:
    """A summary in capitals wraps in capitals, one in small letters in small letters: the
    body or the issuer's line under it changes case (a line of figures has no case). The
    Party names a meeting in capitals and goes on in small letters with what it is about
    ("về xây dựng …"): that is one summary."""
    cased = [case for case in map(_in_capitals, (s.text for s in subject)) if case is not None]
    cases = [cased[-1] if cased else None, _in_capitals(line.text)]
    if cases == [True, False] and fold(line.text).lstrip(SUBJECT_STRAY).startswith("ve "):
        return False
    return None not in cases and cases[0] != cases[1]


def _in_capitals(text: str) -> bool | None:
    letters = [c for c in text if c.isalpha()]
    return sum(c.isupper() for c in letters) > 0.7 * len(letters) if letters else None


def _names_issuer(text: str, agency: str | None) -> bool:
    """The line under the summary that names who issues ("ỦY BAN NHÂN DÂN TỈNH TIỀN GIANG",
    "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH"), as OCR read it: little more than the issuing agency."""
    if not agency:
        return False
    line, name = " ".join(fold(text).split()).strip(STRAY), fold(agency)
    return (
        0.8 * len(name) <= len(line) <= len(name) + ISSUER_PREFIX
        and fuzz.partial_ratio(name, line) >= OCR_TOLERANCE + 10
    )


def _type_named(text: str) -> str | None:
    """The document type a type-name line names, as OCR read it: stray marks around it,
    a letter or two wrong ("QUYÉT ĐJNH:")."""
    plain = text.strip(STRAY)
    known = doc_type_named(plain)
    if known or not plain.isupper():
        return known
    found = process.extractOne(
        " ".join(fold(plain).split()), list(_FOLDED_TYPES), scorer=fuzz.ratio, score_cutoff=85
    )
    return _FOLDED_TYPES[found[0]] if found else None


def _wordy(text: str) -> bool:
    """Mostly letters and digits: a line of text, not a rule or a smudge."""
    kept = sum(c.isalnum() for c in text)
    return kept >= 2 and kept >= 0.6 * len(text.replace(" ", ""))


def _text_centre(page: PageLayout) -> float:
    """Centre of the text column, from the widest lines (the body's justified lines)."""
    widths = [line.box[2] - line.box[0] for line in page.lines]
    if not widths:
        return page.width / 2
    wide = [line for line in page.lines if line.box[2] - line.box[0] > 0.8 * max(widths)]
    return median((line.box[0] + line.box[2]) / 2 for line in wide)


def _read_marks(header: HeaderReading, lines: list[Line]) -> None:
    for line in lines:
        text = normalize(line.text)
        for name, marks in (("secrecy", SECRECY_MARKS), ("urgency", URGENCY_MARKS)):
            if getattr(header.fields, name) is None and (mark := _mark_in(text, marks)):
                header.set(name, mark, [line])


def _mark_in(text: str, marks: tuple[str, ...]) -> str | None:
    """A secrecy or urgency mark standing alone on its line (longest first: TỐI MẬT before MẬT)."""
    folded = " ".join(fold(text).split()).strip(" .,")
    return next((mark for mark in marks if folded == fold(mark)), None)


def _read_closing(header: HeaderReading, pages: list[PageLayout]) -> None:
    """The signature block and the Nơi nhận list after the body: the first title block on
    the right half of a page (an authority mark or a title in capitals, line after line)
    with a name under it, within the space left for the signature. Where no signature block
    is read (a seal pressed over it), the list is still read under its heading."""
    below_header = [
        (page, page.lines[len(_header_region(page)) if n == 0 else 0 :])
        for n, page in enumerate(pages)
    ]
    for page, lines in below_header:
        right = sorted(
            (line for line in lines if line.box[0] > CLOSING_SPLIT * page.width),
            key=lambda line: line.box[1],
        )
        for start in range(len(right)):
            found = _signature_block(right[start:])
            if found:
                title_lines, name_line = found
                printed = [normalize(t.text).strip() for t in title_lines]
                titles = [_title(text) for text in printed]
                name = _name(name_line)
                spelt = _surname_spelt(name)
                header.set("signer_name", spelt, [name_line], 1.0 if spelt == name else FUZZY_MATCH)
                trust = 1.0 if titles == printed else FUZZY_MATCH
                header.set("signer_title", " / ".join(titles), title_lines, trust)
                marks = [m.group(1).upper() + "." for t in titles if (m := _MARK.match(t))]
                if marks:
                    header.set("authority_mark", " ".join(marks), title_lines)
                _read_recipients(header, page, lines, right[start])
                return
    for page, lines in below_header:
        if _read_recipients(header, page, lines, None):
            return


def _title(text: str) -> str:
    """A title line without the specks at its ends, its mark, office and agency words spelt
    as they can only be ("_TM. ỦY BAN NHÂN DÂN TÍNH -", "HT: RỘ TRƯỞNG.")."""
    text = text.lstrip(STRAY).rstrip(TITLE_END)
    mark = _MARK.match(text)
    if mark is None:
        first, _, rest = text.partition(" ")
        misread = _misread_mark(first)
        if misread and (office := _position(rest.rstrip("."))):
            return f"{misread} {office}"
        return _position(text.rstrip(".")) or _agency_words(text)
    printed = text[: mark.end()].replace(":", ".")  # "KT:" is a misread "KT."
    rest = text[mark.end() :]
    if starts_with_any(rest, POSITIONS):  # an office and what it heads: as printed
        return f"{printed}{rest}"
    return f"{printed}{_position(rest.rstrip('.')) or _agency_words(rest)}"


def _position(text: str) -> str | None:
    """The office of POSITIONS that `text` is, a letter or two misread or lost ("RỘ
    TRƯỞNG", "PHÙCHỦ TỊCH"), when no other is as near; None when it is none of them."""
    letters = "".join(text.split())
    spaceless = _only_near(letters, _POSITIONS, POSITION_TOLERANCE)
    if spaceless is None or abs(len(spaceless) - len(letters)) > 1:  # a word more or less
        return None
    return _POSITIONS[spaceless]


def _only_near(read: str, choices: dict[str, str], tolerance: float) -> str | None:
    """The key of `choices` that `read` is at least `tolerance` alike to (rapidfuzz's
    ratio), and UNIQUE_MARGIN more than to any other; None when there is none."""
    found = process.extract(read, list(choices), scorer=fuzz.ratio, limit=2)
    if not found or found[0][1] < tolerance:
        return None
    if len(found) > 1 and found[0][1] - found[1][1] < UNIQUE_MARGIN:
        return None
    return str(found[0][0])


def _misread_mark(token: str) -> str | None:
    """The authority mark of two letters a token before an office is, misread, when it can
    be no other: one of its letters misread ("HT:", "JWT" for "KT."), or its first lost
    ("T." or "#T": only KT. ends in T)."""
    letters = "".join(c for c in fold(token).upper() if c.isalpha())[-2:]
    if len(token) > 4 or not letters:
        return None
    near = [
        mark
        for mark in AUTHORITY_MARKS
        if len(mark) == 3
        and (
            mark[1] == letters
            if len(letters) == 1
            else sum(a != b for a, b in zip(mark[:2], letters, strict=True)) == 1
        )
    ]
    return near[0] if len(near) == 1 else None


def _signature_block(lines: list[Line]) -> tuple[list[Line], Line] | None:
    """(title lines, name) when `lines` (top to bottom) open with a signature block. What
    OCR made of the seal and the signature around it (words it hardly believed) is passed
    over."""
    lines = [line for line in lines if _believed(line)]
    titles: list[Line] = []
    for line in lines:
        if titles and line.box[1] - titles[-1].box[3] > 1.5 * titles[-1].height:
            break
        if not _is_title(normalize(line.text).strip()):
            break
        titles.append(line)
    if not titles:
        return None
    last = titles[-1]
    for line in lines[len(titles) :]:
        if line.box[1] - last.box[3] > SIGNATURE_SPACE * last.height:
            return None
        if _is_name(_name(line)):
            return titles, line
    return None


def _believed(line: Line) -> bool:
    return sum(word.confidence for word in line.words) >= MARKS_CONFIDENCE * len(line.words)


def _is_title(text: str) -> bool:
    """An authority mark (KT., TM. …) or a title in capitals (CHỦ TỊCH)."""
    return bool(_MARK.match(text)) or (text.isupper() and sum(c.isalpha() for c in text) >= 2)


def _name(line: Line) -> str:
    """A name line without the specks around it and between its words ("_-Phạm Lê Tuấn",
    "Thị Xuyên .", "Nguyễn Đức: Tâm"): a name has no marks."""
    text = normalize(line.text).strip().lstrip(STRAY).rstrip(TITLE_END + ".").strip()
    return " ".join(kept for word in text.split() if (kept := word.strip(STRAY)))


def _surname_spelt(name: str) -> str:
    """The name with its family name spelt as it can only be: its accents misread
    ("Nguyên Thị Xuyên"), or a letter of a longer one ("Ngyên", "tương")."""
    surname, _, rest = name.partition(" ")
    known = _SURNAMES.get(fold(surname))
    if known is None and len(surname) >= SURNAME_LETTERS:
        near = _only_near(fold(surname), _SURNAMES, SURNAME_TOLERANCE)
        known = _SURNAMES[near] if near else None
    known = known or surname
    return f"{known} {rest}" if rest else known


def _is_name(text: str) -> bool:
    """A person's name: two words or more, each capitalised, not all in capitals; the family
    name's capital may be misread small when it is a family name still ("tương")."""
    words = text.split()
    return (
        2 <= len(words) <= 6
        and not text.isupper()
        and all(w[:1].isupper() for w in words[1:])
        and (words[0][:1].isupper() or _surname_spelt(words[0]) != words[0])
    )


def _filed(item: str) -> str:
    """The "Lưu: VT, …" item (NĐ 30/2020: filed with the records office, VT, and the unit that
    drafted it) with its words put back: "Lựu", "VI" or "VE" misread, the comma after VT read
    as a space, a semicolon or nothing. Any other item is as read."""
    first, _, rest = item.partition(" ")
    if fold(first).rstrip(":") != "luu" or not rest:
        return item
    filed = f"Lưu{first[3:]} {rest}"
    return _FILED_WITH.sub(r"\1, ", _VT_MISREAD.sub(r"\1VT", filed))


def _left_words(line: Line, page: PageLayout) -> list[str]:
    """The words of a line in the left column: what OCR joined to it from the right is not."""
    return [word.text for word in line.words if word.box[0] <= CLOSING_SPLIT * page.width]


def _read_recipients(
    header: HeaderReading, page: PageLayout, lines: list[Line], signature: Line | None
) -> bool:
    """The items of the Nơi nhận list on the left, beside the signature block when one was
    read, else under a heading standing alone in its column. An item starts with '-', or
    after an item ending in ";"; another line continues the item above. False: no list."""
    left = sorted(
        (line for line in lines if line.box[0] <= CLOSING_SPLIT * page.width),
        key=lambda line: line.box[1],
    )
    heading = [
        i
        for i, line in enumerate(left)
        if (
            _fold(line).startswith("noi nhan")
            and abs(line.box[1] - signature.box[1]) < 4 * signature.height
            if signature
            else _RECIPIENTS_HEADING.fullmatch(fold(" ".join(_left_words(line, page))))
        )
    ]
    if not heading:
        return False
    items: list[str] = []
    read: list[Line] = []
    previous = left[heading[0]]
    for line in left[heading[0] + 1 :]:
        text = normalize(line.text).strip()
        if not any(c.isalnum() for c in text):  # a seal's or a signature's marks
            continue
        if line.box[1] - previous.box[3] > 2 * previous.height:
            break
        opened = text.lstrip(SPECKS)[:1] in ITEM_MARKS
        # an item ends in ";": a line after one is the next item, its dash lost or not
        if opened or not items or items[-1].endswith(";"):
            items.append(text.lstrip(ITEM_MARKS + STRAY))
        else:
            items[-1] += " " + text
        read.append(line)
        previous = line
    if items:
        header.set("recipients", [_filed(item) for item in items], read)
    return bool(items)
