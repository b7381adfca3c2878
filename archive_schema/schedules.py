"""The schedule's versions in the catalog: each change by the records office is a new
version, with who made it, when and why; a record keeps the version it was classified
under (its retention's `schedule`, "<name>@<version>")."""

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, Text, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from archive_schema.catalog import Base, Catalog, now
from archive_schema.errors import UserError
from archive_schema.retention import (
    Schedule,
    ScheduleRow,
    rows_as_data,
    rows_from_data,
)
from archive_schema.schedule_files import sample_schedule

SAMPLE_NAME = "sample-2011"
SAMPLE_REASON = "bảng mẫu kèm theo sohoa: Sở Nội vụ cần đối chiếu với Thông tư 10/2022/TT-BNV"


class ScheduleVersionRow(Base):
    __tablename__ = "schedule_versions"

    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    rows: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    author: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


@dataclass(frozen=True)
class ScheduleVersion:
    version: int
    author: str
    reason: str
    created_at: datetime
    schedule: Schedule


@dataclass(frozen=True)
class RowChange:
    row: str
    change: str  # added, removed, changed
    fields: dict[str, tuple[Any, Any]]  # field: (before, after), for a changed row


class Schedules:
    def __init__(self, catalog: Catalog):
        self.catalog = catalog

    def current(self) -> ScheduleVersion:
        """The newest version; the sample schedule becomes version 1 of a new catalog."""
        with self.catalog.session() as session:
            row = session.scalars(
                select(ScheduleVersionRow).order_by(ScheduleVersionRow.version.desc()).limit(1)
            ).first()
        if row is not None:
            return _version(row)
        try:
            return self.save(SAMPLE_NAME, sample_schedule(), "sohoa", SAMPLE_REASON)
        except (IntegrityError, UserError):  # another process saved it first
            return self.version(1)

    def version(self, number: int) -> ScheduleVersion:
        with self.catalog.session() as session:
            row = session.get(ScheduleVersionRow, number)
        if row is None:
            raise UserError(
                f"there is no version {number} of the retention schedule",
                f"Không có phiên bản {number} của bảng thời hạn bảo quản.",
            )
        return _version(row)

    def of(self, label: str) -> ScheduleVersion:
        """The version a record's retention names ("sample-2011@1")."""
        number = label.rpartition("@")[2]
        if not number.isdigit():
            raise UserError(f"{label!r} does not name a schedule version")
        return self.version(int(number))

    def history(self) -> list[ScheduleVersion]:
        """Every version, newest first."""
        self.current()
        query = select(ScheduleVersionRow).order_by(ScheduleVersionRow.version.desc())
        with self.catalog.session() as session:
            return [_version(row) for row in session.scalars(query)]

    def save(self, name: str, schedule: Schedule, author: str, reason: str) -> ScheduleVersion:
        """`schedule` as the next version; refused without a reason, or when it changes
        nothing (the current version stays)."""
        if not reason.strip():
            raise UserError(
                "say why the schedule changes (--reason): it is kept with the version",
                "Hãy ghi lý do thay đổi bảng thời hạn: lý do được lưu cùng phiên bản.",
            )
        with self.catalog.session() as session, session.begin():
            newest = session.scalars(
                select(ScheduleVersionRow).order_by(ScheduleVersionRow.version.desc()).limit(1)
            ).first()
            if newest is not None and _version(newest).schedule.rows == schedule.rows:
                raise UserError(
                    f"the schedule is the same as version {newest.version}: nothing to save",
                    f"Bảng thời hạn giống hệt phiên bản {newest.version}: không có gì để lưu.",
                )
            row = ScheduleVersionRow(
                version=(newest.version + 1) if newest else 1,
                name=name,
                rows=rows_as_data(schedule),
                author=author,
                reason=reason.strip(),
                created_at=now(),
            )
            session.add(row)
        return _version(row)


def diff(before: Schedule, after: Schedule) -> list[RowChange]:
    """What changed from one version to another, row by row, in the newer one's order."""
    old = {row.row: row for row in before.rows}
    new = {row.row: row for row in after.rows}
    changes = []
    for code, row in new.items():
        if code not in old:
            changes.append(RowChange(code, "added", {}))
        elif row != old[code]:
            changed = {
                f.name: (getattr(old[code], f.name), getattr(row, f.name))
                for f in fields(ScheduleRow)
                if getattr(old[code], f.name) != getattr(row, f.name)
            }
            changes.append(RowChange(code, "changed", changed))
    changes += [RowChange(code, "removed", {}) for code in old if code not in new]
    return changes


def _version(row: ScheduleVersionRow) -> ScheduleVersion:
    schedule = rows_from_data(f"{row.name}@{row.version}", row.rows)
    return ScheduleVersion(row.version, row.author, row.reason, row.created_at, schedule)
