"""Digitised copies signed by the agency (NĐ 30/2020, Phụ lục I): when the agency configures
its certificate (SOHOA_SIGNING_KEY, a PKCS#12 file; its password SOHOA_SIGNING_PASSWORD, or
the file SOHOA_SIGNING_PASSWORD_FILE), every PDF/A copy is signed before it is packaged,
PAdES baseline B-B, or B-T with a timestamp from SOHOA_TSA_URL (RFC 3161). The signature
stands at the top right of page 1, without an image: the agency's name and the signing
time in ISO 8601 with Vietnam's time zone, in an embedded font, so the copy stays PDF/A."""

import io
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import pikepdf
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import signers
from pyhanko.sign.fields import SigFieldSpec, SigSeedSubFilter
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.stamp import TextStampStyle

from archive_schema.errors import UserError
from archive_schema.models import Signature
from pipelines.settings import Settings
from pipelines.signatures.validation import signatures_of, trust_roots

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
# fonts-noto-core; 1000 units an em: pyHanko spaces glyphs as if every font had that many
FONT = "/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf"
FIELD = "ChuKySoCoQuan"
BOX_PT = (230, 26, 20, 12)  # width and height, and the margins from the right and the top
LABEL = "SOHOA_SIGNING_KEY"


@dataclass(frozen=True)
class AgencySigner:
    signer: signers.SimpleSigner
    agency: str  # the organisation of its certificate, else its name
    tsa_url: str
    roots: Path | None  # SOHOA_TRUST_ROOTS, which each signed copy is validated against


def agency_signer(settings: Settings) -> AgencySigner | None:
    """The agency's signer, None when no key is configured; UserError naming the setting
    when the key or its password cannot be read (commands check this as they start)."""
    if settings.signing_key is None:
        return None
    password = settings.signing_password
    if settings.signing_password_file is not None:
        try:
            password = settings.signing_password_file.read_text("utf-8").rstrip("\n")
        except OSError as error:
            raise UserError(
                f"SOHOA_SIGNING_PASSWORD_FILE={settings.signing_password_file}: {error}",
                "Không đọc được tệp mật khẩu của khóa ký (SOHOA_SIGNING_PASSWORD_FILE).",
            ) from error
    return _loaded(settings.signing_key, password, settings.tsa_url, settings.trust_roots)


@cache
def _loaded(key: Path, password: str, tsa_url: str, roots: Path | None) -> AgencySigner:
    refused = UserError(
        f"{LABEL}={key}: not a PKCS#12 file this password opens (check the file, and"
        " SOHOA_SIGNING_PASSWORD or SOHOA_SIGNING_PASSWORD_FILE)",
        f"Không mở được khóa ký của cơ quan ({LABEL}): kiểm tra tệp PKCS#12 và mật khẩu.",
    )
    if not key.is_file():
        raise refused
    try:
        loaded = signers.SimpleSigner.load_pkcs12(  # type: ignore[no-untyped-call]
            str(key), passphrase=password.encode() or None
        )
    except (ValueError, TypeError, OSError) as error:
        raise refused from error
    if loaded is None:
        raise refused
    subject = loaded.signing_cert.subject.native
    agency = subject.get("organization_name") or subject.get("common_name") or ""
    return AgencySigner(loaded, str(agency), tsa_url, roots)


def sign_copy(pdf: Path, by: AgencySigner) -> tuple[str, Signature]:
    """Sign the PDF/A copy in place (an incremental update); returns what was done, and
    the signature as validated against the configured roots."""
    at = datetime.now(VIETNAM).replace(microsecond=0)
    with pikepdf.open(pdf, allow_overwriting_input=True) as document:
        _, _, right, top = (float(v) for v in document.pages[0].mediabox)
        if _without_signatures(document):
            document.save(pdf)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf.read_bytes()))
    width, height, right_margin, top_margin = BOX_PT
    box = (
        int(right - right_margin - width),
        int(top - top_margin - height),
        int(right - right_margin),
        int(top - top_margin),
    )
    style = TextStampStyle(
        stamp_text="%(agency)s\nKý số lúc: %(at)s",
        text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(FONT), font_size=8),
        border_width=1,
    )
    timestamper = HTTPTimeStamper(by.tsa_url) if by.tsa_url else None
    signer = signers.PdfSigner(
        signers.PdfSignatureMetadata(
            field_name=FIELD,
            subfilter=SigSeedSubFilter.PADES,
            location="Việt Nam",
            reason="Ký số bản số hóa (Nghị định 30/2020/NĐ-CP, Phụ lục I)",
        ),
        signer=by.signer,
        timestamper=timestamper,
        stamp_style=style,
        new_field_spec=SigFieldSpec(FIELD, on_page=0, box=box),
    )
    out = io.BytesIO()
    signer.sign_pdf(
        writer, output=out, appearance_text_params={"agency": by.agency, "at": at.isoformat()}
    )
    pdf.write_bytes(out.getvalue())
    level = "B-T, timestamped by " + by.tsa_url if by.tsa_url else "B-B"
    found = signatures_of(out.getvalue(), trust_roots(by.roots))
    signature = next(s for s in found if s.field == FIELD)
    return f"PAdES {level}, signed by {by.agency} at {at.isoformat()}", signature.model_copy(
        update={"on": "copy"}
    )


def _without_signatures(document: pikepdf.Pdf) -> bool:
    """Take out the signature fields a copy carries (of the original it was made from, or
    of the copy a split or a merge came from): they no longer match its bytes, and the
    agency's signature is the copy's own. Whether there were any."""
    form = document.Root.get("/AcroForm")
    if not isinstance(form, pikepdf.Dictionary) or "/Fields" not in form:
        return False
    kept = [field for field in form.Fields if field.get("/FT") != "/Sig"]
    if len(kept) == len(form.Fields):
        return False
    form.Fields = pikepdf.Array(kept)
    for page in document.pages:
        if "/Annots" in page.obj:
            page.obj.Annots = pikepdf.Array(a for a in page.obj.Annots if not _signature(a))
    return True


def _signature(annotation: pikepdf.Object) -> bool:
    """Whether an annotation is the widget of a signature field (or is that field)."""
    parent = annotation.get("/Parent")
    kind = annotation.get("/FT") or (
        parent.get("/FT") if isinstance(parent, pikepdf.Dictionary) else None
    )
    return bool(kind == "/Sig")
