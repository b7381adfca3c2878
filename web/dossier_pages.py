"""Fonds and dossiers on the web, for archivists: the fonds with their dossiers (computed
dates and counts), a fonds or a dossier opened or edited, a dossier's documents put in
order (their codes follow), and the mục lục hồ sơ of a fonds as a workbook or a PDF/A."""

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from archive_schema.access import Role, User
from archive_schema.fonds import DOSSIER_FIELDS, FONDS_FIELDS, Archives
from archive_schema.schedules import Schedules
from archive_schema.spreadsheets import MEDIA_TYPES
from pipelines.corrections import renumber
from pipelines.dossier_list import dossier_list_pdf, dossier_list_xlsx
from pipelines.filing import add_fonds as add_fonds_to
from pipelines.filing import save_dossier
from pipelines.package.layout import PDF
from web.parameters import disposition
from web.render import page
from web.security import CheckedForm, address, requires, services

router = APIRouter(prefix="/dossiers")
Archivist = Annotated[User, requires(Role.ARCHIVIST)]


@router.get("", response_class=HTMLResponse)
def dossiers_page(request: Request, user: Archivist) -> HTMLResponse:
    archives = Archives(services(request).catalog)
    return page(
        request,
        "dossiers.html",
        user,
        fonds=archives.fonds(),
        dossiers=archives.dossiers(),
        rows=Schedules(services(request).catalog).current().schedule.rows,
        FONDS_FIELDS=FONDS_FIELDS,
        DOSSIER_FIELDS=DOSSIER_FIELDS,
    )


@router.post("/fonds", dependencies=[CheckedForm])
async def add_fonds(request: Request, user: Archivist) -> Response:
    given = await _given(request, FONDS_FIELDS)
    await run_in_threadpool(
        add_fonds_to, services(request).archive, given, user.name, address(request)
    )
    return RedirectResponse("/dossiers", status_code=303)


@router.post("", dependencies=[CheckedForm])
async def add_dossier(request: Request, user: Archivist) -> Response:
    given = await _given(request, DOSSIER_FIELDS)
    code = await run_in_threadpool(
        save_dossier, services(request).archive, given, user.name, address(request), True
    )
    return RedirectResponse(f"/dossiers/{code}", status_code=303)


@router.get("/{code}", response_class=HTMLResponse)
def dossier_page(request: Request, code: str, user: Archivist) -> HTMLResponse:
    archives = Archives(services(request).catalog)
    filed = [d for d in archives.filed(code) if user.may_read(d.access_level)]
    return page(
        request,
        "dossier.html",
        user,
        dossier=archives.dossier(code),
        filed=filed,
        fonds=archives.fonds(),
        rows=Schedules(services(request).catalog).current().schedule.rows,
        DOSSIER_FIELDS=DOSSIER_FIELDS,
    )


@router.post("/{code}", dependencies=[CheckedForm])
async def edit_dossier(request: Request, code: str, user: Archivist) -> Response:
    given = await _given(request, DOSSIER_FIELDS) | {"code": code}
    await run_in_threadpool(
        save_dossier, services(request).archive, given, user.name, address(request), False
    )
    return RedirectResponse(f"/dossiers/{code}", status_code=303)


@router.post("/{code}/order", dependencies=[CheckedForm])
async def order(request: Request, code: str, user: Archivist) -> Response:
    """Each document's ordinal as typed (`ordinal-<id>`); their codes follow."""
    form = await request.form()
    ordinals = {
        name.removeprefix("ordinal-"): str(value)
        for name, value in form.items()
        if name.startswith("ordinal-")
    }
    archive = services(request).archive
    await run_in_threadpool(renumber, archive, code, ordinals, user, address(request))
    return RedirectResponse(f"/dossiers/{code}", status_code=303)


@router.get("/fonds/{code}/muc-luc.xlsx")
def dossier_list_sheet(request: Request, code: str, user: Archivist) -> Response:
    data = dossier_list_xlsx(services(request).archive, code)
    headers = {"Content-Disposition": disposition(f"muc-luc-ho-so-{code}.xlsx")}
    return Response(data, media_type=MEDIA_TYPES[".xlsx"], headers=headers)


@router.get("/fonds/{code}/muc-luc.pdf")
def dossier_list_record(request: Request, code: str, user: Archivist) -> Response:
    data = dossier_list_pdf(services(request).archive, code)
    headers = {"Content-Disposition": disposition(f"muc-luc-ho-so-{code}.pdf")}
    return Response(data, media_type=PDF, headers=headers)


async def _given(request: Request, fields: dict[str, str]) -> dict[str, str]:
    form = await request.form()
    return {name: str(form[name]) for name in fields if name in form}
