"""Split (tách): a record whose file holds several documents (one multi-page TIFF of three
letters) cut at chosen pages. The record keeps the pages before the first cut; each other
part becomes a record of its own, described from its first page's header, its retention
computed, in the same batch. Nothing is OCRed again: each part takes its pages of the PDF/A
(their text layer with them), their text and layout; each package keeps the scans as they
came, whole, so that no byte of what was received is lost."""

from itertools import pairwise
from pathlib import Path
from tempfile import TemporaryDirectory

import pikepdf

from archive_schema.claims import changing
from archive_schema.errors import UserError
from archive_schema.identifiers import part_id
from archive_schema.models import Document
from archive_schema.schedules import Schedules
from ocr.layout import PageLayout
from pipelines.archive import Archive
from pipelines.corrections import checking
from pipelines.filing import filed
from pipelines.ingest.batch import archive_record
from pipelines.ingest.stages.classify import classify
from pipelines.ingest.stages.describe import describe
from pipelines.package.layout import original_key
from pipelines.package.locks import record_lock
from pipelines.package.read import current_record, page_layout
from pipelines.package.write import package
from pipelines.record_changes import index_again
from pipelines.signatures.signing import agency_signer


def split(archive: Archive, record: str, starts: list[int], user: str, address: str) -> list[str]:
    """Cut the record before each page of `starts` (each the first page of a new part);
    returns the ids of the new records. UserError in Vietnamese when a page does not exist
    or the cuts are out of order."""
    with changing(archive.catalog, [record]):
        return _split(archive, record, starts, user, address)


def _split(archive: Archive, record: str, starts: list[int], user: str, address: str) -> list[str]:
    store, catalog = archive.store, archive.catalog
    doc = current_record(store, catalog, record)
    cuts = sorted(set(starts))
    if not cuts or cuts[0] < 2 or cuts[-1] > doc.page_count:
        wrong = next((n for n in cuts if not 2 <= n <= doc.page_count), None)
        raise UserError(
            f"{record}: no page {wrong} to split at ({doc.page_count} pages)",
            f"Tách tại trang {wrong}: văn bản có {doc.page_count} trang; chỉ tách được tại"
            f" trang 2 đến {doc.page_count}.",
        )
    bounds = [1, *cuts, doc.page_count + 1]
    parts = [range(a, b) for a, b in pairwise(bounds)]
    layouts = [page_layout(store, doc, n) for n in range(1, doc.page_count + 1)]
    if any(layout is None for layout in layouts):
        raise UserError(f"{record} has no page layouts", "Văn bản này không tách được.")
    schedule = Schedules(catalog).current().schedule
    signer = agency_signer(archive.settings)
    known = len(doc.events)
    made: list[Document] = []
    with TemporaryDirectory(prefix="sohoa-split-") as work:
        originals = []
        for n, original in enumerate(doc.originals):
            path = Path(work) / f"original-{n}"
            with store.open(original_key(doc.id, original.name)) as data:
                path.write_bytes(data.read())
            originals.append((path, original))
        whole = Path(work) / "whole.pdf"  # the head's own PDF/A is written over below
        with store.open(next(f.key for f in doc.files if f.role == "pdfa")) as data:
            whole.write_bytes(data.read())
        every_page = list(doc.pages)
        for number, pages in enumerate(parts):
            part = doc if number == 0 else _new_part(doc, pages)
            part_layouts = [_renumbered(layouts[n - 1], n - pages.start + 1) for n in pages]
            part.pages = [
                every_page[n - 1].model_copy(update={"number": n - pages.start + 1}) for n in pages
            ]
            if number:
                describe(part, part_layouts, {})
                classify(part, schedule, None)
            part.record("split", "ok", f"pages {pages.start}-{pages.stop - 1} of {doc.id}")
            pdf = Path(work) / f"part-{number}.pdf"
            _pages_of(whole, pages, pdf)
            lock = record_lock(part, archive.settings.object_lock_permanent_years)
            package(part, originals, pdf, part_layouts, store, lock, signer)
            made.append(part)
    head, *others = made
    for part in others:
        archive_record(part, part.source_name, catalog, archive.search)
    checking(archive).split(head, head.events[known:], [p.id for p in others], cuts, user, address)
    filed(archive, [head.id])
    index_again(archive, [head.id])
    return [p.id for p in others]


def _new_part(doc: Document, pages: range) -> Document:
    return Document(
        id=part_id([o.sha256 for o in doc.originals], pages.start, pages.stop - 1),
        batch_id=doc.batch_id,
        source_name=f"{doc.source_name} (trang {pages.start}-{pages.stop - 1})",
        originals=doc.originals,
        access_level=doc.access_level,
    )


def _renumbered(layout: PageLayout | None, number: int) -> PageLayout:
    assert layout is not None
    return layout.model_copy(update={"number": number})


def _pages_of(whole: Path, pages: range, output: Path) -> None:
    """The PDF/A's `pages`, with their text layer and its PDF/A metadata."""
    with pikepdf.open(whole) as pdf:
        for n in reversed(range(len(pdf.pages))):
            if n + 1 not in pages:
                del pdf.pages[n]
        pdf.save(output)
