"""HTTP hygiene around every request: who may post how much, the security headers of every
answer, and the time the server took (Server-Timing)."""

import logging
import re
import time
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from archive_schema.access import Role, User
from archive_schema.errors import IntegrityError
from pipelines.retry import unavailable
from web.api import API_PATHS, UPLOAD_PATHS, token_holder
from web.render import page
from web.security import session_user

log = logging.getLogger(__name__)
LOGIN_LIMIT = 64 << 10
FORM_LIMIT = 1 << 20  # a post that is not an upload or a schedule: a button, a form
SCHEDULE_LIMIT = 5 << 20
UPLOADS, UPLOADERS = "/uploads", (Role.ARCHIVIST,)
SCHEDULE_IMPORT, SCHEDULE_KEEPERS = "/retention/import", (Role.RECORDS_OFFICER,)
RESCAN = re.compile(r"/quality/[^/]+/rescan")  # a new scan of a record, by an archivist
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
    """Who may post what, decided before a byte of the body is read: without a session only
    the login form (64 KiB); an upload or a re-scan only by a role that uploads, up to its
    cap; a schedule only by the records office (5 MiB); any other form 1 MiB. A post must say its
    size (Content-Length). To the API (/api), the same by the client system's token."""

    def __init__(self, app: ASGIApp, upload_limit: int):
        self.app, self.upload_limit = app, upload_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            request = Request(scope)
            refusal = await self._refusal(request)
            if refusal is not None:
                await refusal(scope, receive, send)
                return
        await self.app(scope, receive, send)

    async def _refusal(self, request: Request) -> Response | None:
        length = request.headers.get("content-length", "")
        if not length.isascii() or not length.isdigit():
            return _refused(request, 411, "Yêu cầu phải cho biết độ dài (Content-Length).")
        path = request.url.path
        api = path.startswith(API_PATHS)
        user = await run_in_threadpool(token_holder if api else session_user, request)
        allowed = self._api_limit(path, user) if api else self._limit(path, user)
        if allowed is None:
            message = "Hãy đăng nhập trước." if user is None else "Bạn không được gửi nội dung này."
            if api:
                message = "Mã truy cập này không được giao nộp tài liệu."
            return _refused(request, 401 if user is None else 403, message)
        if int(length) > allowed:
            return _refused(request, 413, f"Quá lớn: tối đa {_size(allowed)} cho mỗi lần gửi.")
        return None

    def _limit(self, path: str, user: User | None) -> int | None:
        """The most this user may post to `path`; None: nothing at all."""
        if user is None:
            return LOGIN_LIMIT if path == "/login" else None
        for prefix, roles, limit in (
            (UPLOADS, UPLOADERS, self.upload_limit),
            (SCHEDULE_IMPORT, SCHEDULE_KEEPERS, SCHEDULE_LIMIT),
        ):
            if path == prefix:
                return limit if user.has(*roles) else None
        if RESCAN.fullmatch(path):
            return self.upload_limit if user.has(*UPLOADERS) else None
        return FORM_LIMIT

    def _api_limit(self, path: str, user: User | None) -> int | None:
        """The most a client system may post to the API's `path`: a hand-over its upload
        cap, if its token may hand over; anything else FORM_LIMIT. A call without a live
        token is answered by the API itself (401)."""
        if user is None:
            return FORM_LIMIT
        if path in UPLOAD_PATHS:
            return self.upload_limit if user.has(*UPLOADERS) else None
        return FORM_LIMIT


def _refused(request: Request, status: int, message: str) -> Response:
    if request.url.path.startswith(API_PATHS):
        return JSONResponse({"detail": message}, status_code=status)
    return page(request, "error.html", None, status, message=message)


def _size(limit: int) -> str:
    return f"{limit >> 20} MiB" if limit >= 1 << 20 else f"{limit >> 10} KiB"


def add_headers(app: FastAPI) -> None:
    @app.middleware("http")
    async def secured(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        """Around every answer; a fault of the server becomes the site's page of it, the
        traceback in the log, and the connection stays up."""
        started = time.perf_counter()
        try:
            response = await call_next(request)
        except Exception as error:
            request.scope.setdefault("session", {})
            down = unavailable(error)
            if down is not None:  # the store, the index or the database: for a while
                log.warning("%s %s: %s", request.method, request.url.path, down)
                response = page(request, "error.html", None, 503, message=down.vi)
            else:
                log.exception("%s %s failed", request.method, request.url.path)
                message = "Đã có lỗi ở máy chủ; lỗi đã được ghi lại. Hãy thử lại sau ít phút."
                if isinstance(error, IntegrityError):
                    message = error.vi or message
                response = page(request, "error.html", None, 500, message=message)
        response.headers.update(HEADERS)
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        return response
