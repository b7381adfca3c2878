"""Validation of the signatures of an electronic original, with pyHanko, offline: whether
the signed bytes are intact and cover the whole file, who signed (name and organisation),
when (from an embedded timestamp when there is one, else the signer's own clock), and
whether the certificate chains to the roots the agency configures (SOHOA_TRUST_ROOTS).
Revocation is checked only from revocation data the file embeds: the archive is offline,
so otherwise it is reported as not checked, never as valid."""

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from asn1crypto import pem
from asn1crypto import x509 as asn1
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko_certvalidator import ValidationContext

from archive_schema.errors import UserError
from archive_schema.models import Signature

SETTING = "SOHOA_TRUST_ROOTS"
Revocation = tuple[list[Any], list[Any]]  # the CRLs and OCSP responses a file carries


def trust_roots(bundle: Path | None) -> list[asn1.Certificate]:
    """The certificates of a PEM bundle; UserError naming the setting when it is not one."""
    if bundle is None:
        return []
    try:
        data = bundle.read_bytes()
        found = [asn1.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True)]
    except (OSError, ValueError, TypeError) as error:
        raise UserError(
            f"{SETTING}={bundle}: not a readable PEM bundle of certificates ({error})",
            f"Cài đặt {SETTING} ({bundle.name}): không đọc được tệp chứng thư gốc (PEM).",
        ) from error
    if not found:
        raise UserError(
            f"{SETTING}={bundle}: holds no certificate",
            f"Cài đặt {SETTING} ({bundle.name}): tệp không có chứng thư nào.",
        )
    return found


def signatures_of(pdf: bytes, roots: Sequence[asn1.Certificate]) -> list[Signature]:
    """Each signature of the PDF, validated; none for a PDF that is not signed."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = reader.embedded_signatures
        stored = _stored_revocation(reader)
    except (PdfError, ValueError, KeyError) as error:
        return [Signature(field="?", status="unknown", detail=f"signatures unreadable: {error}")]
    return [_validated(signature, roots, stored) for signature in embedded]


def _validated(
    signature: EmbeddedPdfSignature, roots: Sequence[asn1.Certificate], stored: Revocation
) -> Signature:
    field = signature.field_name
    crls, ocsps = _revocation(signature, stored)
    checked = bool(crls or ocsps)  # with the file's own revocation data: every link checked
    context = ValidationContext(
        trust_roots=list(roots),
        allow_fetching=False,
        crls=crls,
        ocsps=ocsps,
        revocation_mode="hard-fail" if checked else "soft-fail",
    )
    try:
        status = validate_pdf_signature(signature, context)
    except Exception as error:  # a broken signature dictionary: pyHanko raises many kinds
        return Signature(field=field, status="unknown", detail=f"{type(error).__name__}: {error}")
    subject = status.signing_cert.subject.native
    stamp = status.timestamp_validity
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    if not (status.intact and status.valid):
        verdict, why = "invalid", "the signed bytes were changed"
    elif not status.docmdp_ok:
        verdict, why = "invalid", "changed after signing in a way the signature does not allow"
    elif status.trust_problem_indic is not None or not roots:
        problem = status.trust_problem_indic
        verdict = "untrusted"
        why = f"not trusted: {problem}" if problem else f"not trusted: {SETTING} is not set"
        if problem is not None and "REVOKED" in str(problem):
            why = f"not trusted: its certificate was revoked ({problem})"
    else:
        verdict, why = "valid", "intact, and its certificate chains to a configured root"
    if not whole:
        why += "; the file was added to after it was signed"
    return Signature(
        field=field,
        status=verdict,
        signer=subject.get("common_name"),
        organisation=subject.get("organization_name"),
        signed_at=stamp.timestamp if stamp else status.signer_reported_dt,
        time_source="timestamp" if stamp else "signer" if status.signer_reported_dt else None,
        whole_file=whole,
        revocation="checked" if checked else "not checked",
        detail=why,
    )


def _stored_revocation(reader: PdfFileReader) -> Revocation:
    """The CRLs and OCSP responses of the document's security store (/DSS, PAdES LT)."""
    store = reader.root.get("/DSS")
    if store is None:
        return [], []
    store = store.get_object()
    crls = [item.get_object().data for item in store.get("/CRLs", [])]
    ocsps = [item.get_object().data for item in store.get("/OCSPs", [])]
    return crls, ocsps


def _revocation(signature: EmbeddedPdfSignature, stored: Revocation) -> Revocation:
    """The revocation data a signature carries (Adobe's archival attribute), with the
    document's own."""
    crls, ocsps = list(stored[0]), list(stored[1])
    for attribute in signature.signer_info["signed_attrs"]:
        if attribute["type"].native == "adobe_revocation_info_archival":
            for archived in attribute["values"]:
                crls += list(archived["crl"] or [])
                ocsps += list(archived["ocsp"] or [])
    return crls, ocsps
