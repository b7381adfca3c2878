"""Who may do what, and what they did: users with a role and a clearance, passwords hashed
with argon2, a lockout after repeated failures, and the append-only audit log."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Boolean, DateTime, Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from archive_schema.catalog import Base, Catalog, now
from archive_schema.errors import UserError
from archive_schema.vocab import ACCESS_LEVELS, cleared_for


class Role(StrEnum):
    READER = "reader"  # cán bộ tra cứu: searches and reads
    ARCHIVIST = "archivist"  # lưu trữ viên: uploads batches, follows their processing
    RECORDS_OFFICER = "records_officer"  # Sở Nội vụ: retention and destruction
    COUNCIL = "council"  # Hội đồng xét hủy tài liệu: approves or rejects destruction
    ADMIN = "admin"


ROLE_LABELS = {
    Role.READER: "Cán bộ tra cứu",
    Role.ARCHIVIST: "Lưu trữ viên",
    Role.RECORDS_OFFICER: "Cán bộ Sở Nội vụ",
    Role.COUNCIL: "Thành viên Hội đồng xét hủy",
    Role.ADMIN: "Quản trị hệ thống",
}
# The access level a new user of each role is cleared for, unless told otherwise.
DEFAULT_CLEARANCE = {
    Role.READER: "internal",
    Role.ARCHIVIST: "restricted",
    Role.RECORDS_OFFICER: "secret",
    Role.COUNCIL: "secret",
    Role.ADMIN: "secret",
}
FAILURES_BEFORE_LOCKOUT = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD = 10
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
_HASHER = PasswordHasher()
_UNKNOWN_USER_HASH = _HASHER.hash("a password no user has")  # same work for unknown names


class UserRow(Base):
    __tablename__ = "users"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    role: Mapped[str] = mapped_column(String(20))
    clearance: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class AuditRow(Base):
    """Nhật ký: one row per act, never changed or deleted."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(index=True)
    user: Mapped[str | None] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(32), index=True)
    target: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(String(64), default="")


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    clearance: str

    @property
    def readable_levels(self) -> frozenset[str]:
        return cleared_for(self.clearance)

    def may_read(self, access_level: str) -> bool:
        return access_level in self.readable_levels

    def may_download(self, access_level: str) -> bool:
        """Readers download only what is open to staff; restricted and secret records are
        read on screen unless one works with the archive (TT 05/2025 reading copies)."""
        staff = self.role is not Role.READER
        return self.may_read(access_level) and (staff or access_level in ("public", "internal"))

    def has(self, *roles: Role) -> bool:
        return self.role in roles or self.role is Role.ADMIN


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    user: str | None
    action: str
    target: str
    address: str


class LoginRefused(UserError):
    """A wrong name or password, or an account locked for `locked_minutes` more after
    repeated failures."""

    def __init__(self, message: str, locked_minutes: int | None = None):
        super().__init__(message)
        self.locked_minutes = locked_minutes


class Accounts:
    def __init__(self, catalog: Catalog):
        self.catalog = catalog

    def add(self, name: str, password: str, role: Role, clearance: str | None = None) -> User:
        if not _NAME.match(name):
            raise UserError(f"user name {name!r}: 2-64 lower-case letters, digits, '.', '_' or '-'")
        _check_password(password)
        clearance = clearance or DEFAULT_CLEARANCE[role]
        if clearance not in ACCESS_LEVELS:
            raise UserError(f"clearance {clearance!r}: one of {', '.join(ACCESS_LEVELS)}")
        with self.catalog.session() as session, session.begin():
            if session.get(UserRow, name) is not None:
                raise UserError(f"there is a user {name} already")
            session.add(
                UserRow(
                    name=name,
                    role=role,
                    clearance=clearance,
                    password_hash=_HASHER.hash(password),
                    created_at=now(),
                    failures=0,
                    active=True,
                )
            )
        return User(name, role, clearance)

    def user(self, name: str) -> User | None:
        with self.catalog.session() as session:
            row = session.get(UserRow, name)
        return User(row.name, Role(row.role), row.clearance) if row and row.active else None

    def authenticate(self, name: str, password: str) -> User:
        """The user, when the password is right and the account not locked; each failure
        counts, and the fifth in a row locks the account for a quarter of an hour."""
        with self.catalog.session() as session, session.begin():
            row = session.get(UserRow, name)
            if row is None or not row.active:
                _verify(_UNKNOWN_USER_HASH, password)
                refusal = LoginRefused("wrong user name or password")
            elif row.locked_until and _aware(row.locked_until) > now():
                minutes = _minutes(_aware(row.locked_until) - now())
                refusal = LoginRefused(
                    f"this account is locked after repeated failures: try again in {minutes}"
                    " minutes",
                    minutes,
                )
            elif not _verify(row.password_hash, password):
                row.failures += 1
                if row.failures >= FAILURES_BEFORE_LOCKOUT:
                    row.locked_until, row.failures = now() + LOCKOUT, 0
                refusal = LoginRefused("wrong user name or password")
            else:
                row.failures, row.locked_until = 0, None
                return User(row.name, Role(row.role), row.clearance)
        raise refusal  # once the failure is counted: raised inside, it would be rolled back

    def record(self, user: str | None, action: str, target: str = "", address: str = "") -> None:
        with self.catalog.session() as session, session.begin():
            session.add(audit_row(user, action, target, address))

    def audit(
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
                AuditEntry(_aware(r.at), r.user, r.action, r.target, r.address)
                for r in session.scalars(query)
            ]


def audit_row(user: str | None, action: str, target: str = "", address: str = "") -> AuditRow:
    """An audit log row, to add in the transaction of the act it records."""
    return AuditRow(at=now(), user=user, action=action, target=target, address=address)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"a password needs at least {MIN_PASSWORD} characters")


def _verify(hashed: str, password: str) -> bool:
    try:
        return _HASHER.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def _aware(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes of what was stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _minutes(span: timedelta) -> int:
    return max(1, round(span.total_seconds() / 60))
