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
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Protocol

from archive_schema.catalog import Catalog
from archive_schema.models import Document, Event
from archive_schema.retention import Schedule
from archive_schema.schedules import Schedules
from pipelines import worker
from pipelines.batch import archive, close_batch, not_archived, open_batch
from pipelines.report import BatchReport, DocumentReport
from pipelines.settings import Settings
from pipelines.stages.intake import DocumentSource, intake


class Progress(Protocol):
    def started(self, names: list[str]) -> None:
        """The documents to process, in the order the workers take them up."""

    def finished(self, entry: DocumentReport) -> None: ...


def ingest(batch: Path, settings: Settings, progress: Progress | None = None) -> BatchReport:
    """Process `batch` (a folder or zip) and return what happened to each document."""
    store = settings.store()
    catalog = Catalog(settings.database_url)
    schedule = Schedules(catalog).current().schedule
    search = settings.search()
    with _workers(settings) as pool, TemporaryDirectory(prefix="sohoa-batch-") as work:
        rows = {row.row for row in schedule.rows}
        received = intake(batch, Path(work), rows, settings.max_page_megapixels)
        report, events, todo = open_batch(received, str(batch), store, catalog)
        # The longest documents first, so that no long one is left to run alone at the end.
        todo.sort(key=lambda s: -sum(o.pages for o in s.originals))
        if progress:
            progress.started([source.name for source in todo])
        for source, outcome in _process_all(pool, todo, received.batch_id, settings, schedule):
            if isinstance(outcome, worker.DocumentFailed):
                events += [(source.id, e) for e in outcome.events]
                entry = not_archived(store, received.batch_id, received.root, source, outcome)
            else:
                entry = archive(outcome, source.name, catalog, search)
            report.documents.append(entry)
            if progress:
                progress.finished(entry)
    search.close()
    close_batch(report, events, store, catalog)
    return report


def _workers(settings: Settings) -> ProcessPoolExecutor:
    """The pool, its workers already starting (importing OCR takes them a second or two),
    so that they are ready when intake is done."""
    context = multiprocessing.get_context("spawn")  # no fork of a process with threads
    pool = ProcessPoolExecutor(settings.workers, mp_context=context, initializer=worker.start)
    for _ in range(settings.workers):
        pool.submit(worker.ready)
    return pool


def _process_all(
    pool: Executor,
    todo: list[DocumentSource],
    batch_id: str,
    settings: Settings,
    schedule: Schedule,
) -> Iterator[tuple[DocumentSource, Document | worker.DocumentFailed]]:
    """Each document with its record or its failure, as its worker finishes."""
    if not todo:
        return
    # pages in parallel when documents are fewer than workers
    jobs = max(1, settings.workers // min(settings.workers, len(todo)))
    futures = {
        pool.submit(worker.process_document, s, batch_id, settings, schedule, jobs): s for s in todo
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
