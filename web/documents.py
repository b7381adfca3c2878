"""A document's page: its metadata under their Vietnamese labels, the PDF/A open at the hit's
page, its download (the PDF/A, or the whole package as an E-ARK DIP) when the reader's role
and the document's access level allow it, what was done to it, and the OCR quality of
each page. A document above the reader's clearance is not found, whichever way it is
asked for."""

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, StreamingResponse
from starlette.background import BackgroundTask

from archive_schema.access import User
from archive_schema.models import Document
from pipelines.dip import export_package
from web.render import page
from web.security import CurrentUser, audit, services

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
    page_number: Annotated[int, Query(alias="page")] = 1,
) -> HTMLResponse:
    doc = _readable(request, document_id, user)
    audit(request, user.name, "view", doc.id)
    return page(
        request,
        "document.html",
        user,
        doc=doc,
        fields=[(name, getattr(doc, name)) for name in SHOWN_FIELDS if getattr(doc, name)],
        events=services(request).catalog.events(doc.id),
        shown_page=min(max(1, page_number), max(1, doc.page_count)),
        downloadable=user.may_download(doc.access_level),
    )


@router.get("/{document_id}/pdf")
def document_pdf(request: Request, document_id: str, user: CurrentUser) -> StreamingResponse:
    doc = _readable(request, document_id, user)
    audit(request, user.name, "view_pdf", doc.id)
    return _pdf(request, doc, "inline")


@router.get("/{document_id}/download")
def document_download(request: Request, document_id: str, user: CurrentUser) -> StreamingResponse:
    doc = _downloadable(request, document_id, user)
    audit(request, user.name, "download", doc.id)
    return _pdf(request, doc, "attachment")


@router.get("/{document_id}/package")
def document_package(request: Request, document_id: str, user: CurrentUser) -> FileResponse:
    """The record's package as an E-ARK DIP, checked against its METS as it is written."""
    doc = _downloadable(request, document_id, user)
    folder = Path(tempfile.mkdtemp(prefix="sohoa-dip-"))
    try:
        found = services(request)
        written = export_package(found.catalog, found.store, doc.id, folder)
    except BaseException:
        shutil.rmtree(folder)
        raise
    audit(request, user.name, "download_package", doc.id)
    return FileResponse(
        written,
        media_type="application/zip",
        filename=f"{doc.code or doc.id}.zip",
        background=BackgroundTask(shutil.rmtree, folder),
    )


def _downloadable(request: Request, document_id: str, user: User) -> Document:
    doc = _readable(request, document_id, user)
    if not user.may_download(doc.access_level):
        raise HTTPException(
            403, "Tài liệu hạn chế sử dụng chỉ được đọc trên màn hình, không được tải về."
        )
    return doc


def _readable(request: Request, document_id: str, user: User) -> Document:
    """The archived document, if this user may read it; otherwise, as if there were none."""
    found = list(services(request).catalog.documents(ids=[document_id]))
    if not found or not user.may_read(found[0].access_level):
        raise HTTPException(404, "Không tìm thấy tài liệu này.")
    return found[0]


def _pdf(request: Request, doc: Document, disposition: str) -> StreamingResponse:
    pdf = next((f for f in doc.files if f.role == "pdfa"), None)
    if pdf is None:
        raise HTTPException(404, "Tài liệu này không có bản PDF/A.")
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
            "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(name)}",
            "Content-Length": str(pdf.size),
        },
    )
