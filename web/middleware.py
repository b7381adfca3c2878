"""HTTP hygiene around every request: the size of what may be posted, the security headers
of every answer, and the time the server took (Server-Timing)."""

import time
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

FORM_LIMIT = 1 << 20  # a post that is not an upload: a login, a button
HEADERS = {
    # Nothing but this site's own files: an injected script or image would not even load.
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; object-src 'self'; frame-ancestors 'self';"
        " form-action 'self'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
    "Referrer-Policy": "same-origin",
}


class PostLimit:
    """Posts must say their size, and may not be larger than allowed: an upload up to
    SOHOA_UPLOAD_MAX_MB, any other form 1 MiB. Refused before a byte is read."""

    def __init__(self, app: ASGIApp, upload_limit: int, upload_path: str = "/uploads"):
        self.app, self.upload_limit, self.upload_path = app, upload_limit, upload_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            limit = self.upload_limit if scope["path"] == self.upload_path else FORM_LIMIT
            length = dict(scope["headers"]).get(b"content-length")
            refusal = None
            if length is None or not length.isdigit():
                refusal = PlainTextResponse("Length required", status_code=411)
            elif int(length) > limit:
                refusal = PlainTextResponse(
                    f"Quá lớn: tối đa {limit >> 20} MiB cho mỗi lần gửi.", status_code=413
                )
            if refusal is not None:
                await refusal(scope, receive, send)
                return
        await self.app(scope, receive, send)


def add_headers(app: FastAPI) -> None:
    @app.middleware("http")
    async def secured(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        response.headers.update(HEADERS)
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        return response
