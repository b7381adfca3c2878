"""Describe: the record's metadata, from the manifest where it says, else from the header."""

from datetime import date
from typing import Any

from archive_schema.identifiers import document_code, split_number_symbol
from archive_schema.models import DESCRIPTIVE_FIELDS, Document, Source
from ocr.header import parse_header
from ocr.layout import PageLayout

EARLIEST_DATE = date(1900, 1, 1)


def describe(doc: Document, pages: list[PageLayout], manifest: dict[str, Any]) -> None:
    header = parse_header(pages)
    parsed = header.fields.model_dump(include=header.fields.model_fields_set)
    notes = []
    if parsed.get("issue_date") and not EARLIEST_DATE <= parsed["issue_date"] <= date.today():
        notes.append(f"issue date {parsed['issue_date']} read by OCR is implausible, left empty")
        parsed["issue_date"] = None
    for field in DESCRIPTIVE_FIELDS:
        if field in manifest:
            _set(doc, field, manifest[field], Source.MANIFEST)
        elif parsed.get(field):
            _set(doc, field, parsed[field], Source.OCR)
            doc.field_confidence[field] = header.confidence[field]
    if doc.number_symbol and doc.sources.get("number_symbol") == Source.MANIFEST:
        number, notation = split_number_symbol(doc.number_symbol)
        for field, value in (("number", number), ("notation", notation)):
            if field not in manifest and value:
                _set(doc, field, value, Source.DERIVED)
    code = document_code(doc.dossier_code, doc.ordinal)
    if code and "code" not in manifest:
        _set(doc, "code", code, Source.DERIVED)
    if doc.secrecy and "access_level" not in manifest:
        _set(doc, "access_level", "secret", Source.DERIVED)
    counts = {s: sum(1 for v in doc.sources.values() if v == s) for s in Source}
    detail = f"{counts[Source.OCR]} fields from OCR, {counts[Source.MANIFEST]} from the manifest"
    missing = [
        f
        for f in ("doc_type", "number_symbol", "issue_date", "issuing_agency", "subject")
        if not getattr(doc, f)
    ]
    if missing:
        notes.append("not found: " + ", ".join(missing))
    doc.record("describe", "ok", "; ".join([detail, *notes]))


def _set(doc: Document, field: str, value: Any, source: Source) -> None:
    setattr(doc, field, value)
    doc.sources[field] = source
