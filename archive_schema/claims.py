"""Claims: a document being archived is claimed by the process that does it, so that a
second run of the same batch (another command, another Airflow run) waits for it instead
of doing the same OCR again; a record an archivist's act is changing (a correction, a
re-scan, a split, a merge) is claimed by that act, so that a second act on it, from this
process or another, is refused instead of mixing their writes. A claim left by a process
that died (killed, its machine restarted) does not hold: one on this machine whose process
is gone, or one its holder has not renewed for a lease (another machine's: a Celery worker
killed), is taken over."""

import os
import socket
import threading
import time
from collections.abc import Collection, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime, timedelta
from uuid import uuid4

from sqlalchemy import String, delete, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from archive_schema.catalog import Base, Catalog, aware, now
from archive_schema.errors import UserError

LEASE = timedelta(minutes=1)  # a claim not renewed for this long is dead
RENEW_SECONDS = 15  # how often a process renews the claims it holds
POLL_SECONDS = 2  # how often a document another process is archiving is looked at again
BUSY = (
    "Văn bản này đang được một thao tác khác (sửa, quét lại, tách hoặc gộp) xử lý; hãy thử lại"
    " sau giây lát. Không có gì bị thay đổi."
)


class ClaimRow(Base):
    __tablename__ = "claims"

    document_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner: Mapped[str] = mapped_column(String(300))  # host:pid
    claimed_at: Mapped[datetime]


def this_process() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Claims:
    def __init__(self, catalog: Catalog, owner: str | None = None):
        self.catalog = catalog
        self.owner = owner or this_process()
        self._held: set[str] = set()
        self._lock = threading.Lock()

    def take(self, ids: Collection[str]) -> set[str]:
        """Claim what nobody else holds of `ids` (taking over dead claims); returns the ids
        now this process's."""
        taken = set()
        for document_id in ids:
            try:
                with self.catalog.session() as session, session.begin():
                    held = session.get(ClaimRow, document_id)
                    if held is not None and held.owner != self.owner and _alive(held):
                        continue
                    if held is not None:  # dead: taken over, unless another took it first
                        session.expunge(held)
                        session.execute(
                            delete(ClaimRow).where(
                                ClaimRow.document_id == document_id, ClaimRow.owner == held.owner
                            )
                        )
                    claim = ClaimRow(document_id=document_id, owner=self.owner, claimed_at=now())
                    session.add(claim)
            except IntegrityError:  # another process claimed it in the same instant
                continue
            taken.add(document_id)
        with self._lock:
            self._held |= taken
        if taken:
            _renewer.keep(self)
        return taken

    def release(self, ids: Collection[str]) -> None:
        with self.catalog.session() as session, session.begin():
            session.execute(
                delete(ClaimRow).where(ClaimRow.document_id.in_(ids), ClaimRow.owner == self.owner)
            )
        with self._lock:
            self._held -= set(ids)

    def holders(self, ids: Collection[str]) -> dict[str, str]:
        """Who holds each of `ids` that another live process holds."""
        query = select(ClaimRow).where(ClaimRow.document_id.in_(ids))
        with self.catalog.session() as session:
            return {
                c.document_id: c.owner
                for c in session.scalars(query)
                if c.owner != self.owner and _alive(c)
            }

    def holds(self) -> bool:
        with self._lock:
            return bool(self._held)

    def renew(self) -> bool:
        """Renew the time of the claims this object holds; whether it holds any. A database
        away for a while is tried again at the next turn."""
        with self._lock:
            held = list(self._held)
        if held:
            renewed = (
                update(ClaimRow)
                .where(ClaimRow.owner == self.owner, ClaimRow.document_id.in_(held))
                .values(claimed_at=now())
            )
            with suppress(SQLAlchemyError), self.catalog.session() as session, session.begin():
                session.execute(renewed)
        return bool(held)


class _Renewer:
    """One thread per process renews every RENEW_SECONDS the claims its Claims objects hold,
    and ends when none holds any (an archivist's act makes one Claims object, so a busy web
    server would otherwise have a thread per act)."""

    def __init__(self) -> None:
        self._reset()
        os.register_at_fork(after_in_child=self._reset)  # a forked child has no such thread

    def _reset(self) -> None:
        self._claims: set[Claims] = set()  # those holding claims, kept until they release
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def keep(self, claims: Claims) -> None:
        with self._lock:
            self._claims.add(claims)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="claims", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            time.sleep(RENEW_SECONDS)
            with self._lock:
                claims = list(self._claims)
            idle = [c for c in claims if not c.renew()]
            with self._lock:
                for released in idle:
                    if not released.holds():  # it may have taken more meanwhile
                        self._claims.discard(released)
                if not self._claims:
                    self._thread = None
                    return


_renewer = _Renewer()


@contextmanager
def changing(catalog: Catalog, ids: Collection[str]) -> Iterator[None]:
    """Hold records `ids` while one act changes them; UserError, with nothing held, when
    another act or run holds one of them."""
    claims = Claims(catalog, f"{this_process()}#{uuid4().hex}")  # one act, not one process
    taken = claims.take(ids)
    try:
        if taken != set(ids):
            raise UserError(f"{sorted(set(ids) - taken)}: being changed by another act", BUSY)
        yield
    finally:
        claims.release(taken)


def _alive(claim: ClaimRow) -> bool:
    """Whether the claim's process may still be at work."""
    known = process_alive(claim.owner)
    return known if known is not None else now() - aware(claim.claimed_at) < LEASE


def process_alive(owner: str) -> bool | None:
    """Whether the process `host:pid` (of an act: `host:pid#act`) runs; None when it is
    another machine's."""
    host, _, pid = owner.partition("#")[0].rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's: it runs
        pass
    return True
