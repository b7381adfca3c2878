"""The audit log (nhật ký): one row per act worth knowing (a login, a search, a view, a
download, an upload, a records-office or account act, a denied attempt), never changed or
deleted: who, what, on what, when, from where."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from archive_schema.catalog import Base, Catalog, aware, now


class AuditRow(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(index=True)
    user: Mapped[str | None] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(32), index=True)
    target: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(String(64), default="")


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    user: str | None
    action: str
    target: str
    address: str


def audit_row(user: str | None, action: str, target: str = "", address: str = "") -> AuditRow:
    """An audit log row, to add in the transaction of the act it records."""
    return AuditRow(at=now(), user=user, action=action, target=target, address=address)


class AuditLog:
    def __init__(self, catalog: Catalog):
        self.catalog = catalog

    def record(self, user: str | None, action: str, target: str = "", address: str = "") -> None:
        with self.catalog.session() as session, session.begin():
            session.add(audit_row(user, action, target, address))

    def entries(
        self,
        user: str | None = None,
        action: str | None = None,
        target: str | None = None,
        limit: int | None = None,
    ) -> list[AuditEntry]:
        """The audit log, newest first; `target` finds the acts on a record, a proposal…"""
        query = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
        if user:
            query = query.where(AuditRow.user == user)
        if action:
            query = query.where(AuditRow.action == action)
        if target:
            query = query.where(AuditRow.target.contains(target, autoescape=True))
        with self.catalog.session() as session:
            return [
                AuditEntry(aware(r.at), r.user, r.action, r.target, r.address)
                for r in session.scalars(query)
            ]
