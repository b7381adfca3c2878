"""What a worker process does for one document: OCR, describe, classify, package.

This module imports only what that work needs (not the catalog, the manifests or the search
index), so that worker processes start fast.
"""

import os
from collections.abc import Callable
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import TypeVar

from archive_schema.errors import ServiceUnavailable, UserError
from archive_schema.models import Document, Event
from archive_schema.retention import Schedule
from archive_schema.vocab import STAGE_LABELS
from ocr.convert import UnreadablePage
from pipelines.archive import Archive
from pipelines.ingest.intake import DocumentSource
from pipelines.ingest.stages.classify import classify
from pipelines.ingest.stages.describe import ClassifiedRecord, describe, refuse_classified
from pipelines.ingest.stages.ocr import ocr
from pipelines.ingest.stages.signatures import validate
from pipelines.package.locks import record_lock
from pipelines.package.read import load_package
from pipelines.package.write import package
from pipelines.retry import unavailable
from pipelines.settings import Settings
from pipelines.signatures.signing import agency_signer
from pipelines.store import UNREADABLE

T = TypeVar("T")


class DocumentFailed(Exception):
    """A stage failed for one document; the rest of the batch goes on. `unreadable`: the
    scan itself could not be read, so the document belongs in quarantine. `classified`: a
    secret-marked record, reported as quarantined but never copied into the store.
    `transient`: the machine failed, not the document (a disk, a connection), so trying
    again may succeed."""

    def __init__(
        self,
        reason: str,
        events: list[Event],
        unreadable: bool = False,
        transient: bool = False,
        reason_vi: str = "",
        classified: bool = False,
    ):
        super().__init__(reason, events, unreadable, transient, reason_vi, classified)
        self.reason, self.events = reason, events
        self.unreadable, self.transient, self.classified = unreadable, transient, classified
        self.reason_vi = (
            reason_vi or "không xử lý được văn bản này (chi tiết kỹ thuật trong báo cáo)"
        )


class ServiceFailed(ServiceUnavailable):
    """A document's work failed for a service unavailable (or a disk): to do again later."""

    def __init__(self, failure: DocumentFailed):
        super().__init__(failure.reason, failure.reason_vi)
        self.failure = failure


def process_again_later(
    source: DocumentSource, batch_id: str, settings: Settings, schedule: Schedule
) -> Document:
    """process_document, whose failure for a service unavailable is a ServiceFailed (what
    Archive.retried tries again)."""
    try:
        return process_document(source, batch_id, settings, schedule, jobs=1)
    except DocumentFailed as failure:
        if failure.transient:
            raise ServiceFailed(failure) from failure
        raise


NICENESS = 10  # of the OCR workers, at least: the readers' requests come first


def start() -> None:
    """Initialise a worker: tesseract gets one thread, parallelism comes from the workers;
    and the worker, its tesseract and Ghostscript yield the processor to whatever else
    runs on the machine (readers searching on `sohoa serve`, the catalog's database): a
    batch takes no longer on a machine doing nothing else."""
    os.environ["OMP_THREAD_LIMIT"] = "1"
    os.nice(max(0, NICENESS - os.nice(0)))


def ready() -> None:
    """A task that does nothing: submitted once per worker so they start during intake."""


def process_document(
    source: DocumentSource, batch_id: str, settings: Settings, schedule: Schedule, jobs: int
) -> Document:
    store = Archive(settings).store
    doc = Document(
        id=source.id, batch_id=batch_id, source_name=source.name, originals=list(source.originals)
    )
    try:
        finished = load_package(store, source.id)  # left by a run that stopped before the end
    except UNREADABLE as error:
        doc.record("package", "failed", f"earlier package is damaged, written again: {error}")
    else:
        if finished is not None:
            finished.record("package", "skipped", "found finished in the archive store")
            return finished
    with TemporaryDirectory(prefix="sohoa-doc-") as work:
        pdf = Path(work) / "document.pdf"
        layouts = _stage(doc, "ocr", lambda: ocr(doc, source, pdf, settings, jobs))
        _stage(doc, "signatures", lambda: validate(doc, source, settings))
        _stage(doc, "describe", lambda: describe(doc, layouts, source.manifest))
        _stage(doc, "secrecy", lambda: refuse_classified(doc, settings.classified_archive))
        row = source.manifest.get("retention_row")
        _stage(doc, "classify", lambda: classify(doc, schedule, row))
        lock = record_lock(doc, settings.object_lock_permanent_years)
        _stage(
            doc,
            "package",
            lambda: package(
                doc,
                list(zip(source.files, source.originals, strict=True)),
                pdf if pdf.exists() else None,  # none made of an electronic PDF/A original
                layouts,
                store,
                lock,
                agency_signer(settings),
            ),
        )
    return doc


def _stage(doc: Document, name: str, run: Callable[[], T]) -> T:
    try:
        return run()
    except Exception as error:  # any fault of one document must not stop the batch
        reason = f"{name}: {error}" if str(error) else f"{name}: {type(error).__name__}"
        doc.record(name, "failed", reason)
        raise DocumentFailed(
            reason,
            doc.events,
            unreadable=isinstance(error, UnreadablePage),
            transient=isinstance(error, OSError) or unavailable(error) is not None,
            classified=isinstance(error, ClassifiedRecord),
            reason_vi=error.vi
            if isinstance(error, UnreadablePage | UserError) and error.vi
            else f"lỗi ở công đoạn {STAGE_LABELS.get(name, name)}: hãy chạy lại lô; nếu còn lỗi,"
            " báo quản trị viên (chi tiết kỹ thuật trong báo cáo)",
        ) from error
