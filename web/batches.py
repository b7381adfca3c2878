"""The batches received, with their counts and state, and each one's report: what the
manifest said against what came, and what was set aside (quarantined) with the reason."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from archive_schema.access import Role, User
from archive_schema.uploads import Stage
from pipelines.ingest.report import BatchReport, Outcome
from pipelines.package.layout import quarantine_prefix
from web.parameters import whole_number
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
def batch_list(
    request: Request, user: Staff, page_number: Annotated[str, Query(alias="page")] = ""
) -> HTMLResponse:
    found = services(request)
    batches = found.catalog.batches_page(whole_number(page_number) or 1)
    return page(
        request,
        "batches.html",
        user,
        uploads=found.uploads.newest(20),
        batches=batches,
        reports={r.id: BatchReport.model_validate(r.report) for r in batches.items if r.report},
        summary=summary,
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
    kept = sorted(found.store.keys(quarantine_prefix(batch_id)))
    return page(
        request,
        "batch.html",
        user,
        record=record,
        report=report,
        summary=summary,
        quarantined=kept,
        outcome_labels=OUTCOME_LABELS,
        Outcome=Outcome,
    )


def summary(report: BatchReport) -> str:
    """How many documents ended how, in Vietnamese: '4 đã lưu trữ, 1 cách ly'."""
    counts = [f"{report.count(o)} {OUTCOME_LABELS[o].lower()}" for o in Outcome if report.count(o)]
    return ", ".join(counts) or "lô không có văn bản nào"
