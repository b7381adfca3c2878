"""Batches handed in through the web: who sent what, where it waits, and how far each of its
documents has got (queued, OCR, archived, failed with the reason)."""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import uuid4

from sqlalchemy import ForeignKey, String, Text, false, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from archive_schema.catalog import Base, Catalog, now


class UploadState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    FINISHED = "finished"  # every document archived
    PROBLEMS = "problems"  # finished, some document not archived: the report says why
    FAILED = "failed"  # the batch could not be processed at all


class Stage(StrEnum):
    """How far one document of an upload has got."""

    QUEUED = "queued"
    OCR = "ocr"
    ARCHIVED = "archived"
    FAILED = "failed"


class UploadRow(Base):
    __tablename__ = "uploads"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(Text)  # what the archivist sent: a zip, or a folder
    path: Mapped[str] = mapped_column(Text)  # where the batch waits, for the runner or Airflow
    created_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(20), index=True)
    batch_id: Mapped[str | None] = mapped_column(String(32))
    airflow_run: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    split_at_blank: Mapped[bool] = mapped_column(default=False, server_default=false())


class UploadDocumentRow(Base):
    __tablename__ = "upload_documents"

    upload_id: Mapped[str] = mapped_column(ForeignKey("uploads.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(500), primary_key=True)
    stage: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    document_id: Mapped[str | None] = mapped_column(String(64))


@dataclass(frozen=True)
class UploadDocument:
    name: str
    stage: Stage
    reason: str | None = None
    document_id: str | None = None


@dataclass(frozen=True)
class Upload:
    id: str
    user: str
    name: str
    path: str
    created_at: datetime
    state: UploadState
    batch_id: str | None
    airflow_run: str | None
    error: str | None
    split_at_blank: bool = False  # its files cut at their blank pages
    documents: list[UploadDocument] = field(default_factory=list)

    def count(self, stage: Stage) -> int:
        return sum(1 for d in self.documents if d.stage is stage)


class Uploads:
    def __init__(self, catalog: Catalog):
        self.catalog = catalog

    def create(
        self,
        user: str,
        name: str,
        path: str,
        upload_id: str | None = None,
        split_at_blank: bool = False,
    ) -> str:
        upload_id = upload_id or uuid4().hex
        with self.catalog.session() as session, session.begin():
            session.add(
                UploadRow(
                    id=upload_id,
                    user=user,
                    name=name,
                    path=path,
                    created_at=now(),
                    state=UploadState.QUEUED,
                    split_at_blank=split_at_blank,
                )
            )
        return upload_id

    def get(self, upload_id: str) -> Upload | None:
        with self.catalog.session() as session:
            row = session.get(UploadRow, upload_id)
            return _upload(row, self._documents(session, [upload_id])) if row else None

    def newest(self, limit: int = 100) -> list[Upload]:
        query = select(UploadRow).order_by(UploadRow.created_at.desc()).limit(limit)
        with self.catalog.session() as session:
            rows = list(session.scalars(query))
            documents = self._documents(session, [row.id for row in rows])
            return [_upload(row, documents) for row in rows]

    def claim_next(self) -> Upload | None:
        """The oldest queued upload, now running; None when none waits. Two workers never
        claim the same one."""
        while True:
            with self.catalog.session() as session:
                upload_id = session.scalar(
                    select(UploadRow.id)
                    .where(UploadRow.state == UploadState.QUEUED)
                    .order_by(UploadRow.created_at)
                    .limit(1)
                )
            if upload_id is None:
                return None
            if self._move(upload_id, UploadState.QUEUED, UploadState.RUNNING):
                return self.get(upload_id)

    def requeue(self, upload_id: str) -> bool:
        """Queue a finished upload again (its failed documents are retried; the rest is
        archived already and skipped)."""
        return any(
            self._move(upload_id, done, UploadState.QUEUED)
            for done in (UploadState.PROBLEMS, UploadState.FAILED, UploadState.FINISHED)
        )

    def requeue_interrupted(self) -> None:
        """Queue again what an embedded worker was archiving when it died (called by the
        one worker that runs, so nothing else is archiving them)."""
        with self.catalog.session() as session, session.begin():
            session.execute(
                update(UploadRow)
                .where(UploadRow.state == UploadState.RUNNING, UploadRow.airflow_run.is_(None))
                .values(state=UploadState.QUEUED)
            )

    def set_stages(self, upload_id: str, documents: list[UploadDocument]) -> None:
        with self.catalog.session() as session, session.begin():
            for doc in documents:
                session.merge(
                    UploadDocumentRow(
                        upload_id=upload_id,
                        name=doc.name,
                        stage=doc.stage,
                        reason=doc.reason,
                        document_id=doc.document_id,
                    )
                )

    def set_airflow_run(self, upload_id: str, run_id: str) -> None:
        self._update(upload_id, state=UploadState.RUNNING, airflow_run=run_id)

    def finish(
        self,
        upload_id: str,
        state: UploadState,
        batch_id: str | None = None,
        error: str | None = None,
    ) -> None:
        self._update(upload_id, state=state, batch_id=batch_id, error=error)

    def _update(self, upload_id: str, **values: object) -> None:
        with self.catalog.session() as session, session.begin():
            session.execute(update(UploadRow).where(UploadRow.id == upload_id).values(**values))

    def _move(self, upload_id: str, old: UploadState, new: UploadState) -> bool:
        with self.catalog.session() as session, session.begin():
            moved = session.execute(
                update(UploadRow)
                .where(UploadRow.id == upload_id, UploadRow.state == old)
                .values(state=new, error=None)
            )
            return bool(moved.rowcount)  # type: ignore[attr-defined]

    @staticmethod
    def _documents(session: Session, ids: list[str]) -> dict[str, list[UploadDocument]]:
        query = (
            select(UploadDocumentRow)
            .where(UploadDocumentRow.upload_id.in_(ids))
            .order_by(UploadDocumentRow.name)
        )
        found: dict[str, list[UploadDocument]] = {}
        for row in session.scalars(query):
            found.setdefault(row.upload_id, []).append(
                UploadDocument(row.name, Stage(row.stage), row.reason, row.document_id)
            )
        return found


def _upload(row: UploadRow, documents: dict[str, list[UploadDocument]]) -> Upload:
    return Upload(
        id=row.id,
        user=row.user,
        name=row.name,
        path=row.path,
        created_at=row.created_at,
        state=UploadState(row.state),
        batch_id=row.batch_id,
        airflow_run=row.airflow_run,
        error=row.error,
        split_at_blank=row.split_at_blank,
        documents=documents.get(row.id, []),
    )
