"""Who is asking: the signed session cookie names the user; every form carries the
session's CSRF token; every act worth knowing goes to the audit log."""

import secrets
from typing import Annotated, Any

from fastapi import Depends, Form, HTTPException, Request

from archive_schema.access import Role, User
from web.services import Services

SESSION_USER = "user"
SESSION_CSRF = "csrf"


class NotLoggedIn(Exception):
    """Answered by a redirect to the login page, back to where the user was going."""


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


def current_user(request: Request) -> User:
    name = request.session.get(SESSION_USER)
    user = services(request).accounts.user(name) if name else None
    if user is None:
        request.session.pop(SESSION_USER, None)
        raise NotLoggedIn()
    return user


def requires(*roles: Role) -> Any:
    """A dependency: the current user, who must have one of `roles` (or be an admin)."""

    def allowed(user: Annotated[User, Depends(current_user)]) -> User:
        if not user.has(*roles):
            raise HTTPException(403, "Trang này dành cho " + ", ".join(r.value for r in roles))
        return user

    return Depends(allowed)


def csrf_token(request: Request) -> str:
    token: str = request.session.setdefault(SESSION_CSRF, secrets.token_urlsafe(32))
    return token


def checked_form(request: Request, csrf: Annotated[str, Form()] = "") -> None:
    """A dependency of every form post: its token must be the session's."""
    expected = request.session.get(SESSION_CSRF)
    if not expected or not secrets.compare_digest(csrf, expected):
        raise HTTPException(
            403, "Biểu mẫu đã hết hạn hoặc không gửi từ trang này: hãy tải lại trang và thử lại."
        )


def address(request: Request) -> str:
    return request.client.host if request.client else ""


def audit(request: Request, user: str | None, action: str, target: str = "") -> None:
    services(request).accounts.record(user, action, target, address(request))


CurrentUser = Annotated[User, Depends(current_user)]
CheckedForm = Depends(checked_form)
