"""Log in and log out. A failed attempt costs a second and counts toward the lockout
(archive_schema.access); both outcomes go to the audit log."""

import asyncio
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from archive_schema.access import LoginRefused
from web.render import page
from web.security import (
    SESSION_CSRF,
    SESSION_USER,
    CheckedForm,
    CurrentUser,
    audit,
    services,
)

router = APIRouter()
FAILURE_DELAY = 1.0  # seconds


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/") -> HTMLResponse:
    return page(request, "login.html", None, next=_safe(next))


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
        error = "Sai tên đăng nhập hoặc mật khẩu."
        if refused.locked_minutes:
            error = (
                "Tài khoản tạm khóa vì đăng nhập sai nhiều lần:"
                f" thử lại sau {refused.locked_minutes} phút."
            )
        return page(request, "login.html", None, 401, error=error, name=name, next=_safe(next))
    request.session.clear()  # a new session on login: nothing carried over from before
    request.session[SESSION_USER] = user.name
    request.session[SESSION_CSRF] = secrets.token_urlsafe(32)
    await run_in_threadpool(audit, request, user.name, "login")
    return RedirectResponse(_safe(next), status_code=303)


@router.post("/logout", dependencies=[CheckedForm])
def log_out(request: Request, user: CurrentUser) -> Response:
    audit(request, user.name, "logout")
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


def _safe(target: str) -> str:
    """Only a path of this site: never a redirect elsewhere."""
    local = target.startswith("/") and not target.startswith("//") and "\\" not in target
    return target if local else "/"
