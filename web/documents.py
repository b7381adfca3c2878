"""A document's page: its metadata under their Vietnamese labels, the PDF/A open at the hit's
page, its download (the PDF/A, or the whole package as an E-ARK DIP) when the reader's role
and the document's access level allow it, what was done to it, and the OCR quality of
each page. A reader who may not download the document reads it on screen only, as page
images the server renders with a watermark (web.reading_copy): the file itself is never
sent. A document above the reader's clearance is not found, whichever way it is asked for;
every answer about a document is kept out of caches."""

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import FileResponse, HTMLResponse, StreamingResponse
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from archive_schema.access import Role, User
from archive_schema.catalog import now
from archive_schema.models import Document, Status, StoredFile
from archive_schema.review import Review
from pipelines.corrections import checking
from pipelines.package.dip import export_package
from web.parameters import Number, PageNumber, disposition
from web.reading_copy import reading_page
from web.render import page
from web.security import CurrentUser, audit, services

NO_STORE = {"Cache-Control": "no-store"}
ON_SCREEN_ONLY = "Tài liệu hạn chế sử dụng chỉ được đọc trên màn hình, không được tải về."

router = APIRouter(prefix="/documents")
SHOWN_FIELDS = (
    "code",
    "doc_type",
    "number_symbol",
    "issue_date",
    "place",
    "issuing_agency",
    "parent_agency",
    "subject",
    "authority_mark",
    "signer_title",
    "signer_name",
    "recipients",
    "secrecy",
    "urgency",
    "access_level",
    "language",
    "dossier_code",
    "ordinal",
)


@router.get("/{document_id}", response_class=HTMLResponse)
def document_page(
    request: Request,
    document_id: str,
    user: CurrentUser,
    page_number: PageNumber = 1,
) -> HTMLResponse:
    doc = readable_document(request, document_id, user)
    audit(request, user.name, "view", doc.id)
    officer = user.has(Role.RECORDS_OFFICER)
    line = Review(services(request).catalog).records([doc.id]).get(doc.id) if officer else None
    answer = page(
        request,
        "document.html",
        user,
        doc=doc,
        fields=[(name, getattr(doc, name)) for name in SHOWN_FIELDS if getattr(doc, name)],
        unsure=_unsure_fields(doc, services(request).settings.review_quality),
        # what was done to the record, its paths and tools: for those who keep the archive
        events=services(request).catalog.events(doc.id) if user.role is not Role.READER else None,
        shown_page=min(max(1, page_number), max(1, doc.page_count)),
        downloadable=user.may_download(doc.access_level),
        holdable=officer,
        hold=line.hold if line else None,
    )
    answer.headers.update(NO_STORE)
    return answer


def _unsure_fields(doc: Document, review_below: float) -> dict[str, float]:
    """The fields OCR read with a confidence a person should check."""
    return {name: c for name, c in doc.field_confidence.items() if c < review_below}


@router.get("/{document_id}/pdf")
def document_pdf(request: Request, document_id: str, user: CurrentUser) -> StreamingResponse:
    """The PDF/A in the browser's viewer, for those who may download it."""
    doc = _downloadable(request, document_id, user)
    audit(request, user.name, "view_pdf", doc.id)
    return _pdf(request, doc, inline=True)


@router.get("/{document_id}/pages/{number}.jpg")
async def reading_copy(
    request: Request, document_id: str, number: Number, user: CurrentUser
) -> Response:
    """A page as an image with the reader's name and the time across it."""
    doc = await run_in_threadpool(readable_document, request, document_id, user)
    pdf = pdfa_file(doc)
    with services(request).store.open(pdf.key) as data:
        try:
            image = await run_in_threadpool(reading_page, data, number, user.name, now())
        except IndexError:
            raise HTTPException(404, f"Tài liệu này không có trang {number}.") from None
    await run_in_threadpool(audit, request, user.name, "view_page", f"{doc.id} {number}")
    return Response(image, media_type="image/jpeg", headers=NO_STORE)


@router.get("/{document_id}/download")
def document_download(request: Request, document_id: str, user: CurrentUser) -> StreamingResponse:
    doc = _downloadable(request, document_id, user)
    audit(request, user.name, "download", doc.id)
    return _pdf(request, doc, inline=False)


@router.get("/{document_id}/package")
def document_package(request: Request, document_id: str, user: CurrentUser) -> FileResponse:
    """The record's package as an E-ARK DIP, checked against its METS as it is written."""
    doc = _downloadable(request, document_id, user)
    folder = Path(tempfile.mkdtemp(prefix="sohoa-dip-"))
    try:
        found = services(request)
        written = export_package(found.archive, doc.id, folder)
    except BaseException:
        shutil.rmtree(folder)
        raise
    audit(request, user.name, "download_package", doc.id)
    return FileResponse(
        written,
        media_type="application/zip",
        headers={"Content-Disposition": disposition(f"{doc.code or doc.id}.zip")},
        background=BackgroundTask(shutil.rmtree, folder),
    )


def _downloadable(request: Request, document_id: str, user: User) -> Document:
    doc = readable_document(request, document_id, user)
    if not user.may_download(doc.access_level):
        audit(request, user.name, "denied", f"{doc.id} {request.url.path}")
        raise HTTPException(403, ON_SCREEN_ONLY)
    return doc


class MergedAway(Exception):
    """A record merged into another (pipelines.merge): its addresses lead to that one's."""

    def __init__(self, location: str):
        super().__init__(location)
        self.location = location


def readable_document(request: Request, document_id: str, user: User) -> Document:
    """The archived document, if this user may read it; otherwise, as if there were none.
    A record this user could read that was merged into another: MergedAway to the same
    address on that one (a GET), or a refusal naming the merge (anything else)."""
    catalog = services(request).catalog
    found = list(catalog.documents(ids=[document_id]))
    if found and not user.may_read(found[0].access_level):
        audit(request, user.name, "denied", f"{document_id} {request.url.path}")
    if not found and (head := _merged_into(request, document_id, user)):
        if request.method != "GET":
            raise HTTPException(409, "Văn bản này đã được gộp vào một văn bản khác; hãy mở lại.")
        query = f"?{request.url.query}" if request.url.query else ""
        raise MergedAway(request.url.path.replace(document_id, head, 1) + query)
    if not found or not user.may_read(found[0].access_level):
        raise HTTPException(404, "Không tìm thấy tài liệu này.")
    return found[0]


def _merged_into(request: Request, document_id: str, user: User) -> str | None:
    merged = list(services(request).catalog.documents(Status.MERGED, ids=[document_id]))
    if not merged or not user.may_read(merged[0].access_level):
        return None
    return checking(services(request).archive).merged_into(document_id)


def pdfa_file(doc: Document) -> StoredFile:
    pdf = next((f for f in doc.files if f.role == "pdfa"), None)
    if pdf is None:
        raise HTTPException(404, "Tài liệu này không có bản PDF/A.")
    return pdf


def _pdf(request: Request, doc: Document, inline: bool) -> StreamingResponse:
    pdf = pdfa_file(doc)
    data = services(request).store.open(pdf.key)

    def chunks() -> Iterator[bytes]:
        with data:
            while chunk := data.read(1 << 20):
                yield chunk

    name = f"{doc.code or doc.id}.pdf"
    return StreamingResponse(
        chunks(),
        media_type="application/pdf",
        headers={
            "Content-Disposition": disposition(name, inline),
            "Content-Length": str(pdf.size),
            **NO_STORE,
        },
    )
