"""The embedded runner: a batch through every stage on one machine, with no server.

Intake runs here; each document's OCR, description, classification and packaging run in a
process pool (documents in parallel, OMP_THREAD_LIMIT=1, so every core OCRs); registering
and indexing, which write to the catalog and the index, run here as results come back.
Re-running a batch skips what is archived and finishes what a crash left undone.
"""

import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Protocol, TypeVar

from archive_schema.catalog import Catalog
from archive_schema.models import Document, Event, Status
from indexing import open_search
from indexing.base import SearchBackend
from pipelines.report import BatchReport, DocumentReport, Outcome
from pipelines.settings import Settings
from pipelines.stages.classify import classify
from pipelines.stages.describe import describe
from pipelines.stages.index import index
from pipelines.stages.intake import BatchIntake, DocumentSource, intake
from pipelines.stages.ocr import ocr
from pipelines.stages.package import load_package, package
from pipelines.stages.register import register
from pipelines.store import Store, StoreError, open_store

T = TypeVar("T")
Events = list[tuple[str | None, Event]]  # (document id, event) to keep in the catalog


class Progress(Protocol):
    def started(self, total: int) -> None: ...
    def finished(self, entry: DocumentReport) -> None: ...


class DocumentFailed(Exception):
    """A stage failed for one document; the rest of the batch goes on."""

    def __init__(self, reason: str, events: list[Event]):
        super().__init__(reason, events)
        self.reason, self.events = reason, events


def ingest(batch: Path, settings: Settings, progress: Progress | None = None) -> BatchReport:
    """Process `batch` (a folder or zip) and return what happened to each document."""
    schedule = settings.schedule()
    store = open_store(settings.storage_url)
    catalog = Catalog(settings.database_url)
    search = open_search(settings.search_url)
    started_at = datetime.now(UTC)
    with TemporaryDirectory(prefix="sohoa-batch-") as work:
        received = intake(batch, Path(work), {row.row for row in schedule.rows})
        report = BatchReport(
            batch_id=received.batch_id,
            source=str(batch),
            started_at=started_at,
            problems=received.problems,
            warnings=received.warnings,
        )
        catalog.start_batch(received.batch_id, str(batch))
        events = _keep_batch_files(store, received, report)
        todo = []
        for source in received.documents:
            if catalog.status(source.id) == Status.ARCHIVED:
                report.documents.append(
                    DocumentReport(name=source.name, status=Outcome.ALREADY_ARCHIVED, id=source.id)
                )
            else:
                todo.append(source)
        if progress:
            progress.started(len(todo))
        for entry, failure_events in _process_all(
            todo, received.batch_id, settings, catalog, search
        ):
            report.documents.append(entry)
            events += failure_events
            if progress:
                progress.finished(entry)
    search.close()
    report.documents.sort(key=lambda d: d.name)
    report.finished_at = datetime.now(UTC)
    store.put(f"batches/{report.batch_id}/report.json", report.model_dump_json(indent=2).encode())
    status = "archived" if report.ok else "problems"
    catalog.finish_batch(report.batch_id, status, report.model_dump(mode="json"), events)
    return report


def _process_all(
    todo: list[DocumentSource],
    batch_id: str,
    settings: Settings,
    catalog: Catalog,
    search: SearchBackend,
) -> Iterator[tuple[DocumentReport, Events]]:
    """Yield (report entry, events to keep) for each document as its worker finishes."""
    if not todo:
        return
    workers = min(settings.workers, len(todo))
    jobs = max(1, settings.workers // workers)  # pages in parallel when documents are few
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_one_thread_per_tesseract
    ) as pool:
        futures = {pool.submit(process_document, s, batch_id, settings, jobs): s for s in todo}
        for future in as_completed(futures):
            source = futures[future]
            try:
                doc = future.result()
                register(doc, catalog)
                index(doc, search, catalog)
            except DocumentFailed as failure:
                yield _failed(source, failure.reason), [(source.id, e) for e in failure.events]
                continue
            except BrokenProcessPool:
                reason = "the worker process died (killed, or out of memory); run the batch again"
                yield (
                    _failed(source, reason),
                    [(source.id, Event(stage="ocr", outcome="failed", detail=reason))],
                )
                continue
            yield _archived(source, doc), []


def process_document(
    source: DocumentSource, batch_id: str, settings: Settings, jobs: int
) -> Document:
    """OCR, describe, classify and package one document (in a worker process)."""
    store = open_store(settings.storage_url)
    doc = Document(
        id=source.id, batch_id=batch_id, source_name=source.name, originals=list(source.originals)
    )
    try:
        finished = load_package(store, source.id)  # left by a run that stopped before the end
    except StoreError as error:
        doc.record("package", "failed", f"earlier package is damaged, written again: {error}")
    else:
        if finished is not None:
            finished.record("package", "skipped", "found finished in the archive store")
            return finished
    with TemporaryDirectory(prefix="sohoa-doc-") as work:
        pdf = Path(work) / "document.pdf"
        layouts = _stage(doc, "ocr", lambda: ocr(doc, source, pdf, settings, jobs))
        _stage(doc, "describe", lambda: describe(doc, layouts, source.manifest))
        _stage(
            doc,
            "classify",
            lambda: classify(doc, settings.schedule(), source.manifest.get("retention_row")),
        )
        _stage(doc, "package", lambda: package(doc, source, pdf, layouts, store))
    return doc


def _stage(doc: Document, name: str, run: Callable[[], T]) -> T:
    try:
        return run()
    except Exception as error:  # any fault of one document must not stop the batch
        reason = f"{name}: {error}" if str(error) else f"{name}: {type(error).__name__}"
        doc.record(name, "failed", reason)
        raise DocumentFailed(reason, doc.events) from error


def _keep_batch_files(store: Store, received: BatchIntake, report: BatchReport) -> Events:
    """Keep the manifest and every rejected file in the store: nothing a batch brought is lost."""
    events: Events = []
    prefix = f"batches/{received.batch_id}/"
    if received.manifest is not None:
        store.put(prefix + received.manifest.name, received.manifest)
    for rejected in received.rejected:
        for path in rejected.files:
            relative = (
                path.relative_to(received.root)
                if received.root in path.parents
                else Path(path.name)
            )
            store.put(f"{prefix}quarantine/{relative.as_posix()}", path)
        report.documents.append(
            DocumentReport(name=rejected.name, status=Outcome.QUARANTINED, reason=rejected.reason)
        )
        events.append(
            (
                None,
                Event(
                    stage="intake", outcome="failed", detail=f"{rejected.name}: {rejected.reason}"
                ),
            )
        )
    detail = f"{len(received.documents)} documents, {len(received.rejected)} quarantined"
    events.append((None, Event(stage="intake", outcome="ok", detail=detail)))
    return events


def _one_thread_per_tesseract() -> None:
    os.environ["OMP_THREAD_LIMIT"] = "1"


def _failed(source: DocumentSource, reason: str) -> DocumentReport:
    return DocumentReport(name=source.name, status=Outcome.FAILED, id=source.id, reason=reason)


def _archived(source: DocumentSource, doc: Document) -> DocumentReport:
    return DocumentReport(
        name=source.name,
        status=Outcome.ARCHIVED,
        id=doc.id,
        pages=doc.page_count,
        doc_type=doc.doc_type,
        number_symbol=doc.number_symbol,
        issue_date=doc.issue_date,
        pages_to_review=[p.number for p in doc.pages if p.needs_review],
    )
