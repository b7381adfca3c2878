"""Destruction on the web: proposals from the review list, the council's votes, execution,
the destruction record (biên bản), tombstones, and readmission."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from archive_schema.access import Role, User
from archive_schema.disposal import STATE_LABELS, Disposals, State
from archive_schema.errors import UserError
from archive_schema.paging import PER_PAGE, Paged
from archive_schema.review import Review
from pipelines.records_office.destruction import execute
from web.parameters import Number, disposition, whole_number
from web.render import page
from web.security import CheckedForm, address, requires, services

router = APIRouter()
Officer = Annotated[User, requires(Role.RECORDS_OFFICER)]
Involved = Annotated[User, requires(Role.RECORDS_OFFICER, Role.COUNCIL)]
Council = Annotated[User, requires(Role.COUNCIL)]


@router.get("/disposals", response_class=HTMLResponse)
def proposals_page(
    request: Request,
    user: Involved,
    page_number: Annotated[str, Query(alias="page")] = "",
    tombstones_page: str = "",
) -> HTMLResponse:
    disposals = _disposals(request)
    return page(
        request,
        "disposals.html",
        user,
        proposals=disposals.proposals_page(whole_number(page_number) or 1),
        tombstones=disposals.tombstones_page(whole_number(tombstones_page) or 1),
        labels=STATE_LABELS,
    )


@router.post("/disposals", dependencies=[CheckedForm])
def propose(
    request: Request,
    user: Officer,
    ids: Annotated[list[str], Form()],
    note: Annotated[str, Form()] = "",
) -> Response:
    proposal = _disposals(request).propose(ids, note, user, date.today(), address(request))
    return RedirectResponse(f"/disposals/{proposal.id}", status_code=303)


@router.post("/disposals/readmit", dependencies=[CheckedForm])
def readmit(
    request: Request,
    user: Officer,
    document_id: Annotated[str, Form()],
    reason: Annotated[str, Form()] = "",
) -> Response:
    """Let a destroyed record's content be archived again: the records office's act."""
    _disposals(request).readmit(document_id, reason, user, address(request))
    return RedirectResponse("/disposals", status_code=303)


@router.get("/disposals/{number}", response_class=HTMLResponse)
def proposal_page(
    request: Request,
    number: Number,
    user: Involved,
    page_number: Annotated[str, Query(alias="page")] = "",
) -> HTMLResponse:
    disposals = _disposals(request)
    proposal = disposals.proposal(number)
    at = whole_number(page_number) or 1
    shown = proposal.documents[(at - 1) * PER_PAGE : at * PER_PAGE]
    return page(
        request,
        "disposal.html",
        user,
        proposal=proposal,
        shown=Paged(shown, len(proposal.documents), at),
        records=Review(services(request).catalog).records(shown),
        tombstones={t.document_id: t for t in disposals.tombstones(number, ids=shown)},
        quorum=disposals.quorum,
        labels=STATE_LABELS,
        State=State,
    )


@router.post("/disposals/{number}/vote", dependencies=[CheckedForm])
def vote(
    request: Request,
    number: Number,
    user: Council,
    approve: Annotated[bool, Form()],
    comment: Annotated[str, Form()] = "",
) -> Response:
    _disposals(request).vote(number, user, approve, comment, address(request))
    return RedirectResponse(f"/disposals/{number}", status_code=303)


@router.post("/disposals/{number}/execute", dependencies=[CheckedForm])
def execute_proposal(
    request: Request, number: Number, user: Officer, confirm: Annotated[str, Form()] = ""
) -> Response:
    """Destruction cannot be undone: the officer types the proposal's number to confirm."""
    if confirm.strip() != str(number):
        raise UserError(
            f"execution of proposal {number} not confirmed",
            f"Chưa xác nhận: gõ số đề nghị ({number}) vào ô xác nhận để thực hiện hủy.",
        )
    found = services(request)
    execute(found.archive, number, user, address(request))
    return RedirectResponse(f"/disposals/{number}", status_code=303)


@router.post("/disposals/{number}/withdraw", dependencies=[CheckedForm])
def withdraw(
    request: Request, number: Number, user: Officer, reason: Annotated[str, Form()] = ""
) -> Response:
    _disposals(request).withdraw(number, reason, user, address(request))
    return RedirectResponse(f"/disposals/{number}", status_code=303)


@router.get("/disposals/{number}/record.pdf")
def destruction_record(request: Request, number: Number, user: Involved) -> Response:
    proposal = _disposals(request).proposal(number)
    if proposal.record_key is None:
        return RedirectResponse(f"/disposals/{number}", status_code=303)
    with services(request).store.open(proposal.record_key) as stored:
        data = stored.read()
    headers = {"Content-Disposition": disposition(f"bien-ban-huy-{number}.pdf", inline=True)}
    return Response(data, media_type="application/pdf", headers=headers)


def _disposals(request: Request) -> Disposals:
    found = services(request)
    return Disposals(found.catalog, found.settings.disposal_quorum)
