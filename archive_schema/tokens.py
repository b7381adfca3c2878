"""API tokens (mã truy cập): each client system (an agency's e-office software) holds one,
with a role and a clearance like a user's. The catalog keeps only its SHA-256, so that a
copy of the database opens nothing; a token revoked opens nothing from then on. Every call
made with one is audited under its name."""

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column

from archive_schema.access import DEFAULT_CLEARANCE, Role, User
from archive_schema.accounts import checked_clearance
from archive_schema.audit import audit_row
from archive_schema.catalog import Base, Catalog, now
from archive_schema.errors import UserError

PREFIX = "sohoa_"  # what a token starts with, so that a leaked one is recognised as one
NAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")


class TokenRow(Base):
    __tablename__ = "api_tokens"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the token
    role: Mapped[str] = mapped_column(String(20))
    clearance: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


@dataclass(frozen=True)
class Token:
    name: str
    role: Role
    clearance: str
    created_at: datetime
    revoked_at: datetime | None


class Tokens:
    def __init__(self, catalog: Catalog):
        self.catalog = catalog

    def add(self, name: str, role: Role, clearance: str | None, by: str) -> str:
        """A new token for client system `name`; returns it, the only time it is shown."""
        if not NAME.fullmatch(name):
            raise UserError(
                f"token name {name!r}: lower-case letters, digits, '.', '_' or '-'",
                f"Tên mã truy cập '{name}': chỉ dùng chữ thường không dấu, số, '.', '_', '-'.",
            )
        secret = PREFIX + secrets.token_urlsafe(32)
        with self.catalog.session() as session, session.begin():
            if session.get(TokenRow, name) is not None:
                raise UserError(f"a token {name} exists", f"Đã có mã truy cập tên {name}.")
            session.add(
                TokenRow(
                    name=name,
                    digest=_digest(secret),
                    role=role,
                    clearance=checked_clearance(clearance or DEFAULT_CLEARANCE[role]),
                    created_at=now(),
                    revoked_at=None,
                )
            )
            session.add(audit_row(by, "add_token", f"{name} ({role})", ""))
        return secret

    def revoke(self, name: str, by: str) -> None:
        with self.catalog.session() as session, session.begin():
            row = session.get(TokenRow, name)
            if row is None or row.revoked_at is not None:
                raise UserError(
                    f"no live token {name}", f"Không có mã truy cập {name} còn hiệu lực."
                )
            row.revoked_at = now()
            session.add(audit_row(by, "revoke_token", name, ""))

    def tokens(self) -> list[Token]:
        with self.catalog.session() as session:
            rows = session.scalars(select(TokenRow).order_by(TokenRow.name)).all()
            return [
                Token(r.name, Role(r.role), r.clearance, r.created_at, r.revoked_at) for r in rows
            ]

    def holder(self, secret: str) -> User | None:
        """The client system a live token is for, as a user named after it; None otherwise."""
        if not secret.startswith(PREFIX):
            return None
        query = select(TokenRow).where(
            TokenRow.digest == _digest(secret), TokenRow.revoked_at.is_(None)
        )
        with self.catalog.session() as session:
            row = session.scalars(query).first()
            return User(row.name, Role(row.role), row.clearance) if row else None


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
