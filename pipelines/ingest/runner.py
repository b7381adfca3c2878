"""The embedded runner: a batch through every stage on one machine, with no server.

Intake runs here; each document's OCR, description, classification and packaging run in a
process pool (documents in parallel, OMP_THREAD_LIMIT=1, so every core OCRs); registering
and indexing, which write to the catalog and the index, run here as results come back.
Re-running a batch skips what is archived and finishes what a crash left undone; running
it twice at once archives each document once (archive_schema.claims).
"""

import logging
import multiprocessing
import time
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Protocol

from archive_schema.claims import POLL_SECONDS, Claims
from archive_schema.errors import ServiceUnavailable
from archive_schema.models import Document, Event, Status
from archive_schema.retention import Schedule
from archive_schema.schedules import Schedules
from pipelines.archive import Archive
from pipelines.ingest import worker
from pipelines.ingest.batch import archive_record, close_batch, not_archived, open_batch
from pipelines.ingest.intake import DocumentSource, intake
from pipelines.ingest.report import BatchReport, DocumentReport, Outcome
from pipelines.settings import Settings
from pipelines.signatures import settings_checked

log = logging.getLogger(__name__)


class Progress(Protocol):
    def started(self, names: list[str]) -> None:
        """The documents to process, in the order the workers take them up."""

    def finished(self, entry: DocumentReport) -> None: ...


def ingest(
    batch: Path,
    archive: Archive,
    progress: Progress | None = None,
    split_at_blank: bool = False,
) -> BatchReport:
    """Process `batch` (a folder or zip) and return what happened to each document; with
    `split_at_blank`, its files are cut at their blank pages (pipelines.ingest.intake). A
    document another run is archiving at the same time is waited for, not done twice; a
    service unavailable for a while is waited for too (Archive.retried)."""
    settings_checked(archive.settings)
    # the store first, tried again while it is unavailable; then what killed writes left
    archive.retried(lambda: archive.store.sweep(), "the archive store")
    settings, store, catalog = archive.settings, archive.store, archive.catalog
    claims = Claims(catalog)
    schedule = archive.retried(lambda: Schedules(catalog).current().schedule, "the schedule")
    with _workers(settings) as pool, TemporaryDirectory(prefix="sohoa-batch-") as work:
        rows = {row.row for row in schedule.rows}
        received = intake(batch, Path(work), rows, settings.max_page_megapixels, split_at_blank)
        report, events, waiting = archive.retried(
            partial(open_batch, received, str(batch), store, catalog), "opening the batch"
        )
        # The longest documents first, so that no long one is left to run alone at the end.
        waiting.sort(key=lambda s: -s.page_count)
        if progress:
            progress.started([source.name for source in waiting])
        while waiting:
            ids = [source.id for source in waiting]
            mine = archive.retried(partial(claims.take, ids), "the catalog")
            claimed = [source for source in waiting if source.id in mine]
            waiting = [source for source in waiting if source.id not in mine]
            todo = _not_archived_since(claimed, archive, report, progress)
            try:
                for source, outcome in _process_all(
                    pool, todo, received.batch_id, settings, schedule
                ):
                    if isinstance(outcome, worker.DocumentFailed):
                        events += [(source.id, e) for e in outcome.events]
                        entry = not_archived(
                            store, received.batch_id, received.root, source, outcome
                        )
                    else:
                        done = partial(
                            archive_record, outcome, source.name, catalog, archive.search
                        )
                        entry = archive.retried(done, f"registering {source.name}")
                    report.documents.append(entry)
                    if progress:
                        progress.finished(entry)
            finally:
                archive.retried(partial(claims.release, mine), "the catalog")
            waiting = _archived_by_others(waiting, claims, archive, report, progress)
    archive.retried(partial(close_batch, report, events, archive), "closing the batch")
    return report


def _archived_by_others(
    waiting: list[DocumentSource],
    claims: Claims,
    archive: Archive,
    report: BatchReport,
    progress: Progress | None,
) -> list[DocumentSource]:
    """Wait until another run lets go of a document it was archiving; those it archived
    are reported so, the others are left to this run."""
    ids = [s.id for s in waiting]
    while waiting and len(archive.retried(partial(claims.holders, ids), "the catalog")) == len(ids):
        time.sleep(POLL_SECONDS)
    return _not_archived_since(waiting, archive, report, progress)


def _not_archived_since(
    sources: list[DocumentSource], archive: Archive, report: BatchReport, progress: Progress | None
) -> list[DocumentSource]:
    """The documents still to archive; those another run archived meanwhile are reported."""
    catalog = archive.catalog
    archived = archive.retried(
        lambda: {s.id for s in sources if catalog.status(s.id) == Status.ARCHIVED}, "the catalog"
    )
    for source in sources:
        if source.id in archived:
            entry = DocumentReport(name=source.name, status=Outcome.ALREADY_ARCHIVED, id=source.id)
            report.documents.append(entry)
            if progress:
                progress.finished(entry)
    return [source for source in sources if source.id not in archived]


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
    """Each document with its record or its failure, as its worker finishes; one that
    failed for a service unavailable (or a disk) is done again after a wait, twice as long
    each time, up to SOHOA_SERVICE_ATTEMPTS times."""
    for attempt in range(1, settings.service_attempts + 1):
        again, reasons = [], set()
        for source, outcome in _process_once(pool, todo, batch_id, settings, schedule):
            last = attempt == settings.service_attempts
            if isinstance(outcome, worker.DocumentFailed) and outcome.transient and not last:
                again.append(source)
                reasons.add(outcome.reason)
            else:
                yield source, outcome
        if not again:
            return
        wait = settings.service_retry_seconds * 2 ** (attempt - 1)
        log.warning(
            "%d documents failed for a service unavailable (%s); trying again in %.0f s",
            len(again),
            "; ".join(sorted(reasons)),
            wait,
        )
        time.sleep(wait)
        todo = again


def _process_once(
    pool: Executor,
    todo: list[DocumentSource],
    batch_id: str,
    settings: Settings,
    schedule: Schedule,
) -> Iterator[tuple[DocumentSource, Document | worker.DocumentFailed]]:
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
        except ServiceUnavailable as error:  # before any stage of the document began
            event = Event(stage="ocr", outcome="failed", detail=str(error))
            yield source, worker.DocumentFailed(str(error), [event], transient=True)
        except BrokenProcessPool:
            reason = "the worker process died (killed, or out of memory); run the batch again"
            yield (
                source,
                worker.DocumentFailed(
                    reason,
                    [Event(stage="ocr", outcome="failed", detail=reason)],
                    reason_vi="tiến trình xử lý bị dừng (bị tắt, hoặc hết bộ nhớ): hãy chạy lại lô",
                ),
            )
