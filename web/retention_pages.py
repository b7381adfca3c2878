"""The records office's retention pages: the schedule with its versions and their
differences, importing a spreadsheet (with every bad row reported), the review list
("Xem xét hủy") with its filters, the unclassified queue, reclassification and holds."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from archive_schema.access import Role, User
from archive_schema.retention import ScheduleError
from archive_schema.review import Filters, Review, due_query, held_query, unclassified_query
from archive_schema.schedule_files import read_schedule, write_schedule
from archive_schema.schedules import Schedules, diff
from archive_schema.spreadsheets import MEDIA_TYPES
from pipelines.records_office import acts as records_office
from web.parameters import Number, disposition, whole_number
from web.render import page
from web.security import CheckedForm, address, audit, local_path, requires, services

router = APIRouter(prefix="/retention")
Officer = Annotated[User, requires(Role.RECORDS_OFFICER)]


@router.get("", response_class=HTMLResponse)
def schedule_page(request: Request, user: Officer) -> HTMLResponse:
    return _schedule_page(request, user)


@router.post("/import", response_class=HTMLResponse, dependencies=[CheckedForm])
async def import_schedule(
    request: Request,
    user: Officer,
    file: UploadFile,
    reason: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
) -> Response:
    filename = file.filename or "schedule"
    data = await file.read()  # at most the records office's cap (web.middleware)
    label = name.strip() or filename.rsplit(".", 1)[0]
    try:
        schedule = read_schedule(label, data, filename)
    except ScheduleError as error:
        return _schedule_page(request, user, error.problems_vi, 400)
    saved = Schedules(services(request).catalog).save(label, schedule, user.name, reason)
    audit(request, user.name, "import_schedule", f"{saved.schedule.name}: {reason}")
    return RedirectResponse(f"/retention/versions/{saved.version}", status_code=303)


@router.get("/versions/{number}", response_class=HTMLResponse)
def version_page(request: Request, number: Number, user: Officer) -> HTMLResponse:
    schedules = Schedules(services(request).catalog)
    version = schedules.version(number)
    before = schedules.version(number - 1) if number > 1 else None
    changes = diff(before.schedule, version.schedule) if before else []
    return page(request, "schedule_version.html", user, version=version, changes=changes)


@router.get("/versions/{number}/export.{suffix}")
def export(request: Request, number: Number, suffix: str, user: Officer) -> Response:
    if f".{suffix}" not in MEDIA_TYPES:
        raise HTTPException(404, "Bảng thời hạn chỉ tải về được dạng .csv hoặc .xlsx.")
    version = Schedules(services(request).catalog).version(number)
    data = write_schedule(version.schedule, f".{suffix}")
    filename = f"{version.schedule.name.replace('@', '-v')}.{suffix}"
    headers = {"Content-Disposition": disposition(filename)}
    return Response(data, media_type=MEDIA_TYPES[f".{suffix}"], headers=headers)


@router.get("/review", response_class=HTMLResponse)
def review_page(
    request: Request,
    user: Officer,
    type: str = "",
    year: str = "",
    agency: str = "",
    dossier: str = "",
    page_number: Annotated[str, Query(alias="page")] = "",
    unclassified_page: str = "",
    held_page: str = "",
) -> HTMLResponse:
    filters = Filters(type or None, whole_number(year, 1, 9999), agency or None, dossier or None)
    review = Review(services(request).catalog)
    return page(
        request,
        "review.html",
        user,
        due=review.page(due_query(date.today(), filters), whole_number(page_number) or 1),
        due_dossiers=review.due_by_dossier(date.today(), filters),
        unclassified=review.page(unclassified_query(), whole_number(unclassified_page) or 1),
        held=review.page(held_query(), whole_number(held_page) or 1),
        filters=filters,
        schedule=Schedules(services(request).catalog).current().schedule,
    )


@router.post("/assign", dependencies=[CheckedForm])
def assign(
    request: Request,
    user: Officer,
    row: Annotated[str, Form()],
    ids: Annotated[list[str], Form()],
) -> Response:
    found = services(request)
    records_office.assign_row(found.archive, ids, row, user.name, address(request))
    return RedirectResponse("/retention/review", status_code=303)


@router.post("/hold", dependencies=[CheckedForm])
def hold(
    request: Request,
    user: Officer,
    document_id: Annotated[str, Form()],
    reason: Annotated[str, Form()] = "",
    release: Annotated[bool, Form()] = False,
    back: Annotated[str, Form()] = "/retention/review",
) -> Response:
    """A hold set or released, from the review list or a record's page (back there)."""
    found = services(request)
    if release:
        records_office.release(found.archive, document_id, user.name, address(request))
    else:
        records_office.hold(found.archive, document_id, reason, user.name, address(request))
    return RedirectResponse(local_path(back, "/retention/review"), status_code=303)


def _schedule_page(
    request: Request, user: User, problems: list[str] | None = None, status: int = 200
) -> HTMLResponse:
    schedules = Schedules(services(request).catalog)
    return page(
        request,
        "schedule.html",
        user,
        status,
        current=schedules.current(),
        history=schedules.history(),
        problems=problems or [],
    )
