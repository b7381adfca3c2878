"""The accounts of the web application: users with a role and a clearance, passwords hashed
with argon2, the lockout after repeated failures, and what an administrator does to an
account (disable, enable, reset the password, change the role or clearance, unlock). Each
change is audited, and one that takes away or changes a user's rights ends their sessions.

The lockout counts attempts by the name typed, known or not, and counts each attempt in
one statement before its password is checked: an unknown name is locked like a real one
(the answers tell no name apart), and attempts sent at once are counted every one.
"""

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Boolean, String, Text, case, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from archive_schema.access import DEFAULT_CLEARANCE, ROLE_LABELS, Role, User
from archive_schema.audit import audit_row
from archive_schema.catalog import Base, Catalog, aware, now
from archive_schema.errors import UserError
from archive_schema.sessions import SessionRow, end_sessions
from archive_schema.vocab import ACCESS_LEVELS

FAILURES_BEFORE_LOCKOUT = 5
LOCKOUT = timedelta(minutes=15)
FORGOTTEN = timedelta(days=1)  # attempts at a name are forgotten after a quiet day
MIN_PASSWORD = 10
NAME_LENGTH = 64
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
_HASHER = PasswordHasher()
_UNKNOWN_USER_HASH = _HASHER.hash("a password no user has")  # same work for unknown names


class UserRow(Base):
    __tablename__ = "users"

    name: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True)
    role: Mapped[str] = mapped_column(String(20))
    clearance: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)


class LoginAttemptRow(Base):
    """Failed attempts at a name, known or not, since its last success or lockout."""

    __tablename__ = "login_attempts"

    name: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True)
    attempts: Mapped[int]
    locked_until: Mapped[datetime | None]
    last_at: Mapped[datetime] = mapped_column(index=True)


@dataclass(frozen=True)
class Account:
    """A user as the administrator sees them."""

    name: str
    role: Role
    clearance: str
    active: bool
    created_at: datetime
    must_change_password: bool
    locked_until: datetime | None
    sessions: int  # live ones


class LoginRefused(UserError):
    """A wrong name or password, or a name locked for `locked_minutes` more after
    repeated failures."""

    def __init__(self, message: str, vi: str, locked_minutes: int | None = None):
        super().__init__(message, vi)
        self.locked_minutes = locked_minutes


class Accounts:
    def __init__(self, catalog: Catalog):
        self.catalog = catalog

    def add(
        self,
        name: str,
        password: str,
        role: Role,
        clearance: str | None = None,
        by: str | None = None,
        address: str = "",
    ) -> User:
        _check_password(password)
        return self._insert(name, password, role, clearance, False, by, address)

    def invite(
        self, name: str, role: Role, clearance: str | None, by: str | None, address: str = ""
    ) -> tuple[User, str]:
        """A new user with a temporary password (returned once, to hand over), which they
        must change at their first login."""
        temporary = secrets.token_urlsafe(12)
        return self._insert(name, temporary, role, clearance, True, by, address), temporary

    def _insert(
        self,
        name: str,
        password: str,
        role: Role,
        clearance: str | None,
        must_change: bool,
        by: str | None,
        address: str,
    ) -> User:
        if not _NAME.match(name):
            raise UserError(
                f"user name {name!r}: 2-64 lower-case letters, digits, '.', '_' or '-'",
                "Tên đăng nhập: 2-64 chữ thường không dấu, chữ số, '.', '_' hoặc '-'.",
            )
        clearance = checked_clearance(clearance or DEFAULT_CLEARANCE[role])
        with self.catalog.session() as session, session.begin():
            if session.get(UserRow, name) is not None:
                raise UserError(f"there is a user {name} already", f"Đã có người dùng {name}.")
            session.add(
                UserRow(
                    name=name,
                    role=role,
                    clearance=clearance,
                    password_hash=_HASHER.hash(password),
                    created_at=now(),
                    active=True,
                    must_change_password=must_change,
                )
            )
            target = f"{name}: {ROLE_LABELS[role]}, {ACCESS_LEVELS[clearance]}"
            session.add(audit_row(by, "add_user", target, address))
        return User(name, role, clearance, must_change)

    def user(self, name: str) -> User | None:
        """The user, if their account is enabled."""
        with self.catalog.session() as session:
            row = session.get(UserRow, name)
        return _user(row) if row and row.active else None

    def accounts(self) -> list[Account]:
        with self.catalog.session() as session:
            rows = session.scalars(select(UserRow).order_by(UserRow.name)).all()
            locked = select(LoginAttemptRow.name, LoginAttemptRow.locked_until).where(
                LoginAttemptRow.locked_until > now()
            )
            locks = {name: aware(until) for name, until in session.execute(locked) if until}
            live_sessions = (
                select(SessionRow.user, func.count())
                .where(SessionRow.ended_at.is_(None), SessionRow.expires_at > now())
                .group_by(SessionRow.user)
            )
            live = {name: count for name, count in session.execute(live_sessions)}
        return [
            Account(
                r.name,
                Role(r.role),
                r.clearance,
                r.active,
                aware(r.created_at),
                r.must_change_password,
                locks.get(r.name),
                live.get(r.name, 0),
            )
            for r in rows
        ]

    def account(self, name: str) -> Account:
        found = [a for a in self.accounts() if a.name == name]
        if not found:
            raise UserError(f"there is no user {name}", f"Không có người dùng {name}.")
        return found[0]

    def authenticate(self, name: str, password: str) -> User:
        """The user, when the password is right and the name not locked; each failure
        counts, and the fifth in a row locks the name for a quarter of an hour."""
        name = name[:NAME_LENGTH]
        attempts, locked_until = self._count_attempt(name)
        if attempts > FAILURES_BEFORE_LOCKOUT:  # attempts sent at once, beyond the limit
            locked_until = self._lock(name)
        if locked_until is not None and aware(locked_until) > now():
            minutes = max(1, round((aware(locked_until) - now()).total_seconds() / 60))
            raise LoginRefused(
                f"{name} is locked after repeated failures: try again in {minutes} minutes",
                f"Tài khoản tạm khóa vì đăng nhập sai nhiều lần: thử lại sau {minutes} phút.",
                minutes,
            )
        with self.catalog.session() as session:
            row = session.get(UserRow, name)
        known = row is not None and row.active
        if known and row is not None and _verify(row.password_hash, password):
            with self.catalog.session() as session, session.begin():
                session.execute(delete(LoginAttemptRow).where(LoginAttemptRow.name == name))
            return _user(row)
        if not known:
            _verify(_UNKNOWN_USER_HASH, password)
        if attempts >= FAILURES_BEFORE_LOCKOUT:
            self._lock(name)
        raise LoginRefused("wrong user name or password", "Sai tên đăng nhập hoặc mật khẩu.")

    def change_password(self, name: str, old: str, new: str, address: str = "") -> None:
        """The user's own change: the old password is needed, the new one must differ."""
        _check_password(new)
        with self.catalog.session() as session, session.begin():
            row = self._row(session, name)
            if not _verify(row.password_hash, old):
                raise UserError("the current password is wrong", "Mật khẩu hiện tại không đúng.")
            if old == new:
                raise UserError(
                    "the new password must differ from the old one",
                    "Mật khẩu mới phải khác mật khẩu cũ.",
                )
            row.password_hash, row.must_change_password = _HASHER.hash(new), False
            end_sessions(session, name)
            session.add(audit_row(name, "change_password", name, address))

    def reset_password(self, name: str, by: str | None, address: str = "") -> str:
        """A temporary password for the user, who must change it at their next login;
        their sessions end. Returned once, to hand to the user."""
        temporary = secrets.token_urlsafe(12)
        with self.catalog.session() as session, session.begin():
            row = self._row(session, name)
            row.password_hash, row.must_change_password = _HASHER.hash(temporary), True
            end_sessions(session, name)
            session.add(audit_row(by, "reset_password", name, address))
        return temporary

    def set_active(self, name: str, active: bool, by: str | None, address: str = "") -> None:
        with self.catalog.session() as session, session.begin():
            row = self._row(session, name)
            if not active:
                self._keep_an_admin(session, row)
                end_sessions(session, name)
            row.active = active
            session.add(audit_row(by, "enable_user" if active else "disable_user", name, address))

    def set_role(self, name: str, role: Role, by: str | None, address: str = "") -> None:
        with self.catalog.session() as session, session.begin():
            row = self._row(session, name)
            if role is not Role.ADMIN:
                self._keep_an_admin(session, row)
            target = f"{name}: {ROLE_LABELS[Role(row.role)]} → {ROLE_LABELS[role]}"
            row.role = role
            end_sessions(session, name)
            session.add(audit_row(by, "change_role", target, address))

    def set_clearance(self, name: str, clearance: str, by: str | None, address: str = "") -> None:
        clearance = checked_clearance(clearance)
        with self.catalog.session() as session, session.begin():
            row = self._row(session, name)
            target = f"{name}: {ACCESS_LEVELS[row.clearance]} → {ACCESS_LEVELS[clearance]}"
            row.clearance = clearance
            end_sessions(session, name)
            session.add(audit_row(by, "change_clearance", target, address))

    def unlock(self, name: str, by: str | None, address: str = "") -> None:
        with self.catalog.session() as session, session.begin():
            self._row(session, name)
            session.execute(delete(LoginAttemptRow).where(LoginAttemptRow.name == name))
            session.add(audit_row(by, "unlock_user", name, address))

    def end_sessions(self, name: str, by: str | None, address: str = "") -> int:
        """An administrator ends every session of the user; returns how many."""
        with self.catalog.session() as session, session.begin():
            self._row(session, name)
            ended = end_sessions(session, name)
            session.add(audit_row(by, "end_sessions", f"{name}: {ended} phiên", address))
        return ended

    def _count_attempt(self, name: str) -> tuple[int, datetime | None]:
        """One more attempt at `name` (none while it is locked), counted in one statement."""
        moment = now()
        insert = (postgresql if self.catalog.engine.dialect.name == "postgresql" else sqlite).insert
        locked = LoginAttemptRow.locked_until > moment
        statement = (
            insert(LoginAttemptRow)
            .values(name=name, attempts=1, locked_until=None, last_at=moment)
            .on_conflict_do_update(
                index_elements=[LoginAttemptRow.name],
                set_={
                    "attempts": case(
                        (locked, LoginAttemptRow.attempts), else_=LoginAttemptRow.attempts + 1
                    ),
                    "last_at": moment,
                },
            )
            .returning(LoginAttemptRow.attempts, LoginAttemptRow.locked_until)
        )
        with self.catalog.session() as session, session.begin():
            attempts, locked_until = session.execute(statement).one()
            session.execute(  # names nobody has tried for a day, and not locked
                delete(LoginAttemptRow).where(
                    LoginAttemptRow.last_at < moment - FORGOTTEN,
                    or_(
                        LoginAttemptRow.locked_until.is_(None),
                        LoginAttemptRow.locked_until < moment,
                    ),
                )
            )
        return attempts, locked_until

    def _lock(self, name: str) -> datetime:
        until = now() + LOCKOUT
        with self.catalog.session() as session, session.begin():
            session.execute(
                update(LoginAttemptRow)
                .where(LoginAttemptRow.name == name)
                .values(attempts=0, locked_until=until)
            )
        return until

    @staticmethod
    def _row(session: Session, name: str) -> UserRow:
        row = session.get(UserRow, name)
        if row is None:
            raise UserError(f"there is no user {name}", f"Không có người dùng {name}.")
        return row

    @staticmethod
    def _keep_an_admin(session: Session, row: UserRow) -> None:
        """The last enabled administrator may not be disabled or given another role."""
        if row.role != Role.ADMIN or not row.active:
            return
        admins = session.scalar(
            select(func.count()).where(UserRow.role == Role.ADMIN, UserRow.active.is_(True))
        )
        if admins == 1:
            raise UserError(
                f"{row.name} is the last administrator: name another one first",
                f"{row.name} là quản trị viên cuối cùng: hãy chỉ định một quản trị viên khác"
                " trước.",
            )


def _user(row: UserRow) -> User:
    return User(row.name, Role(row.role), row.clearance, row.must_change_password)


def checked_clearance(level: str) -> str:
    """`level`, when it is an access level; UserError naming the levels otherwise."""
    if level not in ACCESS_LEVELS:
        raise UserError(
            f"clearance {level!r}: one of {', '.join(ACCESS_LEVELS)}",
            f"Không có mức được đọc '{level}'; chọn: {', '.join(ACCESS_LEVELS.values())}.",
        )
    return level


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UserError(
            f"a password needs at least {MIN_PASSWORD} characters",
            f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự.",
        )


def _verify(hashed: str, password: str) -> bool:
    try:
        return _HASHER.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False
