"""The batches received, with their counts and state, and each one's report: what the
manifest said against what came, and what was set aside (quarantined) with the reason."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from archive_schema.access import Role, User
from archive_schema.uploads import Stage
from pipelines.report import BatchReport, Outcome
from web.render import page
from web.security import requires, services
from web.upload_pages import STATE_LABELS

router = APIRouter(prefix="/batches")
Staff = Annotated[User, requires(Role.ARCHIVIST, Role.RECORDS_OFFICER)]
OUTCOME_LABELS = {
    Outcome.ARCHIVED: "Đã lưu trữ",
    Outcome.ALREADY_ARCHIVED: "Đã có trong kho",
    Outcome.QUARANTINED: "Cách ly",
    Outcome.FAILED: "Lỗi",
}


@router.get("", response_class=HTMLResponse)
def batch_list(request: Request, user: Staff) -> HTMLResponse:
    found = services(request)
    batches = [
        (record, BatchReport.model_validate(record.report) if record.report else None)
        for record in found.catalog.batches()
    ]
    return page(
        request,
        "batches.html",
        user,
        uploads=found.uploads.newest(20),
        batches=batches,
        state_labels=STATE_LABELS,
        Stage=Stage,
    )


@router.get("/{batch_id}", response_class=HTMLResponse)
def batch_report(request: Request, batch_id: str, user: Staff) -> HTMLResponse:
    found = services(request)
    records = found.catalog.batches(ids=[batch_id])
    if not records:
        raise HTTPException(404, "Không có lô này.")
    record = records[0]
    report = BatchReport.model_validate(record.report) if record.report else None
    kept = sorted(found.store.keys(f"batches/{batch_id}/quarantine/"))
    return page(
        request,
        "batch.html",
        user,
        record=record,
        report=report,
        quarantined=kept,
        outcome_labels=OUTCOME_LABELS,
        Outcome=Outcome,
    )
