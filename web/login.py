"""Log in, log out, and change one's password. A failed attempt costs a second and counts
toward the lockout (archive_schema.accounts); every outcome goes to the audit log. Each
login starts a session kept on the server, which logging out ends."""

import asyncio
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from archive_schema.accounts import LoginRefused
from archive_schema.errors import UserError
from web.render import page
from web.security import (
    PASSWORD_PAGE,
    SESSION_CSRF,
    SESSION_TOKEN,
    CheckedForm,
    SignedInUser,
    address,
    audit,
    local_path,
    services,
)

router = APIRouter()
FAILURE_DELAY = 1.0  # seconds


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/") -> HTMLResponse:
    return page(request, "login.html", None, next=local_path(next, "/"))


@router.post("/login", dependencies=[CheckedForm])
async def log_in(
    request: Request,
    name: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    accounts = services(request).accounts
    try:
        user = await run_in_threadpool(accounts.authenticate, name.strip().lower(), password)
    except LoginRefused as refused:
        await run_in_threadpool(audit, request, None, "login_failed", name[:64])
        await asyncio.sleep(FAILURE_DELAY)
        return page(
            request,
            "login.html",
            None,
            401,
            error=refused.vi,
            name=name,
            next=local_path(next, "/"),
        )
    await run_in_threadpool(_start_session, request, user.name)
    await run_in_threadpool(audit, request, user.name, "login")
    return RedirectResponse(
        PASSWORD_PAGE if user.must_change_password else local_path(next, "/"), 303
    )


@router.post("/logout", dependencies=[CheckedForm])
def log_out(request: Request, user: SignedInUser) -> Response:
    audit(request, user.name, "logout")
    services(request).sessions.end(request.session[SESSION_TOKEN])
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.get(PASSWORD_PAGE, response_class=HTMLResponse)
def password_page(request: Request, user: SignedInUser) -> HTMLResponse:
    return page(request, "password.html", user)


@router.post(PASSWORD_PAGE, dependencies=[CheckedForm])
def change_password(
    request: Request,
    user: SignedInUser,
    current: Annotated[str, Form()],
    new: Annotated[str, Form()],
    again: Annotated[str, Form()],
) -> Response:
    """Every session of the user ends with the old password; this one goes on anew."""
    try:
        if new != again:
            raise UserError("the passwords differ", "Hai lần nhập mật khẩu mới không giống nhau.")
        services(request).accounts.change_password(user.name, current, new, address(request))
    except UserError as refused:
        return page(request, "password.html", user, 400, error=refused.vi)
    _start_session(request, user.name)
    return RedirectResponse("/", status_code=303)


def _start_session(request: Request, name: str) -> None:
    """A new session: nothing of the one before carries over."""
    agent = request.headers.get("user-agent", "")
    token = services(request).sessions.start(name, address(request), agent)
    request.session.clear()
    request.session[SESSION_TOKEN] = token
    request.session[SESSION_CSRF] = secrets.token_urlsafe(32)
