"""The REST API for e-office software (phần mềm quản lý văn bản và điều hành) and other
client systems, at /api: a document handed over with its metadata (NĐ 30/2020, Phụ lục VI),
a batch zip, or an E-ARK SIP, each archived as an upload is and followed at the URL the
answer gives; search; a record's metadata, its PDF and its DIP. JSON in and out, errors
naming the field. Each call carries a client system's token (`Authorization: Bearer …`,
`sohoa token add`), is audited under its name, sees only what its clearance allows, and
counts against SOHOA_API_CALLS_PER_MINUTE. The OpenAPI document is /api/docs."""

import csv
import shutil
import tempfile
import time
from collections import deque
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal
from uuid import uuid4

from fastapi import Depends, FastAPI, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from archive_schema.access import Role, User
from archive_schema.errors import UserError
from archive_schema.models import Document
from archive_schema.vocab import doc_type_named
from indexing.base import SearchQuery
from pipelines.ingest.sip import sip_batch
from pipelines.package.dip import export_package
from web.documents import pdfa_file
from web.receive import UploadRefused, receive
from web.security import address, services
from web.upload_pages import followed, hand_off

API_PATHS = "/api/"
UPLOAD_PATHS = ("/api/v1/documents", "/api/v1/batches", "/api/v1/sips")
bearer = HTTPBearer(auto_error=False)


class Problem(BaseModel):
    """An error: what is wrong, in Vietnamese, and where (for 422, each field's)."""

    detail: str | list[dict[str, Any]]


class Handover(BaseModel):
    """A document's metadata as e-office software sends it (NĐ 30/2020, Phụ lục VI); every
    field may be left out, and is then read from the document itself."""

    model_config = ConfigDict(extra="forbid")

    number_symbol: str | None = Field(None, max_length=60, description="Số, ký hiệu")
    issue_date: date | None = Field(None, description="Ngày tháng năm văn bản")
    doc_type: str | None = Field(None, description="Tên loại văn bản")
    subject: str | None = Field(None, max_length=2000, description="Trích yếu nội dung")
    issuing_agency: str | None = Field(None, max_length=200, description="Tên cơ quan ban hành")
    parent_agency: str | None = Field(None, max_length=200, description="Cơ quan chủ quản")
    place: str | None = Field(None, max_length=200, description="Địa danh")
    signer_title: str | None = Field(None, max_length=300, description="Chức vụ người ký")
    signer_name: str | None = Field(None, max_length=200, description="Họ tên người ký")
    recipients: list[str] = Field(default_factory=list, max_length=200, description="Nơi nhận")
    secrecy: str | None = Field(None, max_length=30, description="Độ mật")
    urgency: str | None = Field(None, max_length=30, description="Độ khẩn")
    dossier_code: str | None = Field(None, max_length=60, description="Mã hồ sơ")
    ordinal: int | None = Field(None, ge=1, le=1_000_000, description="Số thứ tự trong hồ sơ")
    access_level: Literal["public", "internal", "restricted", "secret"] | None = None
    retention_row: str | None = Field(None, max_length=20, description="Điều khoản bảo quản")

    @field_validator("doc_type")
    @classmethod
    def _known_type(cls, value: str | None) -> str | None:
        if value is not None and doc_type_named(value) is None:
            raise ValueError(f"'{value}' không phải tên loại văn bản")
        return value


class Accepted(BaseModel):
    upload: str
    status: str  # the URL to follow it at


class DocumentStage(BaseModel):
    name: str
    stage: str  # queued, ocr, archived, failed
    reason: str | None
    document: str | None  # the record's id, once archived


class UploadState(BaseModel):
    upload: str
    state: str  # queued, running, finished, problems, failed
    batch: str | None
    error: str | None
    documents: list[DocumentStage]


class Found(BaseModel):
    id: str
    page: int
    doc_type: str | None
    number_symbol: str | None
    issue_date: date | None
    issuing_agency: str | None
    subject: str | None
    signer_name: str | None
    # where the query matched: number_symbol, doc_type, subject, issuing_agency,
    # signer_name, then text (the page it opens at)
    matched: list[str]
    snippet: str


class SearchAnswer(BaseModel):
    total: int
    hits: list[Found]


ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem} for status in (401, 403, 404, 413, 422, 429)
}
api = FastAPI(
    title="sohoa API",
    version="1",
    description=__doc__,
    docs_url=None,
    redoc_url=None,
    openapi_url="/docs",
    responses=ERRORS,
)


def token_holder(request: Request) -> User | None:
    """The client system whose live token the request carries, if any."""
    scheme, _, secret = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return services(request).tokens.holder(secret.strip())


def client(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> User:
    """The client system whose live token the call carries; 401 otherwise, 429 past its
    calls a minute. (`credentials` is for the OpenAPI document: the header is read here.)"""
    found = services(request)
    user = token_holder(request)
    if user is None:
        found.audit_log.record(None, "api_refused", request.url.path, address(request))
        raise HTTPException(
            401,
            "Thiếu mã truy cập, hoặc mã đã bị thu hồi (Authorization: Bearer …).",
            headers={"WWW-Authenticate": "Bearer"},
        )
    _count_call(request, user.name, found.settings.api_calls_per_minute)
    return user


Client = Annotated[User, Depends(client)]


def uploader(request: Request, user: Client) -> User:
    if not user.has(Role.ARCHIVIST):
        _audit(request, user, "api_refused", request.url.path)
        raise HTTPException(403, "Mã truy cập này không được giao nộp tài liệu.")
    return user


Uploader = Annotated[User, Depends(uploader)]


@api.post("/v1/documents", status_code=202, response_model=Accepted)
async def hand_over_document(
    request: Request,
    user: Uploader,
    file: Annotated[UploadFile, File(description="The document: a PDF, or a scan")],
    metadata: Annotated[str, Form(description="Its metadata, a JSON object (Handover)")] = "{}",
) -> JSONResponse:
    """A document with its metadata; the fields given win over what is read from it."""
    try:
        given = Handover.model_validate_json(metadata)
    except ValidationError as error:
        raise HTTPException(
            422, [{"loc": ["metadata", *e["loc"]], "msg": e["msg"]} for e in error.errors()]
        ) from None
    values = given.model_dump(exclude_none=True, exclude_defaults=True, mode="json")

    def with_manifest(batch: Path) -> None:
        """The metadata as the batch's manifest: one row, for the one document."""
        [document] = [p for p in batch.iterdir() if p.is_file()]
        row = {k: "; ".join(v) if isinstance(v, list) else str(v) for k, v in values.items()}
        with (batch / "manifest.csv").open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["file", *row])
            writer.writerow([document.name, *row.values()])

    return await _accepted(request, user, "api_upload", [file], with_manifest)


@api.post("/v1/batches", status_code=202, response_model=Accepted)
async def hand_over_batch(
    request: Request,
    user: Uploader,
    file: Annotated[UploadFile, File(description="The batch: a zip of scans and documents")],
    split_at_blank: Annotated[bool, Form(description="Cut files at blank pages")] = False,
) -> JSONResponse:
    """A batch, as the web's upload form takes one (a manifest inside it, if any)."""
    return await _accepted(request, user, "api_upload", [file], None, split_at_blank)


@api.post("/v1/sips", status_code=202, response_model=Accepted)
async def hand_over_sip(
    request: Request,
    user: Uploader,
    file: Annotated[UploadFile, File(description="An E-ARK SIP, zipped")],
) -> JSONResponse:
    """An E-ARK SIP: every file checked against its METS before anything is taken."""
    upload_id = uuid4().hex
    target = services(request).settings.home / "uploads" / upload_id
    target.mkdir(parents=True)
    try:
        with (target / "sip.zip").open("wb") as out:
            while chunk := await file.read(1 << 20):
                out.write(chunk)
        batch = await run_in_threadpool(sip_batch, target / "sip.zip", target)
    except UserError as error:
        shutil.rmtree(target, ignore_errors=True)
        _audit(request, user, "api_refused", f"{file.filename}: {error}")
        raise HTTPException(422, error.vi or str(error)) from None
    return await _queued(request, user, upload_id, batch, file.filename or "sip.zip", False)


@api.get("/v1/uploads/{upload_id}", response_model=UploadState)
def upload_status(request: Request, upload_id: str, user: Client) -> UploadState:
    found = services(request).uploads.get(upload_id)
    if found is None or found.user != user.name:
        raise HTTPException(404, "Không có lần giao nộp này.")
    upload = followed(request, upload_id)
    _audit(request, user, "api_status", upload_id)
    return UploadState(
        upload=upload.id,
        state=upload.state,
        batch=upload.batch_id,
        error=upload.error,
        documents=[
            DocumentStage(name=d.name, stage=d.stage, reason=d.reason, document=d.document_id)
            for d in upload.documents
        ],
    )


@api.get("/v1/search", response_model=SearchAnswer)
def search(
    request: Request,
    user: Client,
    q: Annotated[str, Query(min_length=1, max_length=500)],
    doc_type: Annotated[str | None, Query(max_length=100)] = None,
    year: Annotated[int | None, Query(ge=1, le=9999)] = None,
    agency: Annotated[str | None, Query(max_length=200)] = None,
    signed: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> SearchAnswer:
    """The query language of the web's search, within the token's clearance."""
    query = SearchQuery(
        q,
        user.readable_levels,
        doc_type=doc_type,
        year=year,
        issuing_agency=agency,
        signed=signed,
        limit=limit,
        offset=offset,
    )
    results = services(request).search().search(query)
    _audit(request, user, "api_search", q[:200])
    return SearchAnswer(
        total=results.total,
        hits=[
            Found(
                id=hit.document_id,
                page=hit.page,
                doc_type=hit.doc_type,
                number_symbol=hit.number_symbol,
                issue_date=hit.issue_date,
                issuing_agency=hit.issuing_agency,
                subject=hit.subject,
                signer_name=hit.signer_name,
                matched=list(hit.matched),
                snippet=hit.snippet.text,
            )
            for hit in results.hits
        ],
    )


@api.get("/v1/documents/{document_id}", response_model=Document)
def record(request: Request, document_id: str, user: Client) -> Document:
    """A record's metadata: its fields, pages, files, retention and signatures."""
    doc = _readable(request, document_id, user)
    _audit(request, user, "api_view", doc.id)
    return doc


@api.get("/v1/documents/{document_id}/pdf", response_class=StreamingResponse)
def record_pdf(request: Request, document_id: str, user: Client) -> StreamingResponse:
    doc = _downloadable(request, document_id, user)
    data = services(request).store.open(pdfa_file(doc).key)

    def chunks() -> Any:
        with data:
            while chunk := data.read(1 << 20):
                yield chunk

    _audit(request, user, "api_download", doc.id)
    return StreamingResponse(chunks(), media_type="application/pdf")


@api.get("/v1/documents/{document_id}/dip", response_class=FileResponse)
def record_dip(request: Request, document_id: str, user: Client) -> FileResponse:
    """The record as an E-ARK DIP (a zip)."""
    doc = _downloadable(request, document_id, user)
    folder = Path(tempfile.mkdtemp(prefix="sohoa-api-dip-"))
    try:
        written = export_package(services(request).archive, doc.id, folder)
    except BaseException:
        shutil.rmtree(folder)
        raise
    _audit(request, user, "api_download", f"{doc.id} dip")
    return FileResponse(
        written, media_type="application/zip", background=BackgroundTask(shutil.rmtree, folder)
    )


@api.exception_handler(UserError)
async def refused(request: Request, error: UserError) -> JSONResponse:
    return JSONResponse({"detail": error.vi or str(error)}, status_code=422)


async def _accepted(
    request: Request,
    user: User,
    action: str,
    files: list[UploadFile],
    prepare: Any,
    split_at_blank: bool = False,
) -> JSONResponse:
    upload_id = uuid4().hex
    target = services(request).settings.home / "uploads" / upload_id
    try:
        path, name = await receive(files, None, target)
    except UploadRefused as refused_upload:
        _audit(request, user, "api_refused", str(refused_upload)[:500])
        raise HTTPException(422, str(refused_upload)) from None
    if prepare is not None:
        prepare(path)
    _audit(request, user, action, f"{upload_id} {name}")
    return await _queued(request, user, upload_id, path, name, split_at_blank)


async def _queued(
    request: Request, user: User, upload_id: str, path: Path, name: str, split_at_blank: bool
) -> JSONResponse:
    found = services(request)
    await run_in_threadpool(
        found.uploads.create, user.name, name, str(path), upload_id, split_at_blank
    )
    await run_in_threadpool(hand_off, request, upload_id)
    status = f"/api/v1/uploads/{upload_id}"
    body = Accepted(upload=upload_id, status=status).model_dump()
    return JSONResponse(body, status_code=202, headers={"Location": status})


def _readable(request: Request, document_id: str, user: User) -> Document:
    found = list(services(request).catalog.documents(ids=[document_id]))
    if not found or not user.may_read(found[0].access_level):
        raise HTTPException(404, "Không tìm thấy tài liệu này.")
    doc = found[0]
    doc.events = []
    return doc


def _downloadable(request: Request, document_id: str, user: User) -> Document:
    doc = _readable(request, document_id, user)
    if not user.may_download(doc.access_level):
        raise HTTPException(403, "Mã truy cập này chỉ được đọc, không được tải tài liệu này.")
    return doc


def _audit(request: Request, user: User, action: str, target: str) -> None:
    services(request).audit_log.record(user.name, action, target, address(request))


_calls: dict[str, deque[float]] = {}


def _count_call(request: Request, name: str, per_minute: int) -> None:
    """429, with when to try again, past `per_minute` calls of one token in a minute (in
    this process: each server of several counts its own)."""
    now = time.monotonic()
    calls = _calls.setdefault(name, deque())
    while calls and calls[0] <= now - 60:
        calls.popleft()
    if len(calls) >= per_minute:
        wait = int(calls[0] + 60 - now) + 1
        raise HTTPException(
            429,
            f"Quá {per_minute} lần gọi một phút: hãy thử lại sau {wait} giây.",
            headers={"Retry-After": str(wait)},
        )
    calls.append(now)
