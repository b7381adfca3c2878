"""Who is asking: the signed session cookie carries a token of a session kept on the server
(archive_schema.sessions), which names the user; every form carries the session's CSRF
token; every act worth knowing, and every refusal, goes to the audit log."""

import secrets
from typing import Annotated, Any

from fastapi import Depends, Form, HTTPException, Request

from archive_schema.access import ROLE_LABELS, Role, User
from web.services import Services

SESSION_TOKEN = "session"
SESSION_CSRF = "csrf"
PASSWORD_PAGE = "/account/password"
_NOT_LOOKED_UP = object()


class NotLoggedIn(Exception):
    """Answered by a redirect to the login page, back to where the user was going."""


class PasswordChangeRequired(Exception):
    """Answered by a redirect to the page where the user changes their password."""


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


def session_user(request: Request) -> User | None:
    """The user of the request's live session, if any (looked up once per request)."""
    user = getattr(request.state, "user", _NOT_LOOKED_UP)
    if user is _NOT_LOOKED_UP:
        token = request.session.get(SESSION_TOKEN)
        found = services(request)
        name = found.sessions.user_of(token) if isinstance(token, str) else None
        user = request.state.user = found.accounts.user(name) if name else None
    assert user is None or isinstance(user, User)
    return user


def signed_in_user(request: Request) -> User:
    """The user, whose password may still be the temporary one an administrator set."""
    user = session_user(request)
    if user is None:
        request.session.pop(SESSION_TOKEN, None)
        raise NotLoggedIn()
    return user


def current_user(request: Request) -> User:
    user = signed_in_user(request)
    if user.must_change_password:
        raise PasswordChangeRequired()
    return user


def requires(*roles: Role) -> Any:
    """A dependency: the current user, who must have one of `roles` (or be an admin)."""

    def allowed(request: Request, user: Annotated[User, Depends(current_user)]) -> User:
        if not user.has(*roles):
            audit(request, user.name, "denied", request.url.path)
            named = ", ".join(ROLE_LABELS[role] for role in roles)
            raise HTTPException(403, f"Trang này dành cho: {named}.")
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


def local_path(target: str, otherwise: str) -> str:
    """`target` if it is a path of this site, `otherwise` else: never a redirect elsewhere."""
    local = target.startswith("/") and not target.startswith("//") and "\\" not in target
    return target if local else otherwise


def address(request: Request) -> str:
    return request.client.host if request.client else ""


def audit(request: Request, user: str | None, action: str, target: str = "") -> None:
    services(request).audit_log.record(user, action, target, address(request))


CurrentUser = Annotated[User, Depends(current_user)]
SignedInUser = Annotated[User, Depends(signed_in_user)]
CheckedForm = Depends(checked_form)
