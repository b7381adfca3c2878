"""Describe: the record's metadata, from the manifest where it says, else from the header."""

from datetime import date
from typing import Any

from archive_schema.errors import UserError
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


class ClassifiedRecord(UserError):
    """A record marked MẬT, TỐI MẬT or TUYỆT MẬT, on a deployment not declared air-gapped."""


def refuse_classified(doc: Document, air_gapped: bool) -> None:
    """The law on state secrets (29/2018/QH14, Art. 5.8) forbids keeping a secret document on
    a computer connected to a network: unless the deployment says it is not
    (SOHOA_CLASSIFIED_ARCHIVE=true), a secret-marked record is kept out of the archive."""
    if doc.secrecy and not air_gapped:
        raise ClassifiedRecord(
            f"marked {doc.secrecy}: a state secret may not be kept on a networked computer"
            " (Law 29/2018/QH14, Art. 5.8); kept out of the archive, its files left where the"
            " batch came from. An air-gapped deployment sets SOHOA_CLASSIFIED_ARCHIVE=true",
            f"Văn bản có dấu độ mật “{doc.secrecy}”: Luật Bảo vệ bí mật nhà nước (29/2018/QH14,"
            " Điều 5, khoản 8) cấm lưu giữ trên máy tính nối mạng. Văn bản không được đưa vào"
            " kho và không được sao lưu ở đây; hãy lưu trữ trên hệ thống không nối mạng.",
        )


def _set(doc: Document, field: str, value: Any, source: Source) -> None:
    setattr(doc, field, value)
    doc.sources[field] = source
