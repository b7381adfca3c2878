"""Quality control on the web ("Kiểm tra chất lượng"), for archivists: the queue of records
to check, of one batch or of the whole archive, worst first; and a record's review screen,
the page drawn by the server from the PDF/A beside the fields, the field being edited
marked on the scan, each field's history, "save and next" and keyboard shortcuts; the
correction of a page's text; a re-scan of a page or of the whole record; a split of a
record into several, or records of a batch merged into one; and the batch's acceptance
(nghiệm thu) with its record."""

from pathlib import Path as FilePath
from tempfile import TemporaryDirectory
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Path, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from archive_schema.access import Role, User
from archive_schema.checking import CORRECTABLE, REASONS
from archive_schema.errors import UserError
from archive_schema.models import Document
from archive_schema.spreadsheets import MEDIA_TYPES
from pipelines.acceptance import accept_batch, acceptance_workbook
from pipelines.corrections import checking, correct, correct_many, correct_page, field_places
from pipelines.package.layout import PDF
from pipelines.records_office import acts as records_office
from web.documents import NO_STORE, pdfa_file, readable_document
from web.parameters import Number, disposition, whole_number
from web.reading_copy import jpeg, page_image
from web.render import page
from web.security import CheckedForm, address, requires, services

router = APIRouter(prefix="/quality")
Archivist = Annotated[User, requires(Role.ARCHIVIST)]
# zoom step -> (the page's width, in % of its column; the scale of 72 dpi it is drawn at)
ZOOMS = {1: (100, 1.25), 2: (150, 1.9), 3: (200, 2.5), 4: (300, 3.75)}
DEFAULT_ZOOM = 1
BULK_FIELDS = ("dossier_code", "access_level")  # and, for the records office, retention_row
Batch = Annotated[str, Query(max_length=32, pattern=r"^[0-9a-f]*$")]
BatchId = Annotated[str, Path(max_length=32, pattern=r"^[0-9a-f]+$")]


@router.get("", response_class=HTMLResponse)
def queue_page(
    request: Request,
    user: Archivist,
    batch: Batch = "",
    page_number: Annotated[str, Query(alias="page")] = "",
    checked: bool = False,
) -> HTMLResponse:
    found = checking(services(request).archive)
    return page(
        request,
        "quality.html",
        user,
        lines=found.queue(
            batch or None, whole_number(page_number) or 1, user.readable_levels, checked
        ),
        progress=found.progress(batch or None),
        acceptance=found.acceptance(batch) if batch else None,
        batch=batch,
        checked=checked,
        REASONS=REASONS,
        bulk_fields=[*BULK_FIELDS, *(["retention_row"] if user.has(Role.RECORDS_OFFICER) else [])],
    )


@router.post("/{document_id}/rescan", dependencies=[CheckedForm])
async def rescan_page(
    request: Request,
    document_id: str,
    user: Archivist,
    file: UploadFile,
    page: Annotated[str, Form(max_length=9)] = "",
    batch: Annotated[str, Form(max_length=32, pattern=r"^[0-9a-f]*$")] = "",
) -> Response:
    """A page (`page`), or the whole record (no page), replaced by a new scan, OCRed now."""
    from pipelines.rescan import rescan  # the OCR stack: loaded by a re-scan, not by the web

    doc = await run_in_threadpool(readable_document, request, document_id, user)
    number = whole_number(page) if page else None
    if page and number is None:
        raise HTTPException(400, f"Số trang '{page}' không hợp lệ.")
    found = services(request)
    with TemporaryDirectory(prefix="sohoa-rescan-upload-") as work:
        scan = FilePath(work) / "scan"
        with scan.open("wb") as out:  # at most the uploaders' cap (web.middleware)
            while chunk := await file.read(1 << 20):
                out.write(chunk)
        name = file.filename or "scan"
        try:
            await run_in_threadpool(
                rescan, found.archive, doc.id, scan, name, number, user.name, address(request)
            )
        except UserError as error:
            return _check_page(request, user, doc, batch, number or 1, DEFAULT_ZOOM, error.vi)
    query = f"&batch={batch}" if batch else ""
    return RedirectResponse(f"/quality/{doc.id}?page={number or 1}{query}", status_code=303)


@router.post("/{document_id}/split", dependencies=[CheckedForm])
def split_record(
    request: Request,
    document_id: str,
    user: Archivist,
    pages: Annotated[str, Form(max_length=200)],
    batch: Annotated[str, Form(max_length=32, pattern=r"^[0-9a-f]*$")] = "",
) -> Response:
    """The record cut before each page of `pages` ("3, 5"): each part a record of its own."""
    from pipelines.split import split  # the PDF/A's pages: pikepdf, loaded by a split only

    doc = readable_document(request, document_id, user)
    starts = [whole_number(part) for part in pages.replace(",", " ").split()]
    try:
        if not starts or None in starts:
            raise UserError(
                f"pages {pages!r}",
                f"Tách tại trang: '{pages}' không phải các số trang, ví dụ 3, 5.",
            )
        cuts = [n for n in starts if n]
        split(services(request).archive, doc.id, cuts, user.name, address(request))
    except UserError as error:
        return _check_page(request, user, doc, batch, 1, DEFAULT_ZOOM, error.vi)
    query = f"?batch={batch}" if batch else ""
    return RedirectResponse(f"/quality/{doc.id}{query}", status_code=303)


@router.post("/{document_id}/merge", dependencies=[CheckedForm])
def merge_records(
    request: Request,
    document_id: str,
    user: Archivist,
    others: Annotated[list[str], Form(max_length=200)] = [],  # noqa: B006 (FastAPI copies it)
    batch: Annotated[str, Form(max_length=32, pattern=r"^[0-9a-f]*$")] = "",
) -> Response:
    """The records ticked (`others`, of the same batch) joined after this one, in order."""
    from pipelines.merge import merge  # the PDF/As' pages: pikepdf, loaded by a merge only

    doc = readable_document(request, document_id, user)
    chosen = [readable_document(request, other, user).id for other in others]
    try:
        merge(services(request).archive, [doc.id, *chosen], user.name, address(request))
    except UserError as error:
        return _check_page(request, user, doc, batch, 1, DEFAULT_ZOOM, error.vi)
    query = f"?batch={batch}" if batch else ""
    return RedirectResponse(f"/quality/{doc.id}{query}", status_code=303)


@router.post("/bulk", dependencies=[CheckedForm])
def bulk_edit(
    request: Request,
    user: Archivist,
    field: Annotated[str, Form()],
    value: Annotated[str, Form(max_length=200)],
    ids: Annotated[list[str], Form(max_length=1000)] = [],  # noqa: B006 (FastAPI copies it)
    batch: Annotated[str, Form(max_length=32, pattern=r"^[0-9a-f]*$")] = "",
) -> Response:
    """One field set for the records ticked in the queue: a dossier, an access level; for
    the records office, a retention row (their reclassification)."""
    found = services(request)
    if field == "retention_row" and user.has(Role.RECORDS_OFFICER):
        records_office.assign_row(found.archive, ids, value, user.name, address(request))
    elif field in BULK_FIELDS:
        correct_many(found.archive, ids, field, value, user, address(request))
    else:
        raise HTTPException(400, "Trường này không sửa hàng loạt được.")
    return RedirectResponse(f"/quality?batch={batch}" if batch else "/quality", status_code=303)


@router.post("/batches/{batch_id}/accept", dependencies=[CheckedForm])
def accept(request: Request, batch_id: BatchId, user: Archivist) -> Response:
    """Nghiệm thu: refused, in Vietnamese, while a record is unchecked or to one who checked."""
    accept_batch(services(request).archive, batch_id, user.name, address(request))
    return RedirectResponse(f"/quality?batch={batch_id}", status_code=303)


@router.get("/batches/{batch_id}/acceptance.pdf")
def acceptance_record(request: Request, batch_id: BatchId, user: Archivist) -> Response:
    found = services(request)
    acceptance = checking(found.archive).acceptance(batch_id)
    if acceptance is None:
        raise HTTPException(404, "Lô này chưa được nghiệm thu.")
    with found.store.open(acceptance.record_key) as data:
        record = data.read()
    name = f"bien-ban-nghiem-thu-{batch_id[:12]}.pdf"
    return Response(record, media_type=PDF, headers={"Content-Disposition": disposition(name)})


@router.get("/batches/{batch_id}/acceptance.xlsx")
def acceptance_sheet(request: Request, batch_id: BatchId, user: Archivist) -> Response:
    workbook = acceptance_workbook(services(request).archive, batch_id)
    name = f"nghiem-thu-{batch_id[:12]}.xlsx"
    headers = {"Content-Disposition": disposition(name)}
    return Response(workbook, media_type=MEDIA_TYPES[".xlsx"], headers=headers)


@router.get("/{document_id}", response_class=HTMLResponse)
def check_page(
    request: Request,
    document_id: str,
    user: Archivist,
    batch: Batch = "",
    page_number: Annotated[str, Query(alias="page")] = "",
    zoom: Annotated[int, Query(ge=1, le=max(ZOOMS))] = DEFAULT_ZOOM,
) -> HTMLResponse:
    doc = readable_document(request, document_id, user)
    shown = min(whole_number(page_number) or 1, max(1, doc.page_count))
    return _check_page(request, user, doc, batch, shown, zoom)


@router.get("/{document_id}/pages/{number}.jpg")
async def page_picture(
    request: Request,
    document_id: str,
    number: Number,
    user: Archivist,
    zoom: Annotated[int, Query(ge=1, le=max(ZOOMS))] = DEFAULT_ZOOM,
) -> Response:
    """The page as scanned, from the PDF/A, without a watermark: those who check the
    archive see what is in it."""
    doc = await run_in_threadpool(readable_document, request, document_id, user)
    with services(request).store.open(pdfa_file(doc).key) as data:
        try:
            image = await run_in_threadpool(page_image, data, number, ZOOMS[zoom][1])
        except IndexError:
            raise HTTPException(404, f"Tài liệu này không có trang {number}.") from None
    picture = await run_in_threadpool(jpeg, image)
    return Response(picture, media_type="image/jpeg", headers=NO_STORE)


@router.post("/{document_id}", response_class=HTMLResponse, dependencies=[CheckedForm])
async def save(request: Request, document_id: str, user: Archivist) -> Response:
    """The fields as the archivist left them, saved; then the next record of the queue."""
    form = await request.form()
    given = {name: str(form[name]) for name in CORRECTABLE if name in form}
    batch = str(form.get("batch", ""))
    batch = batch if batch.isalnum() and len(batch) <= 32 else ""
    revision = whole_number(str(form.get("revision", "")), 0)
    found = services(request)
    doc = await run_in_threadpool(readable_document, request, document_id, user)
    try:
        if revision is None:
            raise UserError("no revision", "Biểu mẫu thiếu phiên bản; hãy tải lại trang.")
        await run_in_threadpool(
            correct, found.archive, doc.id, revision, given, user.name, address(request)
        )
    except UserError as error:
        shown = whole_number(str(form.get("page", ""))) or 1
        return _check_page(request, user, doc, batch, shown, DEFAULT_ZOOM, error.vi, given)
    after = checking(found.archive).next_to_check(batch or None, doc.id, user.readable_levels)
    query = f"?batch={batch}" if batch else ""
    target = f"/quality/{after}{query}" if after else f"/quality{query}"
    return RedirectResponse(target, status_code=303)


@router.post("/{document_id}/pages/{number}/text", dependencies=[CheckedForm])
def save_text(
    request: Request,
    document_id: str,
    number: Number,
    user: Archivist,
    text: Annotated[str, Form(max_length=200_000)],
    revision: Annotated[int, Form(ge=0)],
    batch: Annotated[str, Form(max_length=32, pattern=r"^[0-9a-f]*$")] = "",
) -> Response:
    """A page's text as the archivist corrected it; back to the same page."""
    doc = readable_document(request, document_id, user)
    found = services(request)
    try:
        correct_page(found.archive, doc.id, revision, number, text, user.name, address(request))
    except UserError as error:
        return _check_page(request, user, doc, batch, number, DEFAULT_ZOOM, error.vi)
    query = f"&batch={batch}" if batch else ""
    return RedirectResponse(f"/quality/{doc.id}?page={number}{query}", status_code=303)


def _check_page(
    request: Request,
    user: User,
    doc: Document,
    batch: str,
    shown: int,
    zoom: int,
    problem: str | None = None,
    given: dict[str, str] | None = None,
) -> HTMLResponse:
    found = services(request)
    archive = found.archive
    checks = checking(archive)
    answer = page(
        request,
        "check.html",
        user,
        400 if problem else 200,
        doc=doc,
        fields=CORRECTABLE,
        typed=given or {},
        problem=problem,
        revision=checks.revision(doc.id),
        history=checks.history(doc.id),
        neighbours=checks.neighbours(doc, user.readable_levels),
        places=field_places(archive, doc, shown),
        unsure={n: c for n, c in doc.field_confidence.items() if c < found.settings.review_quality},
        batch=batch,
        shown_page=shown,
        zoom=zoom,
        zooms=ZOOMS,
    )
    answer.headers.update(NO_STORE)
    return answer
