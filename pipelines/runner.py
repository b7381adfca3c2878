"""The embedded runner: a batch through every stage on one machine, with no server.

Intake runs here; each document's OCR, description, classification and packaging run in a
process pool (documents in parallel, OMP_THREAD_LIMIT=1, so every core OCRs); registering
and indexing, which write to the catalog and the index, run here as results come back.
Re-running a batch skips what is archived and finishes what a crash left undone.
"""

import multiprocessing
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Protocol

from archive_schema.catalog import Catalog
from archive_schema.models import Document, Event, Status
from indexing import open_search
from indexing.base import SearchBackend
from pipelines import worker
from pipelines.report import BatchReport, DocumentReport, Outcome
from pipelines.settings import Settings
from pipelines.stages.index import index
from pipelines.stages.intake import BatchIntake, DocumentSource, Rejected, intake
from pipelines.stages.register import register
from pipelines.store import Store, open_store

Events = list[tuple[str | None, Event]]  # (document id, event) to keep in the catalog


class Progress(Protocol):
    def started(self, total: int) -> None: ...
    def finished(self, entry: DocumentReport) -> None: ...


def ingest(batch: Path, settings: Settings, progress: Progress | None = None) -> BatchReport:
    """Process `batch` (a folder or zip) and return what happened to each document."""
    schedule = settings.schedule()
    store = open_store(settings.storage_url)
    catalog = Catalog(settings.database_url)
    search = open_search(settings.search_url)
    started_at = datetime.now(UTC)
    with _workers(settings) as pool, TemporaryDirectory(prefix="sohoa-batch-") as work:
        rows = {row.row for row in schedule.rows}
        received = intake(batch, Path(work), rows, settings.max_page_megapixels)
        report = BatchReport(
            batch_id=received.batch_id,
            source=str(batch),
            started_at=started_at,
            problems=received.problems,
            warnings=received.warnings,
        )
        catalog.start_batch(received.batch_id, str(batch))
        events = _keep_what_came(store, received, report)
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
        for source, outcome in _process_all(pool, todo, received.batch_id, settings):
            if isinstance(outcome, worker.DocumentFailed):
                events += [(source.id, e) for e in outcome.events]
                entry = _not_archived(store, received, source, outcome)
            else:
                entry = _archive(outcome, source.name, catalog, search)
            report.documents.append(entry)
            if progress:
                progress.finished(entry)
    search.close()
    report.documents.sort(key=lambda d: d.name)
    report.finished_at = datetime.now(UTC)
    store.put(f"batches/{report.batch_id}/report.json", report.model_dump_json(indent=2).encode())
    status = "archived" if report.ok else "problems"
    catalog.finish_batch(report.batch_id, status, report.model_dump(mode="json"), events)
    return report


def _keep_what_came(store: Store, received: BatchIntake, report: BatchReport) -> Events:
    """The manifest and every rejected file go to the store: nothing a batch brought is lost."""
    if received.manifest is not None:
        store.put(f"batches/{received.batch_id}/{received.manifest.name}", received.manifest)
    events: Events = [(None, Event(stage="intake", outcome="ok", detail=received.summary))]
    for rejected in received.rejected:
        report.documents.append(_quarantine(store, received.batch_id, received.root, rejected))
        detail = f"{rejected.name}: {rejected.reason}"
        events.append((None, Event(stage="intake", outcome="failed", detail=detail)))
    return events


def _not_archived(
    store: Store, received: BatchIntake, source: DocumentSource, failure: worker.DocumentFailed
) -> DocumentReport:
    """A scan OCR could not decode is quarantined like one intake refused; another failure
    leaves the document to the next run."""
    if failure.unreadable:
        rejected = Rejected(source.name, failure.reason, source.files)
        return _quarantine(store, received.batch_id, received.root, rejected)
    return DocumentReport(
        name=source.name, status=Outcome.FAILED, id=source.id, reason=failure.reason
    )


def _archive(doc: Document, name: str, catalog: Catalog, search: SearchBackend) -> DocumentReport:
    register(doc, catalog)
    index(doc, search, catalog)
    return DocumentReport(
        name=name,
        status=Outcome.ARCHIVED,
        id=doc.id,
        pages=doc.page_count,
        doc_type=doc.doc_type,
        number_symbol=doc.number_symbol,
        issue_date=doc.issue_date,
        pages_to_review=[p.number for p in doc.pages if p.needs_review],
    )


def _workers(settings: Settings) -> ProcessPoolExecutor:
    """The pool, its workers already starting (importing OCR takes them a second or two),
    so that they are ready when intake is done."""
    context = multiprocessing.get_context("spawn")  # no fork of a process with threads
    pool = ProcessPoolExecutor(settings.workers, mp_context=context, initializer=worker.start)
    for _ in range(settings.workers):
        pool.submit(worker.ready)
    return pool


def _process_all(
    pool: Executor, todo: list[DocumentSource], batch_id: str, settings: Settings
) -> Iterator[tuple[DocumentSource, Document | worker.DocumentFailed]]:
    """Each document with its record or its failure, as its worker finishes. The longest
    documents go first, so that no long one is left to run alone at the end."""
    if not todo:
        return
    # pages in parallel when documents are fewer than workers
    jobs = max(1, settings.workers // min(settings.workers, len(todo)))
    by_length = sorted(todo, key=lambda s: -sum(o.pages for o in s.originals))
    futures = {
        pool.submit(worker.process_document, s, batch_id, settings, jobs): s for s in by_length
    }
    for future in as_completed(futures):
        source = futures[future]
        try:
            yield source, future.result()
        except worker.DocumentFailed as failure:
            yield source, failure
        except BrokenProcessPool:
            reason = "the worker process died (killed, or out of memory); run the batch again"
            yield (
                source,
                worker.DocumentFailed(
                    reason, [Event(stage="ocr", outcome="failed", detail=reason)]
                ),
            )


def _quarantine(store: Store, batch_id: str, root: Path, rejected: Rejected) -> DocumentReport:
    """Keep what cannot be archived beside the batch's report: nothing a batch brought is lost."""
    for path in rejected.files:
        relative = path.relative_to(root) if root in path.parents else Path(path.name)
        store.put(f"batches/{batch_id}/quarantine/{relative.as_posix()}", path)
    return DocumentReport(name=rejected.name, status=Outcome.QUARANTINED, reason=rejected.reason)
