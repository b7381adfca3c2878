"""Pages rendered from the templates, with what every page shows: the user, the form token,
and the links to the other pages of a long list."""

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from archive_schema.access import User
from web.security import csrf_token, services


def page(
    request: Request, template: str, user: User | None, status: int = 200, **context: Any
) -> HTMLResponse:
    def page_url(number: int, name: str = "page") -> str:
        """This page's URL, at page `number` of its list `name`."""
        return str(request.url.include_query_params(**{name: number}))

    return services(request).templates.TemplateResponse(
        request,
        template,
        {
            "user": user,
            "csrf": csrf_token(request),
            "status_code": status,
            "page_url": page_url,
            **context,
        },
        status_code=status,
    )
