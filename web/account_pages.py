"""Account administration (quản trị người dùng), for administrators: the users with their
role, clearance and state; adding one; changing the role or clearance; disabling and
enabling; resetting the password (the user must change it at their next login);
unlocking; ending every session. Each act is audited and, where it changes what the user
may do, ends their sessions (archive_schema.accounts)."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from archive_schema.access import Role, User
from archive_schema.vocab import ACCESS_LEVELS
from web.render import page
from web.security import CheckedForm, address, requires, services

router = APIRouter(prefix="/admin/users")
Admin = Annotated[User, requires(Role.ADMIN)]


@router.get("", response_class=HTMLResponse)
def users_page(request: Request, user: Admin) -> HTMLResponse:
    return page(request, "users.html", user, accounts=services(request).accounts.accounts())


@router.post("", dependencies=[CheckedForm])
def add_user(
    request: Request,
    user: Admin,
    name: Annotated[str, Form()],
    role: Annotated[Role, Form()],
    clearance: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """A new user with a temporary password, shown once, to change at the first login."""
    added, temporary = services(request).accounts.invite(
        name.strip().lower(), role, clearance or None, user.name, address(request)
    )
    return _account_page(request, user, added.name, temporary)


@router.get("/{name}", response_class=HTMLResponse)
def account_page(request: Request, name: str, user: Admin) -> HTMLResponse:
    return _account_page(request, user, name)


@router.post("/{name}/rights", dependencies=[CheckedForm])
def change_rights(
    request: Request,
    name: str,
    user: Admin,
    role: Annotated[Role, Form()],
    clearance: Annotated[str, Form()],
) -> Response:
    accounts = services(request).accounts
    account = accounts.account(name)
    if role is not account.role:
        accounts.set_role(name, role, user.name, address(request))
    if clearance != account.clearance:
        accounts.set_clearance(name, clearance, user.name, address(request))
    return _back(name)


@router.post("/{name}/state", dependencies=[CheckedForm])
def change_state(
    request: Request, name: str, user: Admin, active: Annotated[bool, Form()]
) -> Response:
    services(request).accounts.set_active(name, active, user.name, address(request))
    return _back(name)


@router.post("/{name}/password", dependencies=[CheckedForm])
def reset_password(request: Request, name: str, user: Admin) -> HTMLResponse:
    temporary = services(request).accounts.reset_password(name, user.name, address(request))
    return _account_page(request, user, name, temporary)


@router.post("/{name}/unlock", dependencies=[CheckedForm])
def unlock(request: Request, name: str, user: Admin) -> Response:
    services(request).accounts.unlock(name, user.name, address(request))
    return _back(name)


@router.post("/{name}/sessions", dependencies=[CheckedForm])
def end_sessions(request: Request, name: str, user: Admin) -> Response:
    services(request).accounts.end_sessions(name, user.name, address(request))
    return _back(name)


def _account_page(
    request: Request, user: User, name: str, temporary: str | None = None
) -> HTMLResponse:
    found = services(request)
    return page(
        request,
        "user.html",
        user,
        account=found.accounts.account(name),
        sessions=found.sessions.live(name),
        temporary=temporary,
        roles=list(Role),
        levels=ACCESS_LEVELS,
    )


def _back(name: str) -> Response:
    return RedirectResponse(f"/admin/users/{name}", status_code=303)
