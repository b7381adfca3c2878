"""Signatures: every digital signature of an electronic original validated, the original
left as it came (pipelines.signatures.validation). A signature that is not valid is an
event that failed, with its reason, and brings the record to the archivists' review queue
(archive_schema.checking)."""

from typing import Literal

from archive_schema.models import Document
from pipelines.ingest.formats import PDF
from pipelines.ingest.intake import DocumentSource
from pipelines.settings import Settings
from pipelines.signatures.validation import signatures_of, trust_roots


def validate(doc: Document, source: DocumentSource, settings: Settings) -> None:
    if len(source.originals) != 1 or source.originals[0].media_type != PDF:
        return
    doc.signatures = signatures_of(source.files[0].read_bytes(), trust_roots(settings.trust_roots))
    for signature in doc.signatures:
        outcome: Literal["ok", "failed"] = "ok" if signature.status == "valid" else "failed"
        who = ", ".join(filter(None, (signature.signer, signature.organisation))) or "?"
        detail = f"{signature.field} ({who}): {signature.status}, {signature.detail}"
        doc.record("signatures", outcome, detail)
