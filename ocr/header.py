"""Metadata of an administrative document read from its OCR layout (NĐ 30/2020 §5 layout).

The header's left column gives the agencies and "Số: <number>/<notation>" (and a công văn's
"V/v" summary); the right column gives the place and date under the national motto. Centred
below come the type name and the summary; at the end, Nơi nhận on the left beside the
signature block (authority mark, title, name) on the right. Real documents bend the rules
("tháng 07", "QĐ .UB"), so every field is optional and parsed independently.
"""

import re
from datetime import date
from statistics import median

from rapidfuzz import fuzz, process

from archive_schema.identifiers import split_number_symbol
from archive_schema.models import Description
from archive_schema.vietnamese import fold, normalize
from archive_schema.vocab import (
    AGENCY_HEADS,
    AUTHORITY_MARKS,
    CONG_VAN,
    DOC_TYPES,
    SECRECY_MARKS,
    TERRITORIAL_UNITS,
    URGENCY_MARKS,
    doc_type_named,
    doc_type_of_notation,
    starts_with_any,
)
from ocr.layout import Line, PageLayout

_NUMBER = re.compile(r"^s[oô]\s*[:;.]?\s*(\S*\d.*)$")  # folded "Số: 12/CT-UBND"
_DATE = re.compile(r"ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{4})")
_MOTTO = ("cong hoa xa hoi", "doc lap", "tu do", "hanh phuc")
_MARK = re.compile(
    rf"^({'|'.join(m.rstrip('.') for m in AUTHORITY_MARKS)})\s*[.,]\s*", re.IGNORECASE
)
_SEPARATOR = re.compile(r"^[\W_]*$")
KINH_GUI = "kinh gui"
STRAY = " .,;:-–—_|'\"`~*°)(\\/"  # marks OCR leaves at the ends of a header line
OCR_TOLERANCE = 75  # how alike (rapidfuzz's ratio, 0-100) a misread header word still is
_FOLDED_TYPES = {fold(name): name for name in DOC_TYPES}
SIGNATURE_SPACE = 8  # lines of space between the title and the name, where the signature goes


def parse_header(pages: list[PageLayout]) -> Description:
    """What the pages say of the document; only the fields found are set (model_fields_set)."""
    header = Description()
    if not pages or not pages[0].lines:
        return header
    first = pages[0]
    top = _header_region(first) or first.lines[:8]  # without columns, the header is on top
    left = [line for line in top if line.column == "left"] or top
    right = [line for line in top if line.column == "right"] or top
    number_at = next((i for i, line in enumerate(left) if _NUMBER.match(_fold(line))), None)
    if number_at is not None:
        _read_number(header, left[number_at])
        header.parent_agency, header.issuing_agency = _agencies(left[:number_at])
        under = left[number_at + 1 :]
        summary = _summary_under_number(under)
        if summary is None and _cong_van_by_rule(header, first, top):
            summary = _misread_summary(under)
        if summary:
            header.subject, header.doc_type = summary, CONG_VAN
    _read_place_date(header, [line for line in right if not _is_motto(line)])
    _read_type_and_subject(header, first, first.lines[len(top) :])
    if header.doc_type is None and header.notation:
        header.doc_type = doc_type_of_notation(header.notation)
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


def _read_number(header: Description, line: Line) -> None:
    value = re.sub(r"^\w+\s*[:;.]?\s*", "", normalize(line.text).strip(), count=1)
    value = _repair_abbreviation(re.sub(r"\s*([/-])\s*", r"\1", value).strip(" .,;"))
    if value:
        header.number_symbol = value
        header.number, header.notation = split_number_symbol(value)


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


def _agencies(lines: list[Line]) -> tuple[str | None, str | None]:
    """(parent, issuing): each name starts with a word like BỘ, SỞ, ỦY BAN; a line that
    does not (TỈNH LÀO CAI, a wrapped word) continues the name above it."""
    names: list[str] = []
    for line in lines:
        text = _agency_text(normalize(line.text))
        if not text or _mark_in(text, SECRECY_MARKS + URGENCY_MARKS):
            continue
        if names and (
            starts_with_any(text, TERRITORIAL_UNITS) or not starts_with_any(text, AGENCY_HEADS)
        ):
            names[-1] += " " + text
        else:
            names.append(text)
    if not names:
        return None, None
    return (names[0] if len(names) > 1 else None), names[-1]


def _agency_text(text: str) -> str:
    """An agency line without what specks and rules leave at its ends ("z)", "—", "."):
    agency names are in capitals."""
    tokens = text.split()
    while tokens and _stray(tokens[-1]):
        tokens.pop()
    while tokens and _stray(tokens[0]):
        tokens.pop(0)
    return " ".join(tokens).strip(STRAY)


def _stray(token: str) -> bool:
    """A token no agency name has: no capital letter, and short or no letter at all."""
    return not any(c.isupper() for c in token) and (
        len(token) <= 2 or not any(c.isalpha() for c in token)
    )


def _summary_under_number(lines: list[Line]) -> str | None:
    """A công văn's "V/v …" summary, which stands under its number and may wrap (a secrecy
    or urgency mark stamped below it is not part of it)."""
    start = next(
        (i for i, line in enumerate(lines) if _fold(line).replace(" ", "").startswith("v/v")), None
    )
    if start is None:
        return None
    summary = []
    for line in lines[start:]:
        text = normalize(line.text).strip()
        if _mark_in(text, SECRECY_MARKS + URGENCY_MARKS):
            break
        summary.append(text)
    return " ".join(summary)


def _cong_van_by_rule(header: Description, page: PageLayout, top: list[Line]) -> bool:
    """A công văn by the NĐ 30/2020 rule, when its "V/v" was misread: no type name line
    under the header, and a notation without a type abbreviation or a "Kính gửi" line."""
    below = page.lines[len(top) :]
    if below and _type_named(below[0].text):
        return False
    unabbreviated = bool(header.notation) and doc_type_of_notation(header.notation or "") is None
    return unabbreviated or any(_starts_like(_fold(line), KINH_GUI) for line in page.lines[:40])


def _starts_like(text: str, phrase: str) -> bool:
    """`text` starts with `phrase`, or with what OCR makes of it (a letter or two wrong)."""
    return fuzz.ratio(text[: len(phrase)], phrase) >= OCR_TOLERANCE


def _misread_summary(lines: list[Line]) -> str | None:
    """The lines under a công văn's number, its "V/v" put back when OCR made a short token
    of it ("Ví", "MẠI"): NĐ 30/2020 starts every công văn's summary with it."""
    summary = []
    for line in lines:
        text = normalize(line.text).strip()
        if not text or _mark_in(text, SECRECY_MARKS + URGENCY_MARKS) or _is_motto(line):
            break
        summary.append(text)
    if not summary:
        return None
    first, _, rest = summary[0].partition(" ")
    if len(first) <= 4 and rest and not fold(summary[0]).startswith("ve viec"):
        summary[0] = f"V/v {rest}"
    return " ".join(summary)


def _is_motto(line: Line) -> bool:
    folded = _fold(line)
    return any(phrase in folded for phrase in _MOTTO) or bool(_SEPARATOR.match(line.text))


def _read_place_date(header: Description, lines: list[Line]) -> None:
    text = " ".join(normalize(line.text) for line in lines)
    folded = fold(text)  # folding keeps the length and positions of `text`
    match = _DATE.search(folded)
    if match is None:
        return
    day, month, year = (int(g) for g in match.groups())
    try:
        header.issue_date = date(year, month, day)
    except ValueError:
        return
    place = text[: match.start()].strip(" ,.")
    header.place = place or None


def _read_type_and_subject(header: Description, page: PageLayout, lines: list[Line]) -> None:
    """The type name in capitals, centred, and the summary centred under it."""
    if not lines or header.subject:
        return
    type_name = _type_named(lines[0].text)
    if type_name is None:
        return
    header.doc_type = type_name
    centre = _text_centre(page)
    subject: list[Line] = []
    for line in lines[1:]:
        previous = subject[-1] if subject else lines[0]
        line_centre = (line.box[0] + line.box[2]) / 2
        if (
            abs(line_centre - centre) > 0.06 * page.width
            or line.box[1] - previous.box[1] > 2.2 * previous.height
            or not _wordy(line.text)  # the short rule under the summary, as OCR read it
        ):
            break
        subject.append(line)
    if subject:
        header.subject = " ".join(normalize(line.text).strip() for line in subject)


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


def _read_marks(header: Description, lines: list[Line]) -> None:
    for line in lines:
        text = normalize(line.text)
        header.secrecy = header.secrecy or _mark_in(text, SECRECY_MARKS)
        header.urgency = header.urgency or _mark_in(text, URGENCY_MARKS)


def _mark_in(text: str, marks: tuple[str, ...]) -> str | None:
    """A secrecy or urgency mark standing alone on its line (longest first: TỐI MẬT before MẬT)."""
    folded = " ".join(fold(text).split()).strip(" .,")
    return next((mark for mark in marks if folded == fold(mark)), None)


def _read_closing(header: Description, pages: list[PageLayout]) -> None:
    """The signature block and the Nơi nhận list after the body: the first title block on
    the right half of a page (an authority mark or a title in capitals, line after line)
    with a name under it, within the space left for the signature."""
    for page_index, page in enumerate(pages):
        lines = page.lines[len(_header_region(page)) if page_index == 0 else 0 :]
        right = sorted(
            (line for line in lines if line.box[0] > 0.42 * page.width),
            key=lambda line: line.box[1],
        )
        for start in range(len(right)):
            found = _signature_block(right[start:])
            if found:
                titles, name = found
                header.signer_name = name
                header.signer_title = " / ".join(titles)
                marks = [m.group(1).upper() + "." for t in titles if (m := _MARK.match(t))]
                header.authority_mark = " ".join(marks) or None
                header.recipients = _recipients(page, lines, right[start])
                return


def _signature_block(lines: list[Line]) -> tuple[list[str], str] | None:
    """(title lines, name) when `lines` (top to bottom) open with a signature block."""
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
        name = normalize(line.text).strip()
        if _is_name(name):
            return [normalize(t.text).strip() for t in titles], name
    return None


def _is_title(text: str) -> bool:
    """An authority mark (KT., TM. …) or a title in capitals (CHỦ TỊCH)."""
    return bool(_MARK.match(text)) or (text.isupper() and sum(c.isalpha() for c in text) >= 2)


def _is_name(text: str) -> bool:
    """A person's name: two words or more, each capitalised, not all in capitals."""
    words = text.split()
    return 2 <= len(words) <= 6 and not text.isupper() and all(w[:1].isupper() for w in words)


def _recipients(page: PageLayout, lines: list[Line], signature: Line) -> list[str]:
    """Items of the Nơi nhận list on the left, beside the signature block: each starts with
    '-', and a line that does not continues the item above it."""
    left = sorted(
        (line for line in lines if line.box[0] <= 0.42 * page.width), key=lambda line: line.box[1]
    )
    heading = [
        i
        for i, line in enumerate(left)
        if _fold(line).startswith("noi nhan")
        and abs(line.box[1] - signature.box[1]) < 4 * signature.height
    ]
    if not heading:
        return []
    items: list[str] = []
    previous = left[heading[0]]
    for line in left[heading[0] + 1 :]:
        if line.box[1] - previous.box[3] > 2 * previous.height:
            break
        text = normalize(line.text).strip()
        if text.startswith(("-", "–", "•")) or not items:
            items.append(text.lstrip("-–• ").strip())
        else:
            items[-1] += " " + text
        previous = line
    return items
