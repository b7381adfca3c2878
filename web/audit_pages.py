"""The audit log (Nhật ký) for the records office and administrators: a page at a time,
by user, act, target and date range; every act under its Vietnamese name and every record
under its number or code; the same selection exported as CSV or XLSX (no cell of which can
run as a formula)."""

import re
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from archive_schema.access import Role, User
from archive_schema.audit import ACTION_LABELS, AuditEntry, AuditFilters
from archive_schema.disposal import Disposals
from archive_schema.spreadsheets import MEDIA_TYPES, csv_bytes, xlsx_bytes
from archive_schema.vietnamese import vn_date
from web.parameters import day, disposition, whole_number
from web.render import page
from web.security import audit, requires, services

router = APIRouter(prefix="/audit")
Auditor = Annotated[User, requires(Role.RECORDS_OFFICER)]
RECORD_ID = re.compile(r"\b[0-9a-f]{32}\b")
COLUMNS = ("Lúc", "Người dùng", "Hành động", "Đối tượng", "Từ địa chỉ")


@dataclass(frozen=True)
class Line:
    """An entry as a person reads it."""

    at: str
    user: str
    action: str
    target: str
    address: str


@router.get("", response_class=HTMLResponse)
def audit_page(
    request: Request, user: Auditor, page_number: Annotated[str, Query(alias="page")] = ""
) -> HTMLResponse:
    filters = _filters(request)
    found = services(request).audit_log.page(filters, whole_number(page_number) or 1)
    return page(
        request,
        "audit.html",
        user,
        paged=found,
        lines=_lines(request, found.items),
        filters=filters,
        labels=ACTION_LABELS,
        query=request.url.query,
    )


@router.get("/export.{suffix}")
def export(request: Request, suffix: str, user: Auditor) -> Response:
    if f".{suffix}" not in MEDIA_TYPES:
        raise HTTPException(404, "Nhật ký chỉ xuất được dạng .csv hoặc .xlsx.")
    filters = _filters(request)
    lines = _lines(request, list(services(request).audit_log.export(filters)))
    rows = [[line.at, line.user, line.action, line.target, line.address] for line in lines]
    data = (
        csv_bytes(COLUMNS, rows)
        if suffix == "csv"
        else xlsx_bytes("Nhật ký sohoa", "Nhật ký", COLUMNS, rows, (20, 16, 26, 80, 16))
    )
    audit(request, user.name, "export_audit", f"{len(rows)} entries {request.url.query}"[:500])
    name = f"nhat-ky-{vn_date(filters.since).replace('/', '-') or 'dau'}.{suffix}"
    headers = {"Content-Disposition": disposition(name)}
    return Response(data, media_type=MEDIA_TYPES[f".{suffix}"], headers=headers)


def _filters(request: Request) -> AuditFilters:
    given = request.query_params
    return AuditFilters(
        user=given.get("who", "").strip() or None,
        action=given.get("action") or None,
        target=given.get("target", "").strip() or None,
        since=day(given.get("from")),
        until=day(given.get("to")),
    )


def _lines(request: Request, entries: list[AuditEntry]) -> list[Line]:
    """The entries with their acts named in Vietnamese and their records by number or code
    (a destroyed record's from its tombstone)."""
    ids = {i for e in entries for i in RECORD_ID.findall(e.target)}
    found = services(request)
    names = found.catalog.known_as(ids)
    for stone in Disposals(found.catalog).tombstones(ids=ids - names.keys()):
        known = stone.metadata.get("number_symbol") or stone.metadata.get("code")
        if known:
            names[stone.document_id] = f"{known} (đã hủy)"
    return [
        Line(
            vn_date(e.at, with_time=True),
            e.user or "",
            ACTION_LABELS.get(e.action, e.action),
            RECORD_ID.sub(lambda m: names.get(m.group(), f"mã {m.group()[:12]}"), e.target),
            e.address,
        )
        for e in entries
    ]
