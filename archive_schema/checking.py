"""The archivist's quality control ("Kiểm tra chất lượng"): the queue of records to check,
worst first, and corrections, each an audited change of one field kept in its history.

A record comes first when a page of it was flagged, then when its number and notation
stand on another record of the same body (NĐ 30/2020 asks for the warning), then by how
many required fields are missing, then by its least trusted field. Saving a record, with
or without changes, marks it checked. Two archivists saving the same record: the second
is refused (each save names the revision it was opened at), so no change is lost.

A page's text may be corrected too; search and export then use it. The PDF/A's text layer
keeps what OCR read: rewriting it would change the archived copy, and the new words have no
place on the scan that OCR measured.
"""

import operator
from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime
from functools import reduce
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Integer,
    Select,
    String,
    Text,
    and_,
    case,
    distinct,
    exists,
    func,
    select,
)
from sqlalchemy.orm import Mapped, Session, aliased, mapped_column
from sqlalchemy.sql import ColumnElement

from archive_schema.audit import audit_row
from archive_schema.catalog import (
    Base,
    Catalog,
    DocumentRow,
    PageRow,
    aware,
    document_event,
    lowest_confidence,
    now,
    replace_scans,
)
from archive_schema.errors import UserError
from archive_schema.fonds import same_fonds
from archive_schema.identifiers import document_code, split_number_symbol
from archive_schema.models import Document, Event, OriginalFile, Source, Status
from archive_schema.paging import Paged, page_of
from archive_schema.vietnamese import normalize, vn_date
from archive_schema.vocab import ACCESS_LEVELS, FIELD_LABELS

REQUIRED = ("doc_type", "number_symbol", "issue_date", "issuing_agency", "subject")
# What an archivist may correct, in the order the review screen shows it.
CORRECTABLE = (
    "doc_type",
    "number_symbol",
    "issue_date",
    "place",
    "issuing_agency",
    "parent_agency",
    "subject",
    "authority_mark",
    "signer_title",
    "signer_name",
    "recipients",
    "access_level",
    "dossier_code",
    "ordinal",
)
GONE = "Một văn bản được chọn không còn trong kho (đã được gộp hoặc hủy); không có gì bị thay đổi."
EARLIEST = date(1945, 9, 2)  # no record of the state is older than the state
REASONS = {
    "signature": "Chữ ký số không hợp lệ hoặc chưa được tin cậy",
    "flagged": "Có trang cần kiểm tra",
    "duplicate": "Trùng số, ký hiệu với văn bản khác của cùng cơ quan",
    "missing": "Thiếu trường bắt buộc",
    "unsure": "Có trường máy đọc không chắc",
}


class CorrectionRow(Base):
    __tablename__ = "corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    field: Mapped[str] = mapped_column(String(40))
    page: Mapped[int | None]  # of a page's text ("text")
    old: Mapped[Any] = mapped_column(JSON, nullable=True)
    new: Mapped[Any] = mapped_column(JSON, nullable=True)
    user: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]


class AcceptanceRow(Base):
    """Nghiệm thu: a batch every record of which was checked, accepted by another archivist."""

    __tablename__ = "acceptances"

    batch_id: Mapped[str] = mapped_column(ForeignKey("batches.id"), primary_key=True)
    accepted_by: Mapped[str] = mapped_column(String(64))
    accepted_at: Mapped[datetime]
    figures: Mapped[dict[str, Any]]
    record_key: Mapped[str] = mapped_column(Text)  # the acceptance record (PDF/A) in the store


@dataclass(frozen=True)
class QueueLine:
    id: str
    number_symbol: str | None
    doc_type: str | None
    issue_date: date | None
    subject: str | None
    batch_id: str
    checked_by: str | None
    reasons: tuple[str, ...]  # keys of REASONS


@dataclass(frozen=True)
class Neighbour:
    """Another record of the same batch, as the review screen offers it to merge."""

    id: str
    source_name: str
    number_symbol: str | None
    page_count: int


@dataclass(frozen=True)
class Correction:
    field: str  # a record's field; "text": the text of `page`; "scan": `page` re-scanned;
    # "split": the record cut into several; "merge": records joined into one
    page: int | None
    old: Any
    new: Any
    user: str
    at: datetime


@dataclass(frozen=True)
class Progress:
    checked: int
    total: int


@dataclass(frozen=True)
class Figures:
    """What the check of a batch found, for its acceptance."""

    documents: int
    pages: int
    records_corrected: int  # with at least one field or page's text corrected
    fields_corrected: int
    pages_corrected: int  # pages whose text was corrected
    pages_rescanned: int = 0  # a page re-scanned, or each page of a record re-scanned whole

    @property
    def error_rate(self) -> float:
        """The share of the fields checked that had to be corrected."""
        checked = self.documents * len(CORRECTABLE)
        return self.fields_corrected / checked if checked else 0.0


@dataclass(frozen=True)
class ReportLine:
    """A record as the acceptance report lists it."""

    number_symbol: str | None
    doc_type: str | None
    issue_date: date | None
    subject: str | None
    pages: int
    checked_by: str | None
    corrections: int


@dataclass(frozen=True)
class Acceptance:
    batch_id: str
    accepted_by: str
    accepted_at: datetime
    figures: Figures
    record_key: str


class Checking:
    def __init__(self, catalog: Catalog, unsure_below: float):
        self.catalog = catalog
        self.unsure_below = unsure_below

    def queue(
        self,
        batch_id: str | None,
        number: int,
        levels: Collection[str],
        checked: bool = False,
    ) -> Paged[QueueLine]:
        """A page of the records still to check (or, `checked`, those checked), worst first,
        of those whose access level is one of `levels` (the archivist's clearance)."""
        query = self._query(batch_id, checked).where(DocumentRow.access_level.in_(levels))
        with self.catalog.session() as session:
            rows, total = page_of(session, query, number, columns=True)
        return Paged([self._line(row) for row in rows], total, number)

    def next_to_check(
        self, batch_id: str | None, after: str, levels: Collection[str]
    ) -> str | None:
        """The first record to check of `levels`, other than `after`."""
        query = (
            self._query(batch_id, False)
            .where(DocumentRow.id != after, DocumentRow.access_level.in_(levels))
            .limit(1)
        )
        with self.catalog.session() as session:
            row = session.execute(query).first()
        return row.id if row else None

    def progress(self, batch_id: str | None) -> Progress:
        query = select(func.count(), func.count(DocumentRow.checked_at)).where(
            DocumentRow.status == Status.ARCHIVED
        )
        if batch_id:
            query = query.where(DocumentRow.batch_id == batch_id)
        with self.catalog.session() as session:
            total, checked = session.execute(query).one()
        return Progress(checked, total)

    def neighbours(
        self, doc: Document, levels: Collection[str], limit: int = 200
    ) -> list[Neighbour]:
        """The other archived records of `doc`'s batch of `levels`, by their file's name."""
        query = (
            select(
                DocumentRow.id,
                DocumentRow.source_name,
                DocumentRow.number_symbol,
                DocumentRow.page_count,
            )
            .where(
                DocumentRow.batch_id == doc.batch_id,
                DocumentRow.id != doc.id,
                DocumentRow.status == Status.ARCHIVED,
                DocumentRow.access_level.in_(levels),
            )
            .order_by(DocumentRow.source_name, DocumentRow.id)
            .limit(limit)
        )
        with self.catalog.session() as session:
            return [Neighbour(*row) for row in session.execute(query)]

    def revision(self, document_id: str) -> int:
        with self.catalog.session() as session:
            found = session.scalar(
                select(DocumentRow.revision).where(DocumentRow.id == document_id)
            )
        if found is None:
            raise UserError(f"no record {document_id}", "Không tìm thấy tài liệu này.")
        return int(found)

    def history(self, document_id: str) -> list[Correction]:
        """The corrections of a record, oldest first."""
        query = (
            select(CorrectionRow)
            .where(CorrectionRow.document_id == document_id)
            .order_by(CorrectionRow.id)
        )
        with self.catalog.session() as session:
            rows = session.scalars(query).all()
        return [
            Correction(
                r.field, r.page, _typed(r.field, r.old), _typed(r.field, r.new), r.user, aware(r.at)
            )
            for r in rows
        ]

    def correct(
        self,
        document_id: str,
        revision: int,
        given: Mapping[str, str],
        user: str,
        address: str,
    ) -> list[str]:
        """Save what the archivist gave for the fields of `given` (as typed in a form) and
        mark the record checked; returns the fields changed. Refused, with nothing changed,
        when a value is impossible or the record changed since it was opened at `revision`."""
        values = {name: _value(name, text) for name, text in given.items()}
        with self.catalog.session() as session, session.begin():
            row = _opened(session, document_id, revision)
            said = _change(session, row, values, user)
            row.checked_by, row.checked_at = user, now()
            detail = "; ".join(f"{name}: {what}" for name, what in said.items())
            session.add(
                document_event(row, "correction", f"checked by {user}; {detail or 'no change'}")
            )
            changed = list(said)
            session.add(audit_row(user, "correct", f"{row.id} {', '.join(changed)}", address))
        return changed

    def correct_many(
        self,
        ids: Collection[str],
        name: str,
        text: str,
        user: str,
        address: str,
        levels: Collection[str],
    ) -> list[str]:
        """Set one field of many archived records at once (a dossier, an access level),
        each change in its record's history; the records are not marked checked. Returns
        the records changed. A record above the archivist's clearance (`levels`) is as if
        there were none: nothing is changed."""
        if not ids:
            raise UserError("no record chosen", "Hãy chọn ít nhất một văn bản.")
        values = {name: _value(name, text)}
        changed = []
        with self.catalog.session() as session, session.begin():
            for document_id in sorted(set(ids)):
                row = _opened(session, document_id, None)
                if row.access_level not in levels:
                    raise UserError(
                        f"{document_id} is above {user}'s clearance", "Không tìm thấy tài liệu này."
                    )
                if said := _change(session, row, values, user):
                    detail = f"{user}, for many records: {name}: {said[name]}"
                    session.add(document_event(row, "correction", detail))
                    changed.append(row.id)
            target = f"{name} = {text!r}: {len(changed)} records"
            session.add(audit_row(user, "bulk_correct", target, address))
        return changed

    def renumber(
        self,
        dossier_code: str,
        ordinals: Mapping[str, str],
        user: str,
        address: str,
        levels: Collection[str],
    ) -> list[str]:
        """Give the documents of a dossier their order (`ordinals`: each one's number as
        typed); their codes follow. Returns the records changed."""
        numbers = {document_id: _value("ordinal", text) for document_id, text in ordinals.items()}
        taken = [n for n in numbers.values() if n is not None]
        if len(taken) != len(set(taken)):
            raise UserError(
                f"two documents of {dossier_code} with one ordinal",
                "Số thứ tự: hai văn bản cùng một số trong hồ sơ.",
            )
        changed = []
        with self.catalog.session() as session, session.begin():
            for document_id, number in sorted(numbers.items()):
                row = _opened(session, document_id, None)
                if row.dossier_code != dossier_code or row.access_level not in levels:
                    raise UserError(
                        f"{document_id} is not in dossier {dossier_code}",
                        "Không tìm thấy tài liệu này.",
                    )
                if said := _change(session, row, {"ordinal": number}, user):
                    session.add(document_event(row, "correction", f"ordinal: {said['ordinal']}"))
                    changed.append(row.id)
            session.add(audit_row(user, "order_dossier", dossier_code, address))
        return changed

    def rescanned(
        self,
        doc: Document,
        events: list[Event],
        page: int | None,
        scan: OriginalFile,
        user: str,
        address: str,
    ) -> None:
        """Record a re-scan of page `page` (None: of the whole record) by `scan`: the record's
        new pages and files, a row of its history, the audit log."""
        with self.catalog.session() as session, session.begin():
            row = replace_scans(session, doc, events)
            new = {"scan": scan.name, "pages": scan.pages}
            session.add(
                CorrectionRow(
                    document_id=row.id,
                    field="scan",
                    page=page,
                    old=None,
                    new=new,
                    user=user,
                    at=now(),
                )
            )
            what = f"page {page}" if page else "all"
            session.add(audit_row(user, "rescan", f"{row.id} {what}", address))

    def split(
        self,
        head: Document,
        events: list[Event],
        parts: list[str],
        cuts: list[int],
        user: str,
        address: str,
    ) -> None:
        """Record a split: the record cut before each page of `cuts` keeps its first part
        (its pages and files now `head`'s); each other part, registered as `parts`, has a
        row of its history saying where it came from."""
        with self.catalog.session() as session, session.begin():
            row = replace_scans(session, head, events)
            at = now()
            new = {"at": cuts, "into": parts}
            session.add(CorrectionRow(document_id=row.id, field="split", new=new, user=user, at=at))
            for part in parts:
                came = {"from": row.id, "at": cuts}
                session.add(
                    CorrectionRow(document_id=part, field="split", new=came, user=user, at=at)
                )
            session.add(audit_row(user, "split", f"{row.id} at {cuts} into {parts}", address))

    def merged(
        self,
        head: Document,
        events: list[Event],
        absorbed: list[Document],
        user: str,
        address: str,
    ) -> None:
        """Record a merge: `head` now has the pages and scans of the `absorbed` records
        (each with its last events), which leave the archive, kept as merged into it."""
        with self.catalog.session() as session, session.begin():
            row = replace_scans(session, head, events)
            row.access_level = head.access_level
            at, into = now(), [d.id for d in absorbed]
            session.add(
                CorrectionRow(
                    document_id=row.id, field="merge", new={"from": into}, user=user, at=at
                )
            )
            for doc in absorbed:
                gone = session.get(DocumentRow, doc.id, with_for_update=True)
                if gone is None or gone.status != Status.ARCHIVED:
                    raise UserError(f"{doc.id} is no longer archived", GONE)
                gone.status = Status.MERGED
                session.add(
                    CorrectionRow(
                        document_id=doc.id, field="merge", new={"into": row.id}, user=user, at=at
                    )
                )
                session.add(document_event(gone, "merge", f"merged into {row.id}"))
            session.add(audit_row(user, "merge", f"{' '.join(into)} into {row.id}", address))

    def merged_into(self, document_id: str) -> str | None:
        """The record a merged record's pages went to."""
        query = select(CorrectionRow.new).where(
            CorrectionRow.document_id == document_id, CorrectionRow.field == "merge"
        )
        with self.catalog.session() as session:
            said = session.scalars(query.order_by(CorrectionRow.id.desc())).first()
        return said.get("into") if isinstance(said, dict) else None

    def correct_page(
        self,
        document_id: str,
        revision: int,
        number: int,
        text: str,
        user: str,
        address: str,
    ) -> tuple[str, str] | None:
        """Replace what OCR read of page `number` with the archivist's `text`; returns the
        old and the new text, or None when nothing changed. Refused like `correct`."""
        new = normalize(text).replace("\r\n", "\n").strip()
        with self.catalog.session() as session, session.begin():
            row = _opened(session, document_id, revision)
            page = session.get(PageRow, (document_id, number))
            if page is None:
                raise UserError(
                    f"{document_id} has no page {number}",
                    f"Tài liệu này không có trang {number}.",
                )
            old = page.text
            if old == new:
                return None
            at = now()
            session.add(
                CorrectionRow(
                    document_id=row.id,
                    field="text",
                    page=number,
                    old=old,
                    new=new,
                    user=user,
                    at=at,
                )
            )
            page.text = new
            row.revision += 1
            detail = (
                f"{user} corrected the text of page {number} ({len(old)} -> {len(new)} characters)"
            )
            session.add(document_event(row, "correction", detail))
            session.add(audit_row(user, "correct", f"{row.id} page {number}", address))
        return old, new

    def acceptance(self, batch_id: str) -> Acceptance | None:
        with self.catalog.session() as session:
            row = session.get(AcceptanceRow, batch_id)
        return _acceptance(row) if row else None

    def acceptable(self, batch_id: str, user: str) -> None:
        """UserError, in Vietnamese, when `user` may not accept the batch now: a record not
        yet checked, the batch accepted already, or `user` one who checked it."""
        progress = self.progress(batch_id)
        if progress.total == 0:
            raise UserError(f"no archived record in batch {batch_id}", "Lô này chưa có văn bản.")
        if progress.checked < progress.total:
            raise UserError(
                f"batch {batch_id}: {progress.total - progress.checked} records not checked",
                f"Lô còn {progress.total - progress.checked} văn bản chưa kiểm tra; chỉ nghiệm"
                " thu được khi mọi văn bản đã được kiểm tra.",
            )
        if self.acceptance(batch_id) is not None:
            raise UserError(f"batch {batch_id} accepted already", "Lô này đã được nghiệm thu.")
        checkers = select(DocumentRow.checked_by).where(DocumentRow.batch_id == batch_id)
        with self.catalog.session() as session:
            if user in set(session.scalars(checkers)):
                raise UserError(
                    f"{user} checked records of batch {batch_id}",
                    "Người nghiệm thu phải là người khác với người đã kiểm tra văn bản của lô.",
                )

    def figures(self, batch_id: str) -> Figures:
        documents = select(DocumentRow.id).where(
            DocumentRow.batch_id == batch_id, DocumentRow.status == Status.ARCHIVED
        )
        of_batch = CorrectionRow.document_id.in_(documents)
        text = CorrectionRow.field == "text"
        with self.catalog.session() as session:
            count, page_total = session.execute(
                select(func.count(), func.coalesce(func.sum(DocumentRow.page_count), 0)).where(
                    DocumentRow.id.in_(documents)
                )
            ).one()
            corrected = session.scalar(
                select(func.count(distinct(CorrectionRow.document_id))).where(of_batch)
            )
            fields = session.scalar(
                select(func.count()).where(of_batch, CorrectionRow.field.not_in(("text", "scan")))
            )
            scans = session.scalars(
                select(CorrectionRow).where(of_batch, CorrectionRow.field == "scan")
            ).all()
            rescanned = sum(1 if r.page else int(r.new["pages"]) for r in scans)
            pages = select(CorrectionRow.document_id, CorrectionRow.page).where(of_batch, text)
            pages_corrected = session.scalar(
                select(func.count()).select_from(pages.distinct().subquery())
            )
        return Figures(
            count, int(page_total), corrected or 0, fields or 0, pages_corrected or 0, rescanned
        )

    def report_lines(self, batch_id: str) -> list[ReportLine]:
        corrections = (
            select(func.count())
            .where(CorrectionRow.document_id == DocumentRow.id)
            .scalar_subquery()
        )
        query = (
            select(
                DocumentRow.number_symbol,
                DocumentRow.doc_type,
                DocumentRow.issue_date,
                DocumentRow.subject,
                DocumentRow.page_count,
                DocumentRow.checked_by,
                corrections,
            )
            .where(DocumentRow.batch_id == batch_id, DocumentRow.status == Status.ARCHIVED)
            .order_by(DocumentRow.code, DocumentRow.issue_date, DocumentRow.id)
        )
        with self.catalog.session() as session:
            return [ReportLine(*row) for row in session.execute(query)]

    def accept(self, batch_id: str, user: str, address: str, record_key: str) -> Acceptance:
        """Accept the batch (audited), its acceptance record stored at `record_key`."""
        self.acceptable(batch_id, user)
        figures = self.figures(batch_id)
        row = AcceptanceRow(
            batch_id=batch_id,
            accepted_by=user,
            accepted_at=now(),
            figures=asdict(figures),
            record_key=record_key,
        )
        with self.catalog.session() as session, session.begin():
            session.add(row)
            session.add(audit_row(user, "accept_batch", batch_id, address))
        return _acceptance(row)

    def _query(self, batch_id: str | None, checked: bool) -> Select[*tuple[Any, ...]]:
        flagged = exists().where(PageRow.document_id == DocumentRow.id, PageRow.needs_review)
        other = aliased(DocumentRow)
        duplicate = exists().where(
            other.id != DocumentRow.id,
            other.status == Status.ARCHIVED,
            other.number_symbol == DocumentRow.number_symbol,
            func.coalesce(other.issuing_agency, "")
            == func.coalesce(DocumentRow.issuing_agency, ""),
        )
        missing: ColumnElement[int] = reduce(
            operator.add,
            (case((getattr(DocumentRow, name).is_(None), 1), else_=0) for name in REQUIRED),
        )
        unsure = and_(
            DocumentRow.lowest_confidence.is_not(None),
            DocumentRow.lowest_confidence < self.unsure_below,
        )
        signature = func.coalesce(DocumentRow.signature_status, "valid") != "valid"
        query = select(
            DocumentRow.id,
            DocumentRow.number_symbol,
            DocumentRow.doc_type,
            DocumentRow.issue_date,
            DocumentRow.subject,
            DocumentRow.batch_id,
            DocumentRow.checked_by,
            signature.label("signature"),
            flagged.label("flagged"),
            duplicate.label("duplicate"),
            missing.label("missing"),
            unsure.label("unsure"),
        ).where(DocumentRow.status == Status.ARCHIVED)
        if batch_id:
            query = query.where(DocumentRow.batch_id == batch_id)
        query = query.where(
            DocumentRow.checked_at.is_not(None) if checked else DocumentRow.checked_at.is_(None)
        )
        return query.order_by(
            signature.desc(),
            flagged.desc(),
            duplicate.desc(),
            missing.desc(),
            DocumentRow.lowest_confidence.asc().nulls_last(),
            DocumentRow.registered_at,
            DocumentRow.id,
        )

    @staticmethod
    def _line(row: Any) -> QueueLine:
        reasons = tuple(name for name in REASONS if getattr(row, name))
        return QueueLine(
            row.id,
            row.number_symbol,
            row.doc_type,
            row.issue_date,
            row.subject,
            row.batch_id,
            row.checked_by,
            reasons,
        )


def _acceptance(row: AcceptanceRow) -> Acceptance:
    figures = Figures(**row.figures)
    return Acceptance(
        row.batch_id, row.accepted_by, aware(row.accepted_at), figures, row.record_key
    )


def _change(
    session: Session, row: DocumentRow, values: Mapping[str, Any], user: str
) -> dict[str, str]:
    """Give the record's fields their new `values`, each change a row of its history, the
    record's revision moved on; returns each field changed with "old -> new"."""
    said: dict[str, str] = {}
    at = now()
    sources, confidence = dict(row.sources), dict(row.field_confidence)
    for name, value in values.items():
        if getattr(row, name) == value:
            continue
        if name == "dossier_code":
            same_fonds(session, row.dossier_code, value)
        old, new = _json(getattr(row, name)), _json(value)
        session.add(
            CorrectionRow(document_id=row.id, field=name, old=old, new=new, user=user, at=at)
        )
        said[name] = f"{old!r} -> {new!r}"
        setattr(row, name, value)
        sources[name] = Source.ARCHIVIST
        confidence.pop(name, None)
    if "number_symbol" in values:
        row.number, row.notation = split_number_symbol(row.number_symbol or "")
    if {"dossier_code", "ordinal"} & set(values):
        row.code = document_code(row.dossier_code, row.ordinal)
    row.sources, row.field_confidence = sources, confidence
    row.lowest_confidence = lowest_confidence(confidence)
    row.revision += 1
    return said


def _opened(session: Session, document_id: str, revision: int | None) -> DocumentRow:
    """The archived record's row, locked for the change, still at `revision` (any, None)."""
    row = session.get(DocumentRow, document_id, with_for_update=True)
    if row is None or row.status != Status.ARCHIVED:
        raise UserError(f"no archived record {document_id}", "Không tìm thấy tài liệu này.")
    if revision is not None and row.revision != revision:
        raise UserError(
            f"{document_id} changed since revision {revision}",
            "Tài liệu đã được người khác sửa từ khi bạn mở nó; không có gì được lưu."
            " Hãy tải lại trang để xem bản mới rồi sửa lại.",
        )
    return row


def _value(name: str, text: str) -> Any:
    """The value of field `name` from what was typed; UserError naming the field when it
    cannot be one."""
    if name not in CORRECTABLE:
        raise UserError(f"{name} cannot be corrected", f"Trường '{name}' không sửa được ở đây.")
    label = FIELD_LABELS[name]
    text = normalize(text).strip()
    if name == "recipients":
        return [line.strip() for line in text.splitlines() if line.strip()]
    if name == "access_level":
        text = next((level for level, said in ACCESS_LEVELS.items() if said == text), text)
        if text not in ACCESS_LEVELS:
            raise UserError(f"access level {text!r}", f"{label}: '{text}' không phải một mức.")
        return text
    if not text:
        return None
    if name == "issue_date":
        return _day(text, label)
    if name == "ordinal":
        if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= 99_999:
            raise UserError(f"ordinal {text!r}", f"{label}: '{text}' không phải số thứ tự.")
        return int(text)
    if name == "number_symbol":
        number, notation = split_number_symbol(text)
        if number is None or not number.isdigit() or not notation:
            raise UserError(
                f"number and notation {text!r}",
                f"{label}: '{text}' không đúng dạng số/ký hiệu, ví dụ 12/QĐ-UBND hoặc"
                " 63/2025/NĐ-CP.",
            )
    limit = getattr(DocumentRow.__table__.columns[name].type, "length", None)
    if limit and len(text) > limit:
        raise UserError(f"{name} too long", f"{label}: dài quá {limit} ký tự.")
    return text


def _day(text: str, label: str) -> date:
    for form in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            day = datetime.strptime(text, form).date()
        except ValueError:
            continue
        if not EARLIEST <= day <= date.today():
            raise UserError(
                f"issue date {day} out of range",
                f"{label}: ngày {vn_date(day)} không thể có (phải từ {vn_date(EARLIEST)} đến"
                " hôm nay).",
            )
        return day
    raise UserError(
        f"issue date {text!r}",
        f"{label}: '{text}' không phải một ngày có thật; ghi theo dạng ngày/tháng/năm, ví dụ"
        " 05/03/2024.",
    )


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _typed(name: str, value: Any) -> Any:
    """A value as JSON kept it, as the record has it (a date)."""
    return date.fromisoformat(value) if name == "issue_date" and value else value
