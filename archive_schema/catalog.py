"""The catalog: batches, documents, pages, files and events in a SQL database.

SQLite by default, PostgreSQL in production; the schema is created and upgraded by the
Alembic migrations in `archive_schema/migrations`. The catalog can always be rebuilt from
the archive store, which stays the source of truth.
"""

import fcntl
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    create_engine,
    delete,
    event,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    mapped_column,
    relationship,
    selectinload,
)

from archive_schema.models import (
    Document,
    Event,
    OriginalFile,
    Page,
    Retention,
    Signature,
    Status,
    StoredFile,
)
from archive_schema.paging import Paged, page_of

SCHEMA_REVISION = "0015"  # the newest migration in archive_schema/migrations/versions
SCAN_ROLES = ("original", "superseded")  # files of a record kept by their name in its batch
MIGRATION_LOCK = 0x736F686F61  # "sohoa": PostgreSQL's advisory lock of the migrations


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JSON,
        list[str]: JSON,
        list[dict[str, Any]]: JSON,
        datetime: DateTime(timezone=True),
    }


class BatchRow(Base):
    __tablename__ = "batches"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    source: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(20))  # running, archived, problems
    report: Mapped[dict[str, Any] | None]


class DocumentRow(Base):
    __tablename__ = "documents"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    batch_id: Mapped[str] = mapped_column(ForeignKey("batches.id"), index=True)
    source_name: Mapped[str] = mapped_column(Text)
    code: Mapped[str | None] = mapped_column(String(60))
    dossier_code: Mapped[str | None] = mapped_column(String(60), index=True)
    ordinal: Mapped[int | None]
    doc_type: Mapped[str | None] = mapped_column(String(100), index=True)
    number_symbol: Mapped[str | None] = mapped_column(String(60), index=True)
    number: Mapped[str | None] = mapped_column(String(20))
    notation: Mapped[str | None] = mapped_column(String(60))
    issue_date: Mapped[date | None] = mapped_column(Date, index=True)
    place: Mapped[str | None] = mapped_column(String(200))
    issuing_agency: Mapped[str | None] = mapped_column(String(200), index=True)
    parent_agency: Mapped[str | None] = mapped_column(String(200))
    subject: Mapped[str | None] = mapped_column(Text)
    signer_title: Mapped[str | None] = mapped_column(Text)
    signer_name: Mapped[str | None] = mapped_column(String(200))
    authority_mark: Mapped[str | None] = mapped_column(String(30))
    recipients: Mapped[list[str]]
    secrecy: Mapped[str | None] = mapped_column(String(30))
    urgency: Mapped[str | None] = mapped_column(String(30))
    access_level: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(20))
    dossier_end_year: Mapped[int | None]
    confidence_level: Mapped[str] = mapped_column(String(30))
    page_count: Mapped[int]
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    package: Mapped[str | None] = mapped_column(Text)
    retention_schedule: Mapped[str | None] = mapped_column(String(60))
    retention_row: Mapped[str | None] = mapped_column(String(20))
    retention_years: Mapped[int | None]
    retention_permanent: Mapped[bool] = mapped_column(default=False)
    review_from: Mapped[date | None] = mapped_column(Date, index=True)
    retention_status: Mapped[str] = mapped_column(String(20))
    sources: Mapped[dict[str, Any]]
    field_confidence: Mapped[dict[str, Any]] = mapped_column(server_default="{}")
    # the digital signatures of an electronic original, and the worst of their statuses
    signatures: Mapped[list[dict[str, Any]]] = mapped_column(server_default="[]")
    signature_status: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), index=True)
    registered_at: Mapped[datetime]
    archived_at: Mapped[datetime | None]
    # the archivist's check (archive_schema.checking): the least trusted field read by OCR,
    # who checked the record and when, and its revision, which each save moves on
    lowest_confidence: Mapped[float | None]
    checked_by: Mapped[str | None] = mapped_column(String(64))
    checked_at: Mapped[datetime | None] = mapped_column(index=True)
    revision: Mapped[int] = mapped_column(default=0, server_default="0")

    pages: Mapped[list["PageRow"]] = relationship(
        cascade="all, delete-orphan", order_by="PageRow.number", passive_deletes=True
    )
    files: Mapped[list["FileRow"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )


class PageRow(Base):
    __tablename__ = "pages"

    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    confidence: Mapped[float]
    quality: Mapped[float] = mapped_column(server_default="0")
    needs_review: Mapped[bool]


class FileRow(Base):
    __tablename__ = "files"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(Text)
    key: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    media_type: Mapped[str] = mapped_column(String(100))
    pages: Mapped[int | None]
    puid: Mapped[str | None] = mapped_column(String(20))  # PRONOM, of an original


class EventRow(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    document_id: Mapped[str | None] = mapped_column(String(64), index=True)
    batch_id: Mapped[str | None] = mapped_column(String(32), index=True)
    stage: Mapped[str] = mapped_column(String(30))
    outcome: Mapped[str] = mapped_column(String(10))
    detail: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime]


@dataclass(frozen=True)
class BatchRecord:
    id: str
    source: str
    received_at: datetime
    finished_at: datetime | None
    status: str  # running, archived, problems
    report: dict[str, Any] | None  # a pipelines.ingest.report.BatchReport, as JSON


_COLUMNS = [
    c.name
    for c in DocumentRow.__table__.columns
    if c.name in Document.model_fields and c.name != "signatures"
]
# the statuses of signatures, worst first: a record's signature_status is its worst one
SIGNATURE_STATUSES = ("invalid", "unknown", "untrusted", "valid")


class Catalog:
    def __init__(self, url: str):
        sqlite = url.startswith("sqlite")
        if sqlite and (database := make_url(url).database) and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)  # a first run: a new home
        # Airflow's tasks write from several processes at once: wait for each other's writes.
        # A server's connections are tested before use: one a restart cut is replaced.
        self.engine = create_engine(
            url, connect_args={"timeout": 60} if sqlite else {}, pool_pre_ping=not sqlite
        )
        if sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        migrate(self.engine)

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def status(self, document_id: str) -> Status | None:
        with self.session() as session:
            value = session.scalar(select(DocumentRow.status).where(DocumentRow.id == document_id))
        return Status(value) if value else None

    def start_batch(self, batch_id: str, source: str) -> None:
        """The batch, received (again) now; two runs of it may start at once."""
        for attempt in (1, 2):
            try:
                with self.session() as session, session.begin():
                    row = session.get(BatchRow, batch_id) or BatchRow(id=batch_id)
                    row.source, row.received_at, row.finished_at = source, now(), None
                    row.status = "running"
                    session.add(row)
                return
            except IntegrityError:  # the other run inserted it first: update it
                if attempt == 2:
                    raise

    def finish_batch(
        self,
        batch_id: str,
        status: str,
        report: dict[str, Any],
        events: list[tuple[str | None, Event]],
    ) -> None:
        """Close a batch with its report and its events (of the batch, or of a document)."""
        with self.session() as session, session.begin():
            row = session.get(BatchRow, batch_id)
            if row is None:
                raise KeyError(f"no batch {batch_id}")
            row.status, row.report, row.finished_at = status, report, now()
            session.add_all(
                _event_row(e, document_id=doc_id, batch_id=batch_id) for doc_id, e in events
            )

    def register(self, doc: Document) -> None:
        """Write the document, its pages, files and events in one transaction (replacing any
        earlier, unfinished registration of the same document)."""
        with self.session() as session, session.begin():
            old = session.get(DocumentRow, doc.id)
            if old is not None:
                session.delete(old)
                session.flush()
            session.add(_document_row(doc))
            session.add_all(
                _event_row(e, document_id=doc.id, batch_id=doc.batch_id) for e in doc.events
            )

    def mark_archived(self, document_id: str, evt: Event) -> None:
        with self.session() as session, session.begin():
            row = session.get(DocumentRow, document_id)
            if row is None:
                raise KeyError(f"no document {document_id}")
            row.status, row.archived_at = Status.ARCHIVED, evt.at
            session.add(_event_row(evt, document_id=document_id, batch_id=row.batch_id))

    def add_events(self, document_id: str, batch_id: str, events: list[Event]) -> None:
        with self.session() as session, session.begin():
            session.add_all(_event_row(e, document_id, batch_id) for e in events)

    def replace_file(self, document_id: str, written: StoredFile) -> None:
        """A file of the record's package written again, or added (a page's corrected text)."""
        with self.session() as session, session.begin():
            query = select(FileRow).where(
                FileRow.document_id == document_id, FileRow.key == written.key
            )
            row = session.scalars(query).one_or_none() or FileRow(
                document_id=document_id, name=written.key.rsplit("/", 1)[-1], pages=None
            )
            row.role, row.key, row.media_type = written.role, written.key, written.media_type
            row.sha256, row.size = written.sha256, written.size
            session.add(row)

    def set_signatures(self, document_id: str, signatures: list[Signature], evt: Event) -> None:
        """The record's signatures as validated again, with the event that says so."""
        with self.session() as session, session.begin():
            row = session.get(DocumentRow, document_id, with_for_update=True)
            if row is None:
                raise KeyError(f"no document {document_id}")
            row.signatures = [s.model_dump(mode="json") for s in signatures]
            row.signature_status = _worst(signatures)
            session.add(_event_row(evt, document_id=document_id, batch_id=row.batch_id))

    def mark_due_for_review(self, today: date) -> list[str]:
        """ "Xem xét hủy" (TT 05/2025): archived records whose retention period has ended are
        listed for the records office's review, each with an event; returns their ids."""
        query = select(DocumentRow).where(
            DocumentRow.status == Status.ARCHIVED,
            DocumentRow.retention_status == "classified",
            DocumentRow.review_from <= today,
        )
        with self.session() as session, session.begin():
            rows = session.scalars(query).all()
            for row in rows:
                row.retention_status = "review"
                detail = (
                    f"Xem xét hủy: {row.retention_years} years of row {row.retention_row}"
                    f" of {row.retention_schedule} ended before {row.review_from}"
                )
                evt = Event(stage="retention", outcome="ok", detail=detail)
                session.add(_event_row(evt, document_id=row.id, batch_id=row.batch_id))
        return [row.id for row in rows]

    def events(self, document_id: str) -> list[Event]:
        """What was done to a document, oldest first."""
        query = select(EventRow).where(EventRow.document_id == document_id).order_by(EventRow.id)
        with self.session() as session:
            return [Event.model_validate(r, from_attributes=True) for r in session.scalars(query)]

    def batches(
        self, ids: Collection[str] | None = None, source: str | None = None
    ) -> list[BatchRecord]:
        """The batches received (only those of `ids`, or from `source`, when given), newest
        first."""
        query = select(BatchRow).order_by(BatchRow.received_at.desc())
        if ids is not None:
            query = query.where(BatchRow.id.in_(ids))
        if source is not None:
            query = query.where(BatchRow.source == source)
        with self.session() as session:
            return [_batch(r) for r in session.scalars(query)]

    def known_as(self, ids: Collection[str]) -> dict[str, str]:
        """How people know each record of `ids` the catalog has: its number and notation,
        else its code (mã định danh)."""
        query = select(DocumentRow.id, DocumentRow.number_symbol, DocumentRow.code).where(
            DocumentRow.id.in_(ids)
        )
        with self.session() as session:
            return {
                i: known for i, number, code in session.execute(query) if (known := number or code)
            }

    def document_ids(self, status: Status = Status.ARCHIVED) -> set[str]:
        with self.session() as session:
            return set(session.scalars(select(DocumentRow.id).where(DocumentRow.status == status)))

    def batches_page(self, number: int) -> "Paged[BatchRecord]":
        """A page of the batches received, newest first."""
        query = select(BatchRow).order_by(BatchRow.received_at.desc())
        with self.session() as session:
            rows, total = page_of(session, query, number)
        return Paged([_batch(r) for r in rows], total, number)

    def retention_statuses(self) -> dict[str, str]:
        """Each registered document's retention status, which changes after packaging."""
        query = select(DocumentRow.id, DocumentRow.retention_status)
        with self.session() as session:
            return {row.id: row.retention_status for row in session.execute(query)}

    def documents(
        self, status: Status = Status.ARCHIVED, ids: Collection[str] | None = None
    ) -> Iterator[Document]:
        """The documents of `status` (only those of `ids` when given), oldest first."""
        query = (
            select(DocumentRow)
            .where(DocumentRow.status == status)
            .order_by(DocumentRow.issue_date, DocumentRow.id)
            .options(selectinload(DocumentRow.pages), selectinload(DocumentRow.files))
        )
        if ids is not None:
            query = query.where(DocumentRow.id.in_(ids))
        with self.session() as session:
            for row in session.scalars(query):
                yield _document(row)


def migrate(engine: Engine) -> None:
    """Bring the catalog's schema to the newest migration, one process at a time: commands
    started together on a new home wait for the first to build it (Alembic, a second to
    import, is loaded only when there is something to upgrade)."""
    if _revision(engine) == SCHEMA_REVISION:
        return
    with _migration_lock(engine):
        if _revision(engine) == SCHEMA_REVISION:  # another process has just done it
            return
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", "archive_schema:migrations")
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")


def _revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        found = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        return str(found) if found else None


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """A lock all processes agree on: a file lock beside a SQLite database, an advisory
    lock of PostgreSQL."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
        return
    database = engine.url.database
    if not database or database == ":memory:":
        yield
        return
    with Path(f"{database}.migration-lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def now() -> datetime:
    return datetime.now(UTC)


def aware(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes of what was stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def replace_scans(session: Session, doc: Document, events: list[Event]) -> DocumentRow:
    """In `session`: the record's pages, scans and files after a re-scan; back in the queue
    of records to check, its revision moved on."""
    row = session.get(DocumentRow, doc.id, with_for_update=True)
    if row is None:
        raise KeyError(f"no document {doc.id}")
    session.execute(delete(PageRow).where(PageRow.document_id == doc.id))
    session.execute(delete(FileRow).where(FileRow.document_id == doc.id))
    session.flush()
    session.add_all([*_page_rows(doc), *_file_rows(doc)])
    row.page_count, row.pdf_sha256 = doc.page_count, doc.pdf_sha256
    row.checked_by = row.checked_at = None
    row.revision += 1
    session.add_all(_event_row(e, doc.id, doc.batch_id) for e in events)
    return row


def lowest_confidence(field_confidence: dict[str, float]) -> float | None:
    return min(field_confidence.values(), default=None)


def document_event(row: DocumentRow, stage: str, detail: str) -> EventRow:
    """A record's event, for a change made to its catalog row."""
    return _event_row(Event(stage=stage, outcome="ok", detail=detail), row.id, row.batch_id)


def _event_row(e: Event, document_id: str | None = None, batch_id: str | None = None) -> EventRow:
    return EventRow(
        document_id=document_id,
        batch_id=batch_id,
        stage=e.stage,
        outcome=e.outcome,
        detail=e.detail,
        at=e.at,
    )


def _batch(row: BatchRow) -> BatchRecord:
    return BatchRecord(row.id, row.source, row.received_at, row.finished_at, row.status, row.report)


def _document_row(doc: Document) -> DocumentRow:
    retention = doc.retention or Retention(schedule="")
    row = DocumentRow(
        **{name: getattr(doc, name) for name in _COLUMNS},
        retention_schedule=retention.schedule or None,
        retention_row=retention.row,
        retention_years=retention.years,
        retention_permanent=retention.permanent,
        review_from=retention.review_from,
        retention_status=retention.status,
        page_count=doc.page_count,
        registered_at=now(),
        lowest_confidence=lowest_confidence(doc.field_confidence),
        signatures=[s.model_dump(mode="json") for s in doc.signatures],
        signature_status=_worst(doc.signatures),
    )
    row.pages, row.files = _page_rows(doc), _file_rows(doc)
    return row


def _worst(signatures: list[Signature]) -> str | None:
    """The worst status of the original's signatures (the agency's on its copy aside)."""
    found = {s.status for s in signatures if s.on == "original"}
    return next((status for status in SIGNATURE_STATUSES if status in found), None)


def _page_rows(doc: Document) -> list[PageRow]:
    return [PageRow(document_id=doc.id, **p.model_dump()) for p in doc.pages]


def _file_rows(doc: Document) -> list[FileRow]:
    scans = [
        FileRow(
            document_id=doc.id,
            role=role,
            name=o.name,
            key=None,
            sha256=o.sha256,
            size=o.size,
            media_type=o.media_type,
            pages=o.pages,
            puid=o.puid,
        )
        for role, kept in (("original", doc.originals), ("superseded", doc.superseded))
        for o in kept
    ]
    return scans + [
        FileRow(
            document_id=doc.id,
            role=f.role,
            name=f.key.rsplit("/", 1)[-1],
            key=f.key,
            sha256=f.sha256,
            size=f.size,
            media_type=f.media_type,
            pages=None,
        )
        for f in doc.files
    ]


def _scans(row: DocumentRow, role: str) -> list[OriginalFile]:
    return [
        OriginalFile(
            name=f.name,
            sha256=f.sha256,
            size=f.size,
            media_type=f.media_type,
            pages=f.pages or 0,
            puid=f.puid,
        )
        for f in row.files
        if f.role == role
    ]


def _document(row: DocumentRow) -> Document:
    return Document(
        **{name: getattr(row, name) for name in _COLUMNS},
        pages=[Page.model_validate(p, from_attributes=True) for p in row.pages],
        signatures=[Signature.model_validate(s) for s in row.signatures],
        originals=_scans(row, "original"),
        superseded=_scans(row, "superseded"),
        files=[
            StoredFile(
                role=f.role, key=f.key or "", sha256=f.sha256, size=f.size, media_type=f.media_type
            )
            for f in row.files
            if f.role not in SCAN_ROLES
        ],
        retention=Retention(
            schedule=row.retention_schedule or "",
            row=row.retention_row,
            years=row.retention_years,
            permanent=row.retention_permanent,
            review_from=row.review_from,
            status=row.retention_status,
        ),
    )
