"""Merge (gộp): records wrongly separated (the pages of one letter scanned as two files)
joined into the first. It keeps its id and description and takes the others' pages after
its own, in the order given: their PDF/A pages (with their text layer), text and layout,
and their scans, byte for byte. Nothing is OCRed again. The others leave search and the
queue; their catalog rows and packages stay, marked merged into the first, so that no
byte received is lost and an old link finds where their pages went."""

from contextlib import ExitStack
from pathlib import Path
from tempfile import TemporaryDirectory

import pikepdf

from archive_schema.checking import GONE
from archive_schema.claims import changing
from archive_schema.errors import UserError
from archive_schema.models import Document, OriginalFile, Status
from archive_schema.vocab import ACCESS_LEVELS
from pipelines.archive import Archive
from pipelines.corrections import checking
from pipelines.filing import filed
from pipelines.package.layout import original_key
from pipelines.package.locks import record_lock
from pipelines.package.read import current_record, page_layout
from pipelines.package.write import describe_package, package
from pipelines.record_changes import index_again
from pipelines.signatures.signing import agency_signer
from pipelines.store import Store


def merge(archive: Archive, records: list[str], user: str, address: str) -> Document:
    """Join `records` into the first; returns it. UserError in Vietnamese, with nothing
    changed, for fewer than two records, one given twice, one no longer archived, or
    records of different batches."""
    with changing(archive.catalog, records):
        return _merge(archive, records, user, address)


def _merge(archive: Archive, records: list[str], user: str, address: str) -> Document:
    store, catalog = archive.store, archive.catalog
    if len(records) < 2 or len(set(records)) != len(records):
        raise UserError(
            f"merge of {records}: two different records are needed",
            "Gộp văn bản: hãy chọn ít nhất hai văn bản khác nhau.",
        )
    if any(catalog.status(i) != Status.ARCHIVED for i in records):
        raise UserError(f"merge of {records}: one is not archived", GONE)
    head, *others = docs = [current_record(store, catalog, i) for i in records]
    if any(doc.batch_id != head.batch_id for doc in others):
        raise UserError(
            f"merge of {records}: records of different batches",
            "Chỉ gộp được các văn bản cùng một lô; không có gì bị thay đổi.",
        )
    layouts = [page_layout(store, doc, n) for doc in docs for n in range(1, doc.page_count + 1)]
    if any(layout is None for layout in layouts):
        raise UserError(f"merge of {records}: no page layouts", "Các văn bản này không gộp được.")
    known = len(head.events)
    with TemporaryDirectory(prefix="sohoa-merge-") as work:
        originals = _originals(store, docs, Path(work))
        pdf = _joined(store, docs, Path(work))
        pages = [page for doc in docs for page in doc.pages]
        head.pages = [page.model_copy(update={"number": n}) for n, page in enumerate(pages, 1)]
        head.originals = [original for _, original in originals]
        head.access_level = max((d.access_level for d in docs), key=list(ACCESS_LEVELS).index)
        head.record("merge", "ok", f"pages of {', '.join(d.id for d in others)} appended")
        years = archive.settings.object_lock_permanent_years
        found = filter(None, layouts)
        renumbered = [layout.model_copy(update={"number": n}) for n, layout in enumerate(found, 1)]
        lock = record_lock(head, years)
        package(head, originals, pdf, renumbered, store, lock, agency_signer(archive.settings))
    for doc in others:  # their packages say where their pages went, should the catalog be lost
        doc.status = Status.MERGED
        doc.record("merge", "ok", f"merged into {head.id}")
        describe_package(store, doc, doc.events, record_lock(doc, years))
    checking(archive).merged(head, head.events[known:], others, user, address)
    for doc in others:
        archive.search.delete(doc.id)
    filed(archive, [head.id], [doc.dossier_code for doc in others])
    index_again(archive, [head.id])
    return head


def _originals(store: Store, docs: list[Document], work: Path) -> list[tuple[Path, OriginalFile]]:
    """Every scan of `docs`, once (the parts of a split share theirs), copied to `work`."""
    kept: dict[str, tuple[Path, OriginalFile]] = {}
    for doc in docs:
        for original in doc.originals:
            if original.name in kept:
                if kept[original.name][1].sha256 != original.sha256:
                    raise UserError(
                        f"{original.name}: two different scans of one name",
                        f"{original.name}: hai văn bản có hai bản quét khác nhau cùng tên;"
                        " không gộp được.",
                    )
                continue
            path = work / f"original-{len(kept)}"
            with store.open(original_key(doc.id, original.name)) as data:
                path.write_bytes(data.read())
            kept[original.name] = (path, original)
    return list(kept.values())


def _joined(store: Store, docs: list[Document], work: Path) -> Path:
    """The PDF/As of `docs` one after the other, under the first one's PDF/A metadata."""
    parts = []
    for n, doc in enumerate(docs):
        parts.append(work / f"pdfa-{n}.pdf")
        with store.open(next(f.key for f in doc.files if f.role == "pdfa")) as data:
            parts[-1].write_bytes(data.read())
    with ExitStack() as opened:
        whole, *rest = (opened.enter_context(pikepdf.open(path)) for path in parts)
        for part in rest:
            whole.pages.extend(part.pages)
        whole.save(work / "merged.pdf")
    return work / "merged.pdf"
