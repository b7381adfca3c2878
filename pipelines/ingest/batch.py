"""What becomes of a batch's documents, whoever runs the work (the embedded runner, Airflow):
archived, already archived, quarantined or failed, and the batch closed with its report."""

from datetime import UTC, datetime
from pathlib import Path

from archive_schema.catalog import Catalog
from archive_schema.disposal import Disposals, Tombstone
from archive_schema.models import Document, Event, Status
from archive_schema.vietnamese import vn_date
from indexing.base import SearchBackend
from pipelines.archive import Archive
from pipelines.filing import filed
from pipelines.ingest.intake import BatchIntake, DocumentSource, Rejected
from pipelines.ingest.report import BatchReport, DocumentReport, Outcome
from pipelines.ingest.stages.index import index
from pipelines.ingest.stages.register import register
from pipelines.ingest.worker import DocumentFailed
from pipelines.package.layout import (
    METS_FILE,
    batch_prefix,
    package_prefix,
    quarantine_prefix,
    report_key,
)
from pipelines.package.read import REPAIR_HINT
from pipelines.store import Store

Events = list[tuple[str | None, Event]]  # (document id, event) to keep in the catalog


def open_batch(
    received: BatchIntake, source: str, store: Store, catalog: Catalog
) -> tuple[BatchReport, Events, list[DocumentSource]]:
    """Start the batch in the catalog; keep what it brought; return its report so far, its
    events, and the documents still to archive (not those archived by an earlier run, nor
    those destroyed: their content is quarantined, naming the decision)."""
    report = BatchReport(
        batch_id=received.batch_id,
        source=source,
        started_at=datetime.now(UTC),
        problems=[said.en for said in received.problems],
        warnings=[said.en for said in received.warnings],
        problems_vi=[said.vi for said in received.problems],
        warnings_vi=[said.vi for said in received.warnings],
    )
    catalog.start_batch(received.batch_id, source)
    barred = {
        stone.document_id: stone
        for stone in Disposals(catalog).tombstones(ids=[d.id for d in received.documents])
        if stone.bars_archiving
    }
    received.rejected += [
        Rejected(d.name, reason := _destroyed(barred[d.id]), d.files, reason)
        for d in received.documents
        if d.id in barred
    ]
    received.documents = [d for d in received.documents if d.id not in barred]
    events = _keep_what_came(store, received, report)
    todo = []
    for document in received.documents:
        if catalog.status(document.id) != Status.ARCHIVED:
            todo.append(document)
        elif not store.exists(package_prefix(document.id) + METS_FILE):
            reason = (
                f"archived, but its package in the store has lost its {METS_FILE}: {REPAIR_HINT}"
            )
            report.documents.append(
                DocumentReport(
                    name=document.name,
                    status=Outcome.FAILED,
                    id=document.id,
                    reason=reason,
                    reason_vi=f"đã lưu trữ, nhưng gói trong kho mất tệp {METS_FILE}: quản trị"
                    " viên cần chạy `sohoa verify --repair`",
                )
            )
        else:
            report.documents.append(
                DocumentReport(name=document.name, status=Outcome.ALREADY_ARCHIVED, id=document.id)
            )
    return report, events, todo


def _destroyed(stone: Tombstone) -> str:
    """Why a destroyed record's content is not archived again (for the archivist)."""
    decision = f"quyết định số {stone.disposal_id} ngày {vn_date(stone.decided_at)}"
    if stone.destroyed_at is None:
        return f"tài liệu {stone.document_id} đang được hủy theo {decision}: không lưu trữ lại"
    return (
        f"tài liệu {stone.document_id} đã hủy theo {decision} (ngày hủy"
        f" {vn_date(stone.destroyed_at)}): không lưu trữ lại. Chỉ lưu lại được khi Sở Nội vụ"
        f" cho phép: sohoa disposal readmit {stone.document_id} --reason …"
    )


def close_batch(report: BatchReport, events: Events, archive: Archive) -> None:
    """The report, beside the batch in the store and in the catalog with the batch's events;
    the dossiers a manifest filed its documents in take them (pipelines.filing)."""
    report.documents.sort(key=lambda d: d.name)
    report.finished_at = datetime.now(UTC)
    archive.store.put(report_key(report.batch_id), report.model_dump_json(indent=2).encode())
    archive.catalog.finish_batch(
        report.batch_id, report.status, report.model_dump(mode="json"), events
    )
    filed(archive, [d.id for d in report.documents if d.id and d.status == Outcome.ARCHIVED])


def archive_record(
    doc: Document, name: str, catalog: Catalog, search: SearchBackend
) -> DocumentReport:
    """Register a processed document and make it searchable: it is archived."""
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


def not_archived(
    store: Store, batch_id: str, root: Path, source: DocumentSource, failure: DocumentFailed
) -> DocumentReport:
    """A scan OCR could not decode is quarantined like one intake refused; a secret-marked
    record is reported quarantined, and nothing of it is copied into the store; another
    failure leaves the document to the next run."""
    if failure.classified:
        return DocumentReport(
            name=source.name,
            status=Outcome.QUARANTINED,
            reason=failure.reason,
            reason_vi=failure.reason_vi,
        )
    if failure.unreadable:
        rejected = Rejected(source.name, failure.reason, source.files, failure.reason_vi)
        return quarantine(store, batch_id, root, rejected)
    return DocumentReport(
        name=source.name,
        status=Outcome.FAILED,
        id=source.id,
        reason=failure.reason,
        reason_vi=failure.reason_vi,
    )


def quarantine(store: Store, batch_id: str, root: Path, rejected: Rejected) -> DocumentReport:
    """Keep what cannot be archived beside the batch's report: nothing a batch brought is lost."""
    for path in rejected.files:
        relative = path.relative_to(root) if root in path.parents else Path(path.name)
        store.put(quarantine_prefix(batch_id) + relative.as_posix(), path)
    return DocumentReport(
        name=rejected.name,
        status=Outcome.QUARANTINED,
        reason=rejected.reason,
        reason_vi=rejected.reason_vi,
    )


def _keep_what_came(store: Store, received: BatchIntake, report: BatchReport) -> Events:
    """The manifest and every rejected file go to the store: nothing a batch brought is lost."""
    if received.manifest is not None:
        store.put(batch_prefix(received.batch_id) + received.manifest.name, received.manifest)
    events: Events = [(None, Event(stage="intake", outcome="ok", detail=received.summary))]
    for rejected in received.rejected:
        report.documents.append(quarantine(store, received.batch_id, received.root, rejected))
        detail = f"{rejected.name}: {rejected.reason}"
        events.append((None, Event(stage="intake", outcome="failed", detail=detail)))
    return events
