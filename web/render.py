"""Pages rendered from the templates, with what every page shows: the user and the form token."""

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from archive_schema.access import User
from web.security import csrf_token, services


def page(
    request: Request, template: str, user: User | None, status: int = 200, **context: Any
) -> HTMLResponse:
    return services(request).templates.TemplateResponse(
        request,
        template,
        {"user": user, "csrf": csrf_token(request), "status_code": status, **context},
        status_code=status,
    )
