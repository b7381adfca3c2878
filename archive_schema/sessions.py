"""Web sessions kept on the server, so that they can be ended: on logout, when the user is
disabled or their password or role changes, or by an administrator. The browser holds only
a random token; the catalog holds its SHA-256, so that a copy of the database opens none."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import String, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from archive_schema.catalog import Base, Catalog, aware, now

SEEN_EVERY = timedelta(minutes=1)  # how often a session's last use is written


class SessionRow(Base):
    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the token
    user: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    seen_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    address: Mapped[str] = mapped_column(String(64))
    agent: Mapped[str] = mapped_column(String(200))


@dataclass(frozen=True)
class LiveSession:
    user: str
    created_at: datetime
    seen_at: datetime
    address: str
    agent: str


class Sessions:
    def __init__(self, catalog: Catalog, hours: float = 8):
        self.catalog = catalog
        self.lifetime = timedelta(hours=hours)

    def start(self, user: str, address: str, agent: str) -> str:
        """A new session of `user`; returns its token, for the browser's cookie."""
        token = secrets.token_urlsafe(32)
        started = now()
        with self.catalog.session() as session, session.begin():
            session.add(
                SessionRow(
                    id=_digest(token),
                    user=user,
                    created_at=started,
                    expires_at=started + self.lifetime,
                    seen_at=started,
                    ended_at=None,
                    address=address[:64],
                    agent=agent[:200],
                )
            )
        return token

    def user_of(self, token: str) -> str | None:
        """The user of a live session (not ended, not expired), or None."""
        with self.catalog.session() as session, session.begin():
            row = session.get(SessionRow, _digest(token))
            moment = now()
            if row is None or row.ended_at is not None or aware(row.expires_at) <= moment:
                return None
            if moment - aware(row.seen_at) > SEEN_EVERY:
                row.seen_at = moment
            return row.user

    def end(self, token: str) -> None:
        with self.catalog.session() as session, session.begin():
            session.execute(
                update(SessionRow)
                .where(SessionRow.id == _digest(token), SessionRow.ended_at.is_(None))
                .values(ended_at=now())
            )

    def live(self, user: str) -> list[LiveSession]:
        query = select(SessionRow).where(
            SessionRow.user == user, SessionRow.ended_at.is_(None), SessionRow.expires_at > now()
        )
        with self.catalog.session() as session:
            return [
                LiveSession(r.user, aware(r.created_at), aware(r.seen_at), r.address, r.agent)
                for r in session.scalars(query.order_by(SessionRow.seen_at.desc()))
            ]


def end_sessions(session: Session, user: str) -> int:
    """End every session of `user`, in the transaction of the change that calls for it."""
    ended = session.execute(
        update(SessionRow)
        .where(SessionRow.user == user, SessionRow.ended_at.is_(None))
        .values(ended_at=now())
    )
    return int(ended.rowcount)  # type: ignore[attr-defined]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
