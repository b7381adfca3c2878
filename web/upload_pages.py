"""Archivists upload a batch (a zip, or a folder of scans, and a manifest if they have one),
then follow each document on the batch's page as it is processed; a failed document can
be run again. The work goes to Airflow when SOHOA_AIRFLOW_URL is set, otherwise to the
embedded worker (pipelines.uploads.queue)."""

from typing import Annotated, Any
from uuid import uuid4

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from archive_schema.access import Role, User
from archive_schema.uploads import Stage, Upload, UploadState
from pipelines.uploads.airflow import AirflowError
from pipelines.uploads.queue import follow_airflow, submit_to_airflow
from web.receive import UploadRefused, receive
from web.render import page
from web.security import CheckedForm, audit, requires, services

router = APIRouter(prefix="/uploads")
Archivist = Annotated[User, requires(Role.ARCHIVIST)]
STAGE_LABELS = {
    Stage.QUEUED: "Chờ xử lý",
    Stage.OCR: "Đang nhận dạng (OCR)",
    Stage.ARCHIVED: "Đã lưu trữ",
    Stage.FAILED: "Lỗi",
}
STATE_LABELS = {
    UploadState.QUEUED: "Chờ xử lý",
    UploadState.RUNNING: "Đang xử lý",
    UploadState.FINISHED: "Hoàn thành",
    UploadState.PROBLEMS: "Hoàn thành, có lỗi",
    UploadState.FAILED: "Không xử lý được",
}


@router.get("/new", response_class=HTMLResponse)
def upload_form(request: Request, user: Archivist) -> HTMLResponse:
    return page(request, "upload.html", user, limit=services(request).settings.upload_max_mb)


@router.post("", dependencies=[CheckedForm])
async def upload(
    request: Request,
    user: Archivist,
    files: Annotated[list[UploadFile], File()] = [],  # noqa: B006 - FastAPI copies defaults
    folder: Annotated[list[UploadFile], File()] = [],  # noqa: B006
    manifest: Annotated[UploadFile | None, File()] = None,
    split_at_blank: Annotated[bool, Form()] = False,
) -> Response:
    found = services(request)
    upload_id = uuid4().hex
    try:
        path, name = await receive(
            files + folder, manifest, found.settings.home / "uploads" / upload_id
        )
    except UploadRefused as refused:
        await run_in_threadpool(audit, request, user.name, "upload_refused", str(refused)[:500])
        return page(
            request,
            "upload.html",
            user,
            400,
            error=str(refused),
            limit=found.settings.upload_max_mb,
        )
    await run_in_threadpool(
        found.uploads.create, user.name, name, str(path), upload_id, split_at_blank
    )
    await run_in_threadpool(audit, request, user.name, "upload", f"{upload_id} {name}")
    await run_in_threadpool(hand_off, request, upload_id)
    return RedirectResponse(f"/uploads/{upload_id}", status_code=303)


@router.get("/{upload_id}", response_class=HTMLResponse)
def upload_page(request: Request, upload_id: str, user: Archivist) -> HTMLResponse:
    return page(
        request,
        "upload_progress.html",
        user,
        upload=followed(request, upload_id),
        stage_labels=STAGE_LABELS,
        state_labels=STATE_LABELS,
        Stage=Stage,
        UploadState=UploadState,
    )


@router.get("/{upload_id}/progress")
def upload_progress(request: Request, upload_id: str, user: Archivist) -> dict[str, Any]:
    """The batch's page asks for this every few seconds while it is processed."""
    found = followed(request, upload_id)
    return {
        "state": found.state,
        "state_label": STATE_LABELS[found.state],
        "done": found.state not in (UploadState.QUEUED, UploadState.RUNNING),
        "error": found.error,
        "documents": [
            {
                "name": d.name,
                "stage": d.stage,
                "label": STAGE_LABELS[d.stage],
                "reason": d.reason,
                "document_id": d.document_id,
            }
            for d in found.documents
        ],
    }


@router.post("/{upload_id}/rerun", dependencies=[CheckedForm])
def rerun(request: Request, upload_id: str, user: Archivist) -> Response:
    """Process the batch again: what failed is tried again, what is archived is skipped."""
    if services(request).uploads.requeue(upload_id):
        audit(request, user.name, "rerun", upload_id)
        hand_off(request, upload_id)
    return RedirectResponse(f"/uploads/{upload_id}", status_code=303)


def hand_off(request: Request, upload_id: str) -> None:
    found = services(request)
    if not found.settings.airflow_configured:
        found.start_upload_worker()
        return
    upload = _upload(request, upload_id)
    try:
        submit_to_airflow(upload, found.archive, found.uploads)
    except AirflowError as error:  # refused, or unreachable: the archivist sees why
        found.uploads.finish(upload_id, UploadState.FAILED, error=error.vi or str(error))


def followed(request: Request, upload_id: str) -> Upload:
    """The upload, its stages brought up to date from Airflow when it runs there."""
    found = services(request)
    upload = _upload(request, upload_id)
    if upload.airflow_run:
        try:
            follow_airflow(upload, found.archive, found.uploads)
        except AirflowError as error:  # Airflow away for a moment: show what is known
            return Upload(**{**upload.__dict__, "error": error.vi or str(error)})
        upload = _upload(request, upload_id)
    return upload


def _upload(request: Request, upload_id: str) -> Upload:
    upload = services(request).uploads.get(upload_id)
    if upload is None:
        raise HTTPException(404, "Không có lô tải lên này.")
    return upload
