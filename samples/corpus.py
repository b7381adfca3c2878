"""The development corpus: real administrative documents and their printed metadata.

The texts are re-publications whose header is flattened into a few lines; `parts()` recovers
the pieces of an NĐ 30/2020 page (header blocks, number, place and date, type name, summary,
body, Nơi nhận, signature, annex) so that they can be typeset the way they were printed.
"""

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import groupby
from typing import Any

from archive_schema.vocab import CONG_VAN, PARTY_NAME

_DATE = re.compile(r"ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}")
_SEPARATOR = re.compile(r"^[\s|\-*_]*$")
_TABLE_RULE = re.compile(r"^\|?(\s*:?-{3,}:?\s*\|)+\s*$")
_COMPOUND_AGENCY = re.compile(r"^(Ủ?U?[ỶỸY] BAN NHÂN DÂN|HỘI ĐỒNG NHÂN DÂN) (.+)$")


@dataclass(frozen=True)
class CorpusDocument:
    id: str
    text: str
    truth: dict[str, Any]


Table = tuple[tuple[str, ...], ...]  # rows of cells, the first its heading; rows padded even
Block = str | Table  # a paragraph or a table


@dataclass(frozen=True)
class DocumentParts:
    """What an NĐ 30/2020 page shows, in the order it is read."""

    parent_agency: str | None
    agency_lines: tuple[str, ...]  # the issuing agency, on the lines it is printed
    motto_lines: tuple[str, ...]
    party: bool  # a Party document (Hướng dẫn 36-HD/VPTW): a star under the agency
    number_line: str
    place_date: str
    type_name: str | None  # None for a công văn, whose summary stands under the number
    subject: str
    body: tuple[Block, ...]
    recipients: tuple[str, ...]
    signature: tuple[str, ...]  # empty for an excerpt, which stops before the signature
    signer_name: str | None
    annex: tuple[Block, ...]


@cache
def corpus() -> tuple[CorpusDocument, ...]:
    root = resources.files("samples") / "corpus"
    rows = [json.loads(line) for line in (root / "metadata.jsonl").read_text("utf-8").splitlines()]
    return tuple(
        CorpusDocument(row["id"], (root / "docs" / f"{row['id']}.txt").read_text("utf-8"), row)
        for row in rows
    )


def document(doc_id: str) -> CorpusDocument:
    found = next((doc for doc in corpus() if doc.id == doc_id), None)
    if found is None:
        known = ", ".join(doc.id for doc in corpus())
        raise KeyError(f"no corpus document {doc_id!r}; known: {known}")
    return found


def parts(doc: CorpusDocument) -> DocumentParts:
    truth, text = doc.truth, doc.text
    date_match = _DATE.search(text)
    if date_match is None:
        raise ValueError(f"corpus document {doc.id}: no 'ngày … tháng … năm …' date")
    subject_end = _find(truth["subject"], text).end()
    body_start = max(subject_end, date_match.end())
    title = truth["signer_title"].split(" / ") if truth["signer_title"] else []
    sig_start, sig_end = (
        _signature_span(text, title, truth["signer_name"], body_start)
        if title
        else (len(text), len(text))
    )
    recipients_start = text.rfind("Nơi nhận", body_start, sig_start)
    body_end = recipients_start if recipients_start >= 0 else sig_start
    motto = "CỘNG HOÀ" if "CỘNG HOÀ" in text else "CỘNG HÒA"
    party = PARTY_NAME in text[: date_match.start()]
    return DocumentParts(
        parent_agency=truth["parent_agency"],
        agency_lines=_agency_lines(truth["issuing_agency"]),
        motto_lines=(PARTY_NAME,)
        if party
        else (f"{motto} XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"),
        party=party,
        number_line=f"Số {truth['number_symbol']}" if party else f"Số: {truth['number_symbol']}",
        place_date=f"{truth['place']}, {date_match.group()}",
        type_name=None if truth["doc_type"] == CONG_VAN else truth["doc_type"].upper(),
        subject=truth["subject"],
        body=_blocks(text[body_start:body_end]),
        recipients=_lines(text[body_end:sig_start]) if recipients_start >= 0 else (),
        signature=tuple(title),
        signer_name=truth["signer_name"],
        annex=_blocks(text[sig_end:]),
    )


def _find(phrase: str, text: str) -> re.Match[str]:
    """Find `phrase` in `text` whatever the whitespace between its words."""
    pattern = r"\s*".join(re.escape(word) for word in phrase.split())
    match = re.search(pattern, text)
    if match is None:
        raise ValueError(f"{phrase!r} is not in the text")
    return match


def _signature_span(text: str, title: list[str], name: str, start: int) -> tuple[int, int]:
    """Where the signature block stands: its first title line followed closely by the name."""
    pattern = r"\s*".join(re.escape(word) for word in title[0].split())
    for match in reversed(list(re.finditer(pattern, text[start:]))):
        name_at = text.find(name, start + match.end(), start + match.end() + 200)
        if name_at >= 0:
            return start + match.start(), name_at + len(name)
    raise ValueError(f"signature {title[0]!r} … {name!r} not found")


def _agency_lines(agency: str) -> tuple[str, ...]:
    """`ỦY BAN NHÂN DÂN` above `TỈNH LÀO CAI`, as printed."""
    compound = _COMPOUND_AGENCY.match(agency)
    return compound.groups() if compound else (agency,)


def _lines(text: str) -> tuple[str, ...]:
    return tuple(
        line.strip() for line in text.splitlines() if not _SEPARATOR.match(line) and line.strip()
    )


def _blocks(text: str) -> tuple[Block, ...]:
    """Paragraphs, and each run of markdown table rows as one table (rule rows and rows of
    empty cells dropped)."""
    blocks: list[Block] = []
    for is_row, lines in groupby(text.splitlines(), lambda line: line.lstrip().startswith("|")):
        if not is_row:
            blocks.extend(_lines("\n".join(lines)))
            continue
        rows = [
            tuple(cell.strip() for cell in line.strip().strip("|").split("|"))
            for line in lines
            if not _TABLE_RULE.match(line.strip())
        ]
        rows = [row for row in rows if any(row)]
        columns = max(map(len, rows), default=0)
        if rows:
            blocks.append(tuple(row + ("",) * (columns - len(row)) for row in rows))
    return tuple(blocks)
