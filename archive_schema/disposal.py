"""Destruction (hủy tài liệu) under the council's approval, as TT 05/2025 and TT 06/2025 want
it: a records officer proposes records due for review; members of the destruction council
(Hội đồng xét hủy tài liệu) approve or reject, each once, the proposer not counting; once
a quorum has approved (and nobody rejected), the destruction may be executed. Each
destroyed record leaves a tombstone: its metadata, the decision, who approved it, when.

This module keeps the proposals and their state; pipelines/destruction.py executes them.
Every act is also a row of the audit log, in the same transaction.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from archive_schema.access import ROLE_LABELS, Role, User
from archive_schema.audit import audit_row
from archive_schema.catalog import Base, Catalog, DocumentRow, document_event, now
from archive_schema.errors import UserError
from archive_schema.models import Status
from archive_schema.paging import Paged, page_of
from archive_schema.review import LegalHoldRow, legal_holds
from archive_schema.vietnamese import vn_date

DEFAULT_QUORUM = 2
PROPOSAL = "đề nghị"  # how the audit log names a proposal, as the web searches it
# The metadata a tombstone keeps of a destroyed record.
TOMBSTONE_FIELDS = (
    "code",
    "dossier_code",
    "doc_type",
    "number_symbol",
    "issue_date",
    "issuing_agency",
    "subject",
    "signer_name",
    "access_level",
    "page_count",
    "pdf_sha256",
    "retention_schedule",
    "retention_row",
    "retention_years",
    "review_from",
    "batch_id",
    "archived_at",
)


class State(StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXECUTING = "executing"  # begun; execute again to finish what a failure interrupted
    EXECUTED = "executed"
    WITHDRAWN = "withdrawn"  # by the records office, before execution, with its reason


STATE_LABELS = {
    State.PROPOSED: "Chờ Hội đồng xét",
    State.APPROVED: "Đã được duyệt",
    State.REJECTED: "Bị bác",
    State.EXECUTING: "Đang hủy",
    State.EXECUTED: "Đã hủy",
    State.WITHDRAWN: "Đã rút",
}
OPEN = (State.PROPOSED, State.APPROVED, State.EXECUTING)


class DisposalRow(Base):
    __tablename__ = "disposals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    proposer: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(20), index=True)
    decided_at: Mapped[datetime | None]
    executed_at: Mapped[datetime | None]
    record_key: Mapped[str | None] = mapped_column(Text)  # the biên bản in the archive store


class DisposalItemRow(Base):
    __tablename__ = "disposal_items"

    disposal_id: Mapped[int] = mapped_column(ForeignKey("disposals.id"), primary_key=True)
    document_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    destroyed_at: Mapped[datetime | None]


class VoteRow(Base):
    __tablename__ = "disposal_votes"

    disposal_id: Mapped[int] = mapped_column(ForeignKey("disposals.id"), primary_key=True)
    user: Mapped[str] = mapped_column(String(64), primary_key=True)
    approve: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime]


class TombstoneRow(Base):
    __tablename__ = "tombstones"

    document_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    disposal_id: Mapped[int] = mapped_column(ForeignKey("disposals.id"), index=True)
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", JSON)
    approvers: Mapped[list[str]] = mapped_column(JSON)
    decided_at: Mapped[datetime]
    destroyed_at: Mapped[datetime | None]
    # the records office's act that lets the same content be archived again
    readmitted_at: Mapped[datetime | None]
    readmitted_by: Mapped[str | None] = mapped_column(String(64))
    readmit_reason: Mapped[str | None] = mapped_column(Text)


@dataclass(frozen=True)
class Vote:
    user: str
    approve: bool
    comment: str
    at: datetime


@dataclass(frozen=True)
class Proposal:
    id: int
    proposer: str
    note: str
    created_at: datetime
    state: State
    decided_at: datetime | None
    executed_at: datetime | None
    record_key: str | None
    documents: list[str]
    destroyed: set[str]
    votes: list[Vote]

    @property
    def approvers(self) -> list[str]:
        return [vote.user for vote in self.votes if vote.approve]


@dataclass(frozen=True)
class Tombstone:
    document_id: str
    disposal_id: int
    metadata: dict[str, Any]
    approvers: list[str]
    decided_at: datetime
    destroyed_at: datetime | None  # None: its destruction is under way
    readmitted_at: datetime | None = None
    readmitted_by: str | None = None
    readmit_reason: str | None = None

    @property
    def bars_archiving(self) -> bool:
        """The same content may not be archived again (until the records office readmits it)."""
        return self.readmitted_at is None


class Disposals:
    def __init__(self, catalog: Catalog, quorum: int = DEFAULT_QUORUM):
        if quorum < 1:
            raise UserError(f"the council's quorum must be 1 or more, not {quorum}")
        self.catalog = catalog
        self.quorum = quorum

    def propose(
        self, ids: Collection[str], note: str, user: User, today: date, address: str = ""
    ) -> Proposal:
        """A proposal to destroy `ids`; refused whole, each record named with why, when one
        is not archived, permanent, not yet due, under a legal hold or already proposed."""
        _require(user, Role.RECORDS_OFFICER, "propose a destruction")
        if not ids:
            raise UserError(
                "a proposal lists at least one record",
                "Hãy chọn ít nhất một tài liệu để đề nghị hủy.",
            )
        with self.catalog.session() as session, session.begin():
            problems = [p for i in sorted(set(ids)) if (p := _not_destroyable(session, i, today))]
            if problems:
                raise UserError(
                    "not proposed, nothing changed:\n" + "\n".join(en for en, _ in problems),
                    "Chưa lập đề nghị, không có gì thay đổi:\n"
                    + "\n".join(vi for _, vi in problems),
                )
            if not note.strip():
                raise UserError(
                    "a proposal needs its explanatory note: why the records may be destroyed",
                    "Đề nghị hủy phải có thuyết minh: vì sao các tài liệu này hết giá trị.",
                )
            row = DisposalRow(proposer=user.name, note=note.strip(), created_at=now())
            row.state = State.PROPOSED
            session.add(row)
            session.flush()
            session.add_all(DisposalItemRow(disposal_id=row.id, document_id=i) for i in set(ids))
            listed = ", ".join(sorted(set(ids)))
            target = f"{PROPOSAL} {row.id}: {len(set(ids))} tài liệu: {listed}"
            session.add(audit_row(user.name, "propose_destruction", target, address))
            number = row.id
        return self.proposal(number)

    def vote(
        self, number: int, user: User, approve: bool, comment: str, address: str = ""
    ) -> Proposal:
        """A council member's approval or rejection; one each, never the proposer's. The
        proposal is approved when a quorum has approved, rejected on the first rejection."""
        if user.role is not Role.COUNCIL:
            raise UserError(
                f"{user.name} is not a member of the destruction council",
                f"{user.name} không phải thành viên Hội đồng xét hủy tài liệu.",
            )
        if not approve and not comment.strip():
            raise UserError(
                "a rejection needs its reason in the comment",
                "Không đồng ý hủy thì phải ghi lý do vào ô ý kiến.",
            )
        with self.catalog.session() as session, session.begin():
            row = _disposal(session, number)
            if row.state != State.PROPOSED:
                raise UserError(
                    f"proposal {number} is {row.state}: it takes no more votes",
                    f"Đề nghị số {number} {STATE_LABELS[State(row.state)].lower()}:"
                    " không nhận thêm ý kiến.",
                )
            if row.proposer == user.name:
                raise UserError(
                    f"{user.name} proposed {number} and may not vote on it",
                    f"Người lập đề nghị số {number} không được cho ý kiến về đề nghị đó.",
                )
            earlier = session.get(VoteRow, (number, user.name))
            if earlier is not None:
                said = "approved" if earlier.approve else "rejected"
                raise UserError(
                    f"{user.name} has already {said} proposal {number} on {earlier.at:%Y-%m-%d}",
                    f"Bạn đã {'đồng ý' if earlier.approve else 'không đồng ý'} đề nghị số"
                    f" {number} ngày {vn_date(earlier.at)}.",
                )
            session.add(
                VoteRow(
                    disposal_id=number,
                    user=user.name,
                    approve=approve,
                    comment=comment.strip(),
                    at=now(),
                )
            )
            session.flush()
            if not approve:
                row.state, row.decided_at = State.REJECTED, now()
            elif _approvals(session, number) >= self.quorum:
                row.state, row.decided_at = State.APPROVED, now()
            action = "approve_destruction" if approve else "reject_destruction"
            target = f"{PROPOSAL} {number}: {comment.strip()}".rstrip(": ")
            session.add(audit_row(user.name, action, target, address))
        return self.proposal(number)

    def withdraw(self, number: int, reason: str, user: User, address: str = "") -> Proposal:
        """The records office takes back a proposal not yet executed, saying why; its
        records may be proposed again."""
        _require(user, Role.RECORDS_OFFICER, "withdraw a destruction proposal")
        if not reason.strip():
            raise UserError(
                "withdrawing a proposal needs its reason", "Rút đề nghị hủy phải nêu lý do."
            )
        with self.catalog.session() as session, session.begin():
            row = _disposal(session, number)
            if row.state not in (State.PROPOSED, State.APPROVED):
                raise UserError(
                    f"proposal {number} is {row.state}: it can no longer be withdrawn",
                    f"Đề nghị số {number} {STATE_LABELS[State(row.state)].lower()}:"
                    " không rút được nữa.",
                )
            row.state, row.decided_at = State.WITHDRAWN, now()
            target = f"{PROPOSAL} {number}: {reason.strip()}"
            session.add(audit_row(user.name, "withdraw_destruction", target, address))
        return self.proposal(number)

    def begin(self, number: int, user: User, address: str = "") -> list[str]:
        """Start (or resume) executing an approved proposal: its records leave the archive's
        reach (status destroying) and get their tombstone, in one transaction. Returns the
        records still to destroy. Refused before approval, or while one is under a hold."""
        _require(user, Role.RECORDS_OFFICER, "execute a destruction")
        with self.catalog.session() as session, session.begin():
            row = _disposal(session, number)
            if row.state not in (State.APPROVED, State.EXECUTING):
                approvals = _approvals(session, number)
                raise UserError(
                    f"proposal {number} is {row.state}, with {approvals} of the"
                    f" {self.quorum} approvals it needs: it cannot be executed",
                    f"Đề nghị số {number} {STATE_LABELS[State(row.state)].lower()}, mới có"
                    f" {approvals}/{self.quorum} ý kiến đồng ý cần có: chưa hủy được.",
                )
            items = _items(session, number)
            remaining = [i.document_id for i in items if i.destroyed_at is None]
            held = legal_holds(session, remaining)
            if held:
                named = "\n".join(f"{h.document_id}: {h.reason} (set by {h.set_by})" for h in held)
                shown = "\n".join(
                    f"{_named(session, h.document_id)}: {h.reason} ({h.set_by})" for h in held
                )
                raise UserError(
                    f"records of proposal {number} are under a legal hold:\n{named}",
                    f"Tài liệu của đề nghị số {number} đang bị phong tỏa:\n{shown}",
                )
            approvers = [v.user for v in _votes(session, number) if v.approve]
            for document_id in remaining:
                doc = session.get(DocumentRow, document_id)
                if doc is not None and doc.status != Status.DESTROYING:
                    doc.status = Status.DESTROYING
                    session.merge(_tombstone(doc, row, approvers))  # over a readmitted one
                    session.add(
                        document_event(
                            doc, "destruction", f"destruction of proposal {number} begun"
                        )
                    )
            if row.state == State.APPROVED:
                session.add(
                    audit_row(user.name, "execute_destruction", f"{PROPOSAL} {number}", address)
                )
            row.state = State.EXECUTING
        return remaining

    def destroyed(self, number: int, document_id: str) -> None:
        """The record's objects and index entry are gone: its catalog entry goes too."""
        with self.catalog.session() as session, session.begin():
            doc = session.get(DocumentRow, document_id)
            if doc is not None:
                session.add(
                    document_event(doc, "destruction", f"destroyed under proposal {number}")
                )
                session.delete(doc)
            item = session.get(DisposalItemRow, (number, document_id))
            tombstone = session.get(TombstoneRow, document_id)
            if item is None or tombstone is None:
                raise KeyError(f"{document_id} is not being destroyed under proposal {number}")
            item.destroyed_at = tombstone.destroyed_at = now()

    def finish(self, number: int, record_key: str, user: User, address: str = "") -> Proposal:
        with self.catalog.session() as session, session.begin():
            row = _disposal(session, number)
            row.state, row.executed_at, row.record_key = State.EXECUTED, now(), record_key
            count = len(_items(session, number))
            target = f"{PROPOSAL} {number}: {count} tài liệu; biên bản {record_key}"
            session.add(audit_row(user.name, "destroyed", target, address))
        return self.proposal(number)

    def proposal(self, number: int) -> Proposal:
        with self.catalog.session() as session:
            return _proposal(session, _disposal(session, number))

    def proposals(self, states: Collection[State] | None = None) -> list[Proposal]:
        """The proposals, newest first."""
        query = select(DisposalRow).order_by(DisposalRow.id.desc())
        if states:
            query = query.where(DisposalRow.state.in_(states))
        with self.catalog.session() as session:
            return [_proposal(session, row) for row in session.scalars(query)]

    def proposals_page(self, number: int) -> Paged[Proposal]:
        with self.catalog.session() as session:
            rows, total = page_of(
                session, select(DisposalRow).order_by(DisposalRow.id.desc()), number
            )
            return Paged([_proposal(session, row) for row in rows], total, number)

    def tombstones_page(self, number: int) -> Paged[Tombstone]:
        query = select(TombstoneRow).order_by(TombstoneRow.destroyed_at.desc())
        with self.catalog.session() as session:
            rows, total = page_of(session, query, number)
        return Paged([_tombstone_of(t) for t in rows], total, number)

    def tombstones(
        self, number: int | None = None, ids: Collection[str] | None = None
    ) -> list[Tombstone]:
        """The tombstones, newest first: of proposal `number`, of the records `ids`."""
        query = select(TombstoneRow).order_by(TombstoneRow.destroyed_at.desc())
        if number is not None:
            query = query.where(TombstoneRow.disposal_id == number)
        if ids is not None:
            query = query.where(TombstoneRow.document_id.in_(ids))
        with self.catalog.session() as session:
            return [_tombstone_of(t) for t in session.scalars(query)]

    def readmit(self, document_id: str, reason: str, user: User, address: str = "") -> Tombstone:
        """Let a destroyed record's content be archived again (its paper original found, a
        destruction annulled): the records office's act, with its reason, audited."""
        _require(user, Role.RECORDS_OFFICER, "readmit a destroyed record")
        if not reason.strip():
            raise UserError(
                "readmitting a destroyed record needs its reason",
                "Cho phép lưu trữ lại tài liệu đã hủy phải nêu lý do.",
            )
        with self.catalog.session() as session, session.begin():
            row = session.get(TombstoneRow, document_id)
            if row is None or row.readmitted_at is not None:
                raise UserError(
                    f"{document_id}: no destroyed record barred from the archive",
                    "Tài liệu này không thuộc diện đã hủy chờ cho phép lưu lại.",
                )
            if row.destroyed_at is None:
                raise UserError(
                    f"{document_id}: its destruction under proposal {row.disposal_id} is under"
                    " way; execute it to the end first",
                    f"Đề nghị hủy số {row.disposal_id} đang thực hiện dở: hãy hủy xong trước.",
                )
            row.readmitted_at, row.readmitted_by = now(), user.name
            row.readmit_reason = reason.strip()
            target = f"{document_id} ({PROPOSAL} {row.disposal_id}): {reason.strip()}"
            session.add(audit_row(user.name, "readmit", target, address))
            return _tombstone_of(row)


def _not_destroyable(session: Session, document_id: str, today: date) -> tuple[str, str] | None:
    """Why a record may not be proposed, in English and in Vietnamese."""
    doc = session.get(DocumentRow, document_id)
    if doc is None or doc.status != Status.ARCHIVED:
        return f"{document_id}: no archived record", "Có tài liệu không còn trong kho."
    named = _named(session, document_id)
    if doc.retention_permanent:
        return (
            f"{document_id}: kept permanently (Vĩnh viễn, row {doc.retention_row})",
            f"{named}: bảo quản vĩnh viễn (điều {doc.retention_row}).",
        )
    if doc.review_from is None:
        return (
            f"{document_id}: its review date is unknown (unclassified, or no end year)",
            f"{named}: chưa rõ ngày hết hạn (chưa xác định thời hạn, hoặc chưa rõ năm).",
        )
    if doc.review_from > today:
        return (
            f"{document_id}: kept until {doc.review_from}; not yet due for review",
            f"{named}: còn thời hạn bảo quản đến {vn_date(doc.review_from)}.",
        )
    hold = session.get(LegalHoldRow, document_id)
    if hold is not None:
        return (
            f"{document_id}: under a legal hold set by {hold.set_by}: {hold.reason}",
            f"{named}: đang bị phong tỏa ({hold.set_by}): {hold.reason}.",
        )
    other = session.scalar(
        select(DisposalRow.id)
        .join(DisposalItemRow, DisposalItemRow.disposal_id == DisposalRow.id)
        .where(DisposalItemRow.document_id == document_id, DisposalRow.state.in_(OPEN))
    )
    if other is not None:
        return (
            f"{document_id}: already in proposal {other}",
            f"{named}: đã có trong đề nghị hủy số {other}.",
        )
    return None


def _named(session: Session, document_id: str) -> str:
    """A record as a person knows it: its number and notation, or its code."""
    doc = session.get(DocumentRow, document_id)
    known = doc and (doc.number_symbol or doc.code)
    return f"Tài liệu {known}" if known else f"Tài liệu mã {document_id[:12]}"


def _require(user: User, role: Role, act: str) -> None:
    if not user.has(role):
        raise UserError(
            f"{user.name} ({user.role}) may not {act}",
            f"{ROLE_LABELS[user.role]} không được thực hiện việc này.",
        )


def _disposal(session: Session, number: int) -> DisposalRow:
    row = session.get(DisposalRow, number)
    if row is None:
        raise UserError(
            f"there is no destruction proposal {number}", f"Không có đề nghị hủy số {number}."
        )
    return row


def _items(session: Session, number: int) -> list[DisposalItemRow]:
    query = select(DisposalItemRow).where(DisposalItemRow.disposal_id == number)
    return list(session.scalars(query.order_by(DisposalItemRow.document_id)))


def _votes(session: Session, number: int) -> list[Vote]:
    query = select(VoteRow).where(VoteRow.disposal_id == number).order_by(VoteRow.at)
    return [Vote(v.user, v.approve, v.comment, v.at) for v in session.scalars(query)]


def _approvals(session: Session, number: int) -> int:
    return sum(vote.approve for vote in _votes(session, number))


def _proposal(session: Session, row: DisposalRow) -> Proposal:
    items = _items(session, row.id)
    return Proposal(
        id=row.id,
        proposer=row.proposer,
        note=row.note,
        created_at=row.created_at,
        state=State(row.state),
        decided_at=row.decided_at,
        executed_at=row.executed_at,
        record_key=row.record_key,
        documents=[i.document_id for i in items],
        destroyed={i.document_id for i in items if i.destroyed_at is not None},
        votes=_votes(session, row.id),
    )


def _tombstone_of(row: TombstoneRow) -> Tombstone:
    return Tombstone(
        row.document_id,
        row.disposal_id,
        row.metadata_,
        row.approvers,
        row.decided_at,
        row.destroyed_at,
        row.readmitted_at,
        row.readmitted_by,
        row.readmit_reason,
    )


def _tombstone(doc: DocumentRow, disposal: DisposalRow, approvers: list[str]) -> TombstoneRow:
    values = {name: getattr(doc, name) for name in TOMBSTONE_FIELDS}
    metadata = {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}
    return TombstoneRow(
        document_id=doc.id,
        disposal_id=disposal.id,
        metadata_=metadata,
        approvers=approvers,
        decided_at=disposal.decided_at or now(),
        destroyed_at=None,
        readmitted_at=None,
        readmitted_by=None,
        readmit_reason=None,
    )
