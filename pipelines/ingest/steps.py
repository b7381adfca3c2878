"""Ingest as steps that may run on different machines (the tasks of the Airflow DAG).

Intake stages the batch's files in the archive store; any worker archives a document from
there; the batch is closed from the outcomes each document left in the store. Steps hand
each other only small, serialisable references (ids, store keys), never a path on a local
disk that another worker cannot see.
"""

import shutil
import time
from functools import partial
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any
from urllib.parse import unquote, urlparse

from pydantic import BaseModel, field_validator

from archive_schema.claims import POLL_SECONDS, Claims
from archive_schema.errors import UserError
from archive_schema.models import Description, Event, OriginalFile, Status
from archive_schema.schedules import Schedules
from pipelines.archive import Archive
from pipelines.ingest import worker
from pipelines.ingest.batch import Events, archive_record, close_batch, not_archived, open_batch
from pipelines.ingest.intake import BatchError, DocumentSource, intake
from pipelines.ingest.report import BatchReport, DocumentReport, Outcome
from pipelines.ingest.work_folders import own_work_folder
from pipelines.package.layout import incoming_prefix, outcomes_prefix
from pipelines.signatures import settings_checked
from pipelines.store import Store


class StagedDocument(BaseModel):
    """A document waiting in the store for a worker: what its task needs to archive it."""

    batch_id: str
    name: str
    id: str
    keys: list[str]  # its files in the store, in page order
    originals: list[OriginalFile]
    manifest: dict[str, Any]
    pages: list[int] = []  # of its files, when it holds only some (cut at blank pages)

    @field_validator("manifest")
    @classmethod
    def _typed(cls, values: dict[str, Any]) -> dict[str, Any]:
        """Passed as JSON, dates come back as text: give each record field its type back."""
        fields = {name: v for name, v in values.items() if name in Description.model_fields}
        return values | Description.model_validate(fields).model_dump(include=set(fields))


class StagedBatch(BaseModel):
    """The batch after intake: its report so far and its events."""

    report: BatchReport
    events: Events


class DocumentOutcome(BaseModel):
    """What a document's task left in the store for the batch's report."""

    report: DocumentReport
    events: list[Event]


class DocumentNotArchived(UserError):
    """The document itself is at fault (unreadable, undescribable): trying again is useless."""


def batch_path(location: str) -> Path:
    """The batch named by a path or a file:// URI."""
    parsed = urlparse(location)
    if parsed.scheme == "file":
        return Path(unquote(parsed.path))
    if parsed.scheme and len(parsed.scheme) > 1:  # not a Windows drive letter
        raise BatchError(f"{location}: batches are read from a folder or a file:// URI")
    return Path(location)


def stage_batch(
    location: str, archive: Archive, split_at_blank: bool = False
) -> tuple[StagedBatch, list[StagedDocument]]:
    """Intake: what the batch holds, and each document still to archive staged in the store;
    with `split_at_blank`, its files cut at their blank pages."""
    own_work_folder()
    settings_checked(archive.settings)
    batch = batch_path(location)
    archive.retried(lambda: archive.store.sweep(), "the archive store")
    store, catalog = archive.store, archive.catalog
    rows = {row.row for row in Schedules(catalog).current().schedule.rows}
    with TemporaryDirectory(prefix="sohoa-batch-") as work:
        received = intake(
            batch, Path(work), rows, archive.settings.max_page_megapixels, split_at_blank
        )
        for stale in list(store.keys(outcomes_prefix(received.batch_id))):
            store.delete(stale)  # from an earlier run of the same batch
        report, events, todo = open_batch(received, str(batch), store, catalog)
        staged = [_stage(store, received.batch_id, source) for source in todo]
    return StagedBatch(report=report, events=events), staged


def in_chunks(documents: list[StagedDocument], tasks: int) -> list[list[StagedDocument]]:
    """The documents dealt into at most `tasks` chunks of about as many pages, the longest
    first. One Airflow task per chunk keeps every OCR slot busy to the end, and pays the
    start of a task (scheduling, a process) once per chunk instead of once per document."""
    chunks: list[list[StagedDocument]] = [[] for _ in range(min(tasks, len(documents)))]
    pages = [0] * len(chunks)
    for document in sorted(documents, key=lambda d: -_pages(d)):
        lightest = pages.index(min(pages))
        chunks[lightest].append(document)
        pages[lightest] += _pages(document)
    return chunks


def _pages(document: StagedDocument) -> int:
    return len(document.pages) or sum(original.pages for original in document.originals)


def archive_chunk(chunk: list[StagedDocument], archive: Archive) -> list[DocumentReport]:
    """archive_document for each document of `chunk`. One at fault does not stop the
    others: DocumentNotArchived names them all at the end. A service unavailable stops the
    chunk at once, for the task to be tried again (what was archived is then skipped)."""
    reports, faults = [], []
    for staged in chunk:
        try:
            reports.append(archive_document(staged, archive))
        except DocumentNotArchived as fault:
            faults.append(str(fault))
    if faults:
        raise DocumentNotArchived("; ".join(faults))
    return reports


def archive_document(staged: StagedDocument, archive: Archive) -> DocumentReport:
    """OCR, describe, classify, package, register and index one staged document, done
    again after a wait while a service is unavailable. Raises DocumentNotArchived when the
    document is at fault, ServiceUnavailable when a service stays down (the task is tried
    again), any other error when the machine is."""
    own_work_folder()
    store, catalog = archive.store, archive.catalog
    claims = Claims(catalog)
    while not claims.take([staged.id]):  # another run is archiving it: wait for it
        time.sleep(POLL_SECONDS)
    try:
        if catalog.status(staged.id) == Status.ARCHIVED:
            entry = DocumentReport(name=staged.name, status=Outcome.ALREADY_ARCHIVED, id=staged.id)
            _leave_outcome(store, staged, DocumentOutcome(report=entry, events=[]))
            return entry
        return _archive_claimed(staged, archive)
    finally:
        claims.release([staged.id])


def _archive_claimed(staged: StagedDocument, archive: Archive) -> DocumentReport:
    store, catalog = archive.store, archive.catalog
    schedule = Schedules(catalog).current().schedule
    worker.start()
    with TemporaryDirectory(prefix="sohoa-doc-") as work:
        source = _fetch(store, staged, Path(work))
        process = partial(
            worker.process_again_later, source, staged.batch_id, archive.settings, schedule
        )
        try:
            doc = archive.retried(process, staged.name)
        except (worker.DocumentFailed, worker.ServiceFailed) as error:
            failure = error if isinstance(error, worker.DocumentFailed) else error.failure
            entry = not_archived(store, staged.batch_id, Path(work), source, failure)
            _leave_outcome(store, staged, DocumentOutcome(report=entry, events=failure.events))
            if failure.transient:
                raise
            raise DocumentNotArchived(f"{staged.name}: {failure.reason}") from failure
    entry = archive.retried(
        partial(archive_record, doc, staged.name, catalog, archive.search), staged.name
    )
    _leave_outcome(store, staged, DocumentOutcome(report=entry, events=[]))
    return entry


def finish_batch(
    batch: StagedBatch, documents: list[StagedDocument], archive: Archive
) -> BatchReport:
    """The batch's report from what each document's task left; the staged files removed."""
    store = archive.store
    report, events = batch.report, list(batch.events)
    for staged in documents:
        key = _outcome_key(staged)
        if store.exists(key):
            with store.open(key) as data:
                outcome = DocumentOutcome.model_validate_json(data.read())
        else:
            reason = "its task did not finish: see its log in Airflow, then run the batch again"
            outcome = DocumentOutcome(
                report=DocumentReport(
                    name=staged.name,
                    status=Outcome.FAILED,
                    id=staged.id,
                    reason=reason,
                    reason_vi="tác vụ của văn bản này trong Airflow chưa xong: xem nhật ký của nó,"
                    " rồi chạy lại lô",
                ),
                events=[Event(stage="ocr", outcome="failed", detail=reason)],
            )
        report.documents.append(outcome.report)
        events += [(staged.id, e) for e in outcome.events]
    close_batch(report, events, archive)
    for prefix in (incoming_prefix(report.batch_id), outcomes_prefix(report.batch_id)):
        store.delete_prefix(prefix)
    return report


def _stage(store: Store, batch_id: str, source: DocumentSource) -> StagedDocument:
    keys = []
    for path, original in zip(source.files, source.originals, strict=True):
        keys.append(incoming_prefix(batch_id) + original.name)
        if not store.exists(keys[-1]):  # staged already for another part of the same file
            store.put(keys[-1], path)
    return StagedDocument(
        batch_id=batch_id,
        name=source.name,
        id=source.id,
        keys=keys,
        originals=list(source.originals),
        manifest=source.manifest,
        pages=list(source.pages),
    )


def _fetch(store: Store, staged: StagedDocument, work: Path) -> DocumentSource:
    """The staged files copied to this machine, as intake had them."""
    files = []
    for key, original in zip(staged.keys, staged.originals, strict=True):
        path = work.joinpath(*original.name.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        with store.open(key) as data, path.open("wb") as copy:
            shutil.copyfileobj(data, copy, 1 << 20)
        files.append(path)
    return DocumentSource(
        name=staged.name,
        id=staged.id,
        files=tuple(files),
        originals=tuple(staged.originals),
        manifest=staged.manifest,
        pages=tuple(staged.pages),
    )


def _leave_outcome(store: Store, staged: StagedDocument, outcome: DocumentOutcome) -> None:
    store.put(_outcome_key(staged), outcome.model_dump_json().encode())


def _outcome_key(staged: StagedDocument) -> str:
    return f"{outcomes_prefix(staged.batch_id)}{staged.id}.json"
