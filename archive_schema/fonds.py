"""Fonds (phông lưu trữ) and dossiers (hồ sơ): the units above the document (TT 05/2025's
three levels). A fonds is the archive of one creating body; a dossier belongs to one fonds
and holds documents in order (their `ordinal`, which makes their code `dossier.ordinal`).
What a dossier's documents say (their dates, how many, their pages) is computed from them;
what only the paper says (its sheets, its condition, its code on the shelf) is entered."""

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from archive_schema.audit import audit_row
from archive_schema.catalog import Base, Catalog, DocumentRow, now
from archive_schema.errors import UserError
from archive_schema.models import Status
from archive_schema.retention import Schedule, review_from
from archive_schema.schedules import Schedules
from archive_schema.vietnamese import normalize
from archive_schema.vocab import ACCESS_LEVELS

CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-]{0,59}")  # G09, G09.2021.01.001
FONDS_FIELDS = {
    "code": "Mã phông",
    "name": "Tên phông",
    "creator": "Cơ quan hình thành phông",
    "history": "Lịch sử đơn vị hình thành phông",
    "years": "Thời gian của tài liệu",
    "scheme": "Phương án phân loại",
}
DOSSIER_FIELDS = {
    "code": "Mã hồ sơ",
    "fonds_code": "Mã phông",
    "title": "Tiêu đề hồ sơ",
    "retention": "Thời hạn bảo quản",
    "retention_row": "Điều khoản bảo quản",
    "access_level": "Chế độ sử dụng",
    "keywords": "Từ khóa",
    "sheets": "Số lượng tờ",
    "condition": "Tình trạng vật lý",
    "paper_code": "Ký hiệu thông tin (mã hồ sơ giấy)",
}


class FondsRow(Base):
    __tablename__ = "fonds"

    code: Mapped[str] = mapped_column(String(60), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    creator: Mapped[str] = mapped_column(Text, default="")
    history: Mapped[str] = mapped_column(Text, default="")
    years: Mapped[str] = mapped_column(String(40), default="")  # "1998-2015"
    scheme: Mapped[str] = mapped_column(Text, default="")


class DossierRow(Base):
    __tablename__ = "dossiers"

    code: Mapped[str] = mapped_column(String(60), primary_key=True)
    fonds_code: Mapped[str] = mapped_column(ForeignKey("fonds.code"), index=True)
    title: Mapped[str] = mapped_column(Text)
    retention: Mapped[str] = mapped_column(String(30), default="")  # "Vĩnh viễn", "10 năm"
    retention_row: Mapped[str | None] = mapped_column(String(20))  # of the retention schedule
    access_level: Mapped[str] = mapped_column(String(20), default="internal")
    keywords: Mapped[str] = mapped_column(Text, default="")
    sheets: Mapped[int | None] = mapped_column(Integer)
    condition: Mapped[str] = mapped_column(Text, default="")
    paper_code: Mapped[str] = mapped_column(String(60), default="")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


@dataclass(frozen=True)
class Fonds:
    code: str
    name: str
    creator: str
    history: str
    years: str
    scheme: str


@dataclass(frozen=True)
class Dossier:
    code: str
    fonds_code: str
    title: str
    retention: str
    retention_row: str | None
    access_level: str
    keywords: str
    sheets: int | None
    condition: str
    paper_code: str
    # computed from its archived documents
    documents: int
    pages: int
    start: date | None
    end: date | None
    review_from: date | None  # its retention counted from the year it ends (its last document)


@dataclass(frozen=True)
class Filed:
    """A document of a dossier, in its order."""

    id: str
    ordinal: int | None
    code: str | None
    number_symbol: str | None
    issue_date: date | None
    subject: str | None
    pages: int
    access_level: str


class Archives:
    """The fonds and dossiers of the catalog."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog

    def add_fonds(self, given: dict[str, str], user: str, address: str) -> Fonds:
        values = {name: _text(given.get(name, "")) for name in FONDS_FIELDS}
        _code(values["code"], FONDS_FIELDS["code"])
        if not values["name"]:
            raise UserError("a fonds needs its name", "Tên phông: hãy ghi tên phông.")
        with self.catalog.session() as session, session.begin():
            if session.get(FondsRow, values["code"]) is not None:
                raise UserError(f"fonds {values['code']} exists", f"Phông {values['code']} đã có.")
            session.add(FondsRow(**values))
            session.add(audit_row(user, "add_fonds", values["code"], address))
        return Fonds(**values)

    def fonds(self) -> list[Fonds]:
        with self.catalog.session() as session:
            rows = session.scalars(select(FondsRow).order_by(FondsRow.code)).all()
        return [Fonds(r.code, r.name, r.creator, r.history, r.years, r.scheme) for r in rows]

    def save_dossier(self, given: dict[str, str], user: str, address: str, new: bool) -> str:
        """Open a new dossier (`new`) or edit one; UserError naming the field otherwise."""
        values: dict[str, Any] = {
            name: _text(given.get(name, "")) for name in DOSSIER_FIELDS if name in given
        }
        code = _code(values.get("code", ""), DOSSIER_FIELDS["code"])
        if new and not values.get("title"):
            raise UserError("a dossier needs its title", "Tiêu đề hồ sơ: hãy ghi tiêu đề.")
        if "access_level" in values and values["access_level"] not in ACCESS_LEVELS:
            raise UserError(
                f"access level {values['access_level']!r}",
                f"{DOSSIER_FIELDS['access_level']}: '{values['access_level']}' không phải một mức.",
            )
        if "sheets" in values:
            values["sheets"] = _count(values["sheets"], DOSSIER_FIELDS["sheets"])
        if values.get("retention_row"):
            period = Schedules(self.catalog).current().schedule.row(values["retention_row"])
            if period is None:
                raise UserError(
                    f"no row {values['retention_row']!r} in the retention schedule",
                    f"{DOSSIER_FIELDS['retention_row']}: bảng thời hạn bảo quản không có điều"
                    f" '{values['retention_row']}'.",
                )
            values["retention"] = period.period
        elif "retention_row" in values:
            values["retention_row"] = None
        with self.catalog.session() as session, session.begin():
            row = session.get(DossierRow, code, with_for_update=True)
            if new and row is not None:
                raise UserError(f"dossier {code} exists", f"Hồ sơ {code} đã có.")
            if not new and row is None:
                raise UserError(f"no dossier {code}", f"Không có hồ sơ {code}.")
            fonds = values.get("fonds_code", row.fonds_code if row else "")
            if session.get(FondsRow, fonds) is None:
                raise UserError(
                    f"no fonds {fonds!r}",
                    f"{DOSSIER_FIELDS['fonds_code']}: không có phông '{fonds}'; hãy lập phông"
                    " trước.",
                )
            if row is not None and fonds != row.fonds_code and _documents(session, code):
                raise UserError(
                    f"dossier {code} has documents: it stays in fonds {row.fonds_code}",
                    f"Hồ sơ {code} đã có văn bản: không chuyển sang phông khác được.",
                )
            if row is None:
                row = DossierRow(code=code, created_by=user, created_at=now())
                session.add(row)
            for name, value in values.items():
                setattr(row, name, value)
            session.add(audit_row(user, "add_dossier" if new else "edit_dossier", code, address))
        return code

    def dossiers(self, fonds_code: str | None = None) -> list[Dossier]:
        query = select(DossierRow).order_by(DossierRow.code)
        if fonds_code:
            query = query.where(DossierRow.fonds_code == fonds_code)
        schedule = Schedules(self.catalog).current().schedule
        with self.catalog.session() as session:
            return [_dossier(session, row, schedule) for row in session.scalars(query)]

    def dossier(self, code: str) -> Dossier:
        schedule = Schedules(self.catalog).current().schedule
        with self.catalog.session() as session:
            row = session.get(DossierRow, code)
            if row is None:
                raise UserError(f"no dossier {code}", f"Không có hồ sơ {code}.")
            return _dossier(session, row, schedule)

    def dossier_codes(self, fonds_code: str | None = None) -> list[str]:
        """The codes of the dossiers (of one fonds), in order."""
        query = select(DossierRow.code).order_by(DossierRow.code)
        if fonds_code:
            query = query.where(DossierRow.fonds_code == fonds_code)
        with self.catalog.session() as session:
            return list(session.scalars(query))

    def filed_in(self, document_ids: Collection[str]) -> set[str]:
        """The codes of the dossiers documents `document_ids` are filed in."""
        query = select(DocumentRow.dossier_code).where(DocumentRow.id.in_(document_ids))
        with self.catalog.session() as session:
            return {code for code in session.scalars(query) if code}

    def restore(
        self, fonds: list[dict[str, Any]], dossiers: list[dict[str, Any]]
    ) -> tuple[int, list[str]]:
        """Fonds and dossiers the catalog has lost, as their packages describe them (a
        rebuild); returns how many were restored, and the dossiers that were not because
        their fonds is not known."""
        restored, orphans = 0, []
        with self.catalog.session() as session, session.begin():
            for values in fonds:
                if session.get(FondsRow, values["code"]) is None:
                    session.add(FondsRow(**{name: values.get(name, "") for name in FONDS_FIELDS}))
                    restored += 1
            session.flush()
            for values in dossiers:
                if session.get(DossierRow, values["code"]) is not None:
                    continue
                if session.get(FondsRow, values.get("fonds_code")) is None:
                    orphans.append(values["code"])
                    continue
                entered = {name: values.get(name) for name in DOSSIER_FIELDS}
                session.add(DossierRow(**entered, created_by="sohoa rebuild", created_at=now()))
                restored += 1
        return restored, orphans

    def filed(self, code: str) -> list[Filed]:
        """The archived documents of a dossier, in their order."""
        query = (
            select(DocumentRow)
            .where(DocumentRow.dossier_code == code, DocumentRow.status == Status.ARCHIVED)
            .order_by(DocumentRow.ordinal.asc().nulls_last(), DocumentRow.issue_date)
        )
        with self.catalog.session() as session:
            return [
                Filed(
                    r.id,
                    r.ordinal,
                    r.code,
                    r.number_symbol,
                    r.issue_date,
                    r.subject,
                    r.page_count,
                    r.access_level,
                )
                for r in session.scalars(query)
            ]


def same_fonds(session: Session, dossier_code: str | None, moved_to: str | None) -> None:
    """UserError when a document of a dossier is moved into a dossier of another fonds."""
    fonds = {
        code: session.scalar(select(DossierRow.fonds_code).where(DossierRow.code == code))
        for code in (dossier_code, moved_to)
        if code
    }
    old, new = fonds.get(dossier_code or ""), fonds.get(moved_to or "")
    if old and new and old != new:
        raise UserError(
            f"dossier {moved_to} is of fonds {new}, not {old}",
            f"Mã hồ sơ: hồ sơ {moved_to} thuộc phông {new}, văn bản thuộc phông {old};"
            " không chuyển văn bản sang phông khác được.",
        )


def _dossier(session: Session, row: DossierRow, schedule: Schedule) -> Dossier:
    documents, pages, start, end = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(DocumentRow.page_count), 0),
            func.min(DocumentRow.issue_date),
            func.max(DocumentRow.issue_date),
        ).where(DocumentRow.dossier_code == row.code, DocumentRow.status == Status.ARCHIVED)
    ).one()
    retention = schedule.row(row.retention_row) if row.retention_row else None
    years = retention.years if retention else None
    return Dossier(
        row.code,
        row.fonds_code,
        row.title,
        row.retention,
        row.retention_row,
        row.access_level,
        row.keywords,
        row.sheets,
        row.condition,
        row.paper_code,
        documents,
        int(pages),
        start,
        end,
        review_from(years, end.year if end else None),
    )


def _documents(session: Session, code: str) -> int:
    return int(session.scalar(select(func.count()).where(DocumentRow.dossier_code == code)) or 0)


def _text(value: str) -> str:
    return normalize(value).strip()


def _code(text: str, label: str) -> str:
    if not CODE.fullmatch(text):
        raise UserError(
            f"code {text!r}",
            f"{label}: '{text}' không đúng dạng (chữ, số, dấu chấm, gạch nối; ví dụ G09.2021.01).",
        )
    return text


def _count(text: str, label: str) -> int | None:
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or int(text) > 1_000_000:
        raise UserError(f"count {text!r}", f"{label}: '{text}' không phải một số.")
    return int(text)
