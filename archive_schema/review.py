"""The records office's work on what the archive keeps: the review list ("Xem xét hủy"),
the queue of records no schedule row took, reclassification, and legal holds.

A record is due for review once its retention period has run out (its `review_from` has
come); a permanent record never is, nor one whose end year is unknown, nor one under a
legal hold: a hold (with its reason and who set it) keeps a record out of the review list
and out of any destruction until it is released.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ForeignKey, Select, String, Text, extract, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from archive_schema.audit import audit_row
from archive_schema.catalog import Base, Catalog, DocumentRow, document_event, now
from archive_schema.errors import UserError
from archive_schema.fonds import DossierRow
from archive_schema.models import Description, Status
from archive_schema.paging import Paged, page_of
from archive_schema.retention import Schedule, end_year
from archive_schema.schedules import ScheduleVersion


class LegalHoldRow(Base):
    __tablename__ = "legal_holds"

    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    reason: Mapped[str] = mapped_column(Text)
    set_by: Mapped[str] = mapped_column(String(64))
    set_at: Mapped[datetime]


@dataclass(frozen=True)
class RecordLine:
    """A record as the records office's lists show it."""

    id: str
    code: str | None
    dossier_code: str | None
    doc_type: str | None
    number_symbol: str | None
    issue_date: date | None
    issuing_agency: str | None
    subject: str | None
    schedule: str | None
    row: str | None
    years: int | None
    permanent: bool
    review_from: date | None
    hold: str | None  # the hold's reason


@dataclass(frozen=True)
class DueDossier:
    """A dossier with records due for review, as the records office's list shows it."""

    code: str
    title: str | None  # None: a code no dossier was opened under
    due: int
    review_from: date


@dataclass(frozen=True)
class Filters:
    doc_type: str | None = None
    year: int | None = None  # of issue
    agency: str | None = None
    dossier: str | None = None


class Review:
    def __init__(self, catalog: Catalog):
        self.catalog = catalog

    def due(self, today: date, filters: Filters = Filters()) -> list[RecordLine]:
        """Xem xét hủy: archived records whose period ran out before `today`, not held."""
        return self._lines(due_query(today, filters))

    def due_by_dossier(self, today: date, filters: Filters = Filters()) -> list[DueDossier]:
        """The dossiers holding records due for review before `today`, with how many and
        since when, earliest first."""
        due = due_query(today, filters).where(DocumentRow.dossier_code.is_not(None)).subquery()
        query = (
            select(due.c.dossier_code, DossierRow.title, func.count(), func.min(due.c.review_from))
            .outerjoin(DossierRow, DossierRow.code == due.c.dossier_code)
            .group_by(due.c.dossier_code, DossierRow.title)
            .order_by(func.min(due.c.review_from), due.c.dossier_code)
        )
        with self.catalog.session() as session:
            return [DueDossier(*row) for row in session.execute(query)]

    def unclassified(self, filters: Filters = Filters()) -> list[RecordLine]:
        """The records no schedule row took, for a records officer to assign one."""
        return self._lines(unclassified_query(filters))

    def held(self) -> list[RecordLine]:
        return self._lines(held_query())

    def page(self, query: Select[DocumentRow], number: int) -> Paged[RecordLine]:
        """Page `number` of one of the lists (due_query, unclassified_query, held_query)."""
        with self.catalog.session() as session:
            docs, total = page_of(session, query, number)
        return Paged(self._of(docs), total, number)

    def records(self, ids: Collection[str]) -> dict[str, RecordLine]:
        query = select(DocumentRow).where(DocumentRow.id.in_(ids))
        return {line.id: line for line in self._lines(query)}

    def reclassify(
        self,
        ids: Collection[str],
        row_code: str,
        version: ScheduleVersion,
        user: str,
        address: str = "",
    ) -> list[str]:
        """Put records under row `row_code` of `version`: their review date is computed
        again; an event of each record and an audit log row say who did it. All or none."""
        schedule = version.schedule
        row = schedule.row(row_code)
        if row is None:
            raise UserError(
                f"row {row_code!r} is not in version {version.version} of the schedule",
                f"Bảng thời hạn phiên bản {version.version} không có điều {row_code}.",
            )
        with self.catalog.session() as session, session.begin():
            rows = _archived_rows(session, ids)
            for doc in rows:
                before = (
                    f"điều {doc.retention_row} của {doc.retention_schedule}"
                    if doc.retention_row
                    else "chưa xác định"
                )
                _classify(doc, schedule, row_code)
                detail = f"reclassified by {user}: {before} → row {row.row} of {schedule.name}"
                session.add(document_event(doc, "retention", detail))
                moved = f"{doc.id}: {before} → điều {row.row} của {schedule.name}"
                session.add(audit_row(user, "reclassify", moved, address))
        return [doc.id for doc in rows]

    def follow_dossier(
        self, code: str, row_code: str, ends: int | None, version: ScheduleVersion
    ) -> list[str]:
        """The archived records of dossier `code` put under its row `row_code` of `version`,
        their period counted from the year the dossier `ends` (the year of its last
        document); returns those this changed, each with an event saying so."""
        schedule = version.schedule
        if schedule.row(row_code) is None:  # a row a newer schedule dropped: left as they are
            return []
        changed = []
        query = select(DocumentRow).where(
            DocumentRow.dossier_code == code, DocumentRow.status == Status.ARCHIVED
        )
        with self.catalog.session() as session, session.begin():
            for doc in session.scalars(query):
                if (doc.retention_schedule, doc.retention_row, doc.dossier_end_year) == (
                    schedule.name,
                    row_code,
                    ends,
                ):
                    continue
                doc.dossier_end_year = ends
                _classify(doc, schedule, row_code)
                detail = f"follows dossier {code}: row {row_code} of {schedule.name}, ends {ends}"
                session.add(document_event(doc, "retention", detail))
                changed.append(doc.id)
        return changed

    def record_id(self, reference: str) -> str:
        """The archived record a person names: by its id, its code (mã định danh), or its
        number and notation when only one record has them."""
        reference = reference.strip()
        with self.catalog.session() as session:
            for column in (DocumentRow.id, DocumentRow.code, DocumentRow.number_symbol):
                found = session.scalars(
                    select(DocumentRow.id)
                    .where(column == reference, DocumentRow.status == Status.ARCHIVED)
                    .limit(2)
                ).all()
                if len(found) == 1:
                    return found[0]
                if len(found) > 1:
                    raise UserError(
                        f"several records are {reference!r}: name one by its code",
                        f"Có nhiều tài liệu mang số {reference}: hãy ghi mã định danh.",
                    )
        raise UserError(
            f"no archived record {reference!r}",
            f"Không có tài liệu nào mang mã hoặc số, ký hiệu '{reference}'.",
        )

    def hold(self, document_id: str, reason: str, user: str, address: str = "") -> None:
        if not reason.strip():
            raise UserError("a legal hold needs its reason", "Phong tỏa phải nêu lý do.")
        with self.catalog.session() as session, session.begin():
            (doc,) = _archived_rows(session, [document_id])
            if session.get(LegalHoldRow, document_id) is not None:
                raise UserError(
                    f"{document_id} is under a legal hold already",
                    "Tài liệu này đang bị phong tỏa rồi.",
                )
            session.add(
                LegalHoldRow(document_id=doc.id, reason=reason.strip(), set_by=user, set_at=now())
            )
            session.add(document_event(doc, "hold", f"legal hold set by {user}: {reason.strip()}"))
            session.add(audit_row(user, "hold", f"{doc.id}: {reason.strip()}", address))

    def release(self, document_id: str, user: str, address: str = "") -> None:
        with self.catalog.session() as session, session.begin():
            hold = session.get(LegalHoldRow, document_id)
            if hold is None:
                raise UserError(
                    f"{document_id} is not under a legal hold", "Tài liệu này không bị phong tỏa."
                )
            session.delete(hold)
            (doc,) = _archived_rows(session, [document_id])
            detail = f"legal hold released by {user} (was: {hold.reason})"
            session.add(document_event(doc, "hold", detail))
            was = f"{doc.id}: lý do phong tỏa đã gỡ: {hold.reason}"
            session.add(audit_row(user, "release_hold", was, address))

    def _lines(self, query: Select[DocumentRow]) -> list[RecordLine]:
        with self.catalog.session() as session:
            return self._of(list(session.scalars(query)))

    def _of(self, docs: list[DocumentRow]) -> list[RecordLine]:
        with self.catalog.session() as session:
            holds = {h.document_id: h.reason for h in legal_holds(session, [d.id for d in docs])}
        return [
            RecordLine(
                d.id,
                d.code,
                d.dossier_code,
                d.doc_type,
                d.number_symbol,
                d.issue_date,
                d.issuing_agency,
                d.subject,
                d.retention_schedule,
                d.retention_row,
                d.retention_years,
                d.retention_permanent,
                d.review_from,
                holds.get(d.id),
            )
            for d in docs
        ]


def due_query(today: date, filters: Filters = Filters()) -> Select[DocumentRow]:
    return (
        _archived(filters)
        .where(
            DocumentRow.retention_permanent.is_(False),
            DocumentRow.review_from <= today,
            DocumentRow.id.not_in(select(LegalHoldRow.document_id)),
        )
        .order_by(DocumentRow.review_from, DocumentRow.id)
    )


def unclassified_query(filters: Filters = Filters()) -> Select[DocumentRow]:
    query = _archived(filters).where(DocumentRow.retention_status == "unclassified")
    return query.order_by(DocumentRow.issue_date, DocumentRow.id)


def held_query() -> Select[DocumentRow]:
    query = _archived(Filters()).where(DocumentRow.id.in_(select(LegalHoldRow.document_id)))
    return query.order_by(DocumentRow.id)


def legal_holds(session: Session, ids: Collection[str]) -> list[LegalHoldRow]:
    """The legal holds on any of the records `ids`."""
    return list(session.scalars(select(LegalHoldRow).where(LegalHoldRow.document_id.in_(ids))))


def _archived(filters: Filters) -> Select[DocumentRow]:
    query = select(DocumentRow).where(DocumentRow.status == Status.ARCHIVED)
    if filters.doc_type:
        query = query.where(DocumentRow.doc_type == filters.doc_type)
    if filters.year:
        query = query.where(extract("year", DocumentRow.issue_date) == filters.year)
    if filters.agency:
        query = query.where(DocumentRow.issuing_agency == filters.agency)
    if filters.dossier:
        query = query.where(DocumentRow.dossier_code == filters.dossier)
    return query


def _archived_rows(session: Session, ids: Collection[str]) -> list[DocumentRow]:
    """The archived records of `ids`, every one of them, or an error naming the missing."""
    rows = list(
        session.scalars(
            select(DocumentRow).where(
                DocumentRow.id.in_(ids), DocumentRow.status == Status.ARCHIVED
            )
        )
    )
    missing = sorted(set(ids) - {row.id for row in rows})
    if missing:
        raise UserError(
            f"no archived record {', '.join(missing)}",
            f"{len(missing)} tài liệu không còn trong kho (đã hủy, hoặc chưa lưu xong).",
        )
    return rows


def _classify(doc: DocumentRow, schedule: Schedule, row_code: str) -> None:
    record = _description(doc)
    retention = schedule.classify(record, end_year(record), row_code)
    doc.retention_schedule, doc.retention_row = retention.schedule, retention.row
    doc.retention_years, doc.retention_permanent = retention.years, retention.permanent
    doc.review_from, doc.retention_status = retention.review_from, "classified"


def _description(row: DocumentRow) -> Description:
    return Description.model_validate(row, from_attributes=True)
