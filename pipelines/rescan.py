"""Re-scan (quét lại): a page of an archived record, or the whole record, replaced by a new
scan, OCRed again into a new PDF/A. Nothing is deleted: a replaced scan stays in the
package, listed in its METS as superseded (the whole record re-scanned), or beside the new
one that stands for its page; the record goes back to the queue of records to check."""

import re
from datetime import UTC, datetime
from pathlib import Path
from tempfile import TemporaryDirectory

import pikepdf

from archive_schema.claims import changing
from archive_schema.errors import UserError
from archive_schema.identifiers import sha256_file
from archive_schema.models import Document, OriginalFile
from pipelines.archive import Archive
from pipelines.corrections import checking
from pipelines.filing import filed
from pipelines.ingest.formats import PDF, UnreadableScan, identify
from pipelines.ingest.intake import DocumentSource
from pipelines.ingest.stages.ocr import ocr
from pipelines.package.layout import pdfa_key
from pipelines.package.locks import record_lock
from pipelines.package.read import current_record
from pipelines.package.write import package
from pipelines.record_changes import index_again
from pipelines.signatures.signing import agency_signer
from pipelines.store import Store


def rescan(
    archive: Archive,
    document_id: str,
    scan: Path,
    filename: str,
    page: int | None,
    user: str,
    address: str = "",
) -> Document:
    """Replace page `page` (from 1) of the record, or all of it (None), by `scan` (named
    `filename` by the archivist); UserError in Vietnamese, with nothing changed, when the
    scan is not one or does not fit."""
    with changing(archive.catalog, [document_id]):
        return _rescan(archive, document_id, scan, filename, page, user, address)


def _rescan(
    archive: Archive,
    document_id: str,
    scan: Path,
    filename: str,
    page: int | None,
    user: str,
    address: str = "",
) -> Document:
    settings, store, catalog = archive.settings, archive.store, archive.catalog
    try:
        found = identify(scan, settings.max_page_megapixels)
    except UnreadableScan as error:
        raise UserError(f"{filename}: {error}", f"{filename}: {error.vi}") from None
    doc = current_record(store, catalog, document_id)
    if page is not None and not 1 <= page <= doc.page_count:
        raise UserError(f"{doc.id} has no page {page}", f"Tài liệu này không có trang {page}.")
    if page is not None and (found.pages != 1 or found.media_type == PDF):
        raise UserError(
            f"{filename}: a page is re-scanned from one image",
            f"{filename}: quét lại một trang cần đúng một ảnh (TIFF, JPEG, PNG), không phải"
            f" tệp {found.pages} trang hay PDF.",
        )
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    name = f"quet-lai-{stamp}/{_safe(filename)}"
    new = OriginalFile(
        name=name,
        sha256=sha256_file(scan),
        size=scan.stat().st_size,
        media_type=found.media_type,
        pages=found.pages,
        puid=found.puid,
    )
    with TemporaryDirectory(prefix="sohoa-rescan-") as work:
        pages = [scan] if page is None else _pages_with(store, doc, page, scan, Path(work))
        pdf = Path(work) / "document.pdf"
        source = DocumentSource(doc.source_name, doc.id, tuple(pages), ())
        known = len(doc.events)
        layouts = ocr(doc, source, pdf, settings)
        if page is None:
            doc.superseded, doc.originals = [*doc.superseded, *doc.originals], [new]
        else:
            doc.originals = [*doc.originals, new]
        what = "the whole record" if page is None else f"page {page}"
        doc.record("rescan", "ok", f"{user} re-scanned {what}: {name} ({found.pages} pages)")
        lock = record_lock(doc, settings.object_lock_permanent_years)
        package(doc, [(scan, new)], pdf, layouts, store, lock, agency_signer(settings))
    checking(archive).rescanned(doc, doc.events[known:], page, new, user, address)
    filed(archive, [doc.id])  # its pages counted in its dossier
    index_again(archive, [doc.id])
    return doc


def _pages_with(store: Store, doc: Document, number: int, scan: Path, work: Path) -> list[Path]:
    """Every page of the record as the PDF/A keeps its scan, page `number` being `scan`."""
    pages: list[Path] = []
    key = next((f.key for f in doc.files if f.role == "pdfa"), pdfa_key(doc.id, doc.code))
    with store.open(key) as data, pikepdf.open(data) as pdf:
        for n, pdf_page in enumerate(pdf.pages, start=1):
            if n == number:
                pages.append(scan)
                continue
            images = list(pdf_page.get_images(recursive=False).values())
            if len(images) != 1 or not isinstance(images[0], pikepdf.Stream):
                raise UserError(
                    f"{doc.id}: page {n} is not one scanned image",
                    "Chỉ quét lại được từng trang của tài liệu số hóa từ ảnh quét; hãy quét"
                    " lại cả tài liệu.",
                )
            image = pikepdf.PdfImage(images[0]).as_pil_image()
            width_inches = float(pdf_page.mediabox[2]) / 72
            dpi = round(image.width / width_inches)
            path = work / f"page-{n:04d}.tif"
            image.save(path, compression="tiff_deflate", dpi=(dpi, dpi))
            pages.append(path)
    return pages


def _safe(filename: str) -> str:
    """The archivist's file name as one safe path part of a store key."""
    return re.sub(r"[^\w.\-]+", "_", Path(filename).name).strip("._") or "scan"
