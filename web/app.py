"""The application: its pages, their guards and the answers to what goes wrong (never a
traceback for the user: the log keeps it). `sohoa serve` runs it with uvicorn."""

import logging
from http import HTTPStatus
from urllib.parse import quote, urlparse

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from archive_schema.errors import UserError
from pipelines.archive import Archive
from pipelines.settings import Settings
from web import (
    account_pages,
    audit_pages,
    batches,
    disposal_pages,
    documents,
    dossier_pages,
    login,
    quality_pages,
    retention_pages,
    search_page,
    upload_pages,
)
from web.api import API_PATHS, api
from web.documents import MergedAway
from web.middleware import PostLimit, add_headers
from web.render import page
from web.security import PASSWORD_PAGE, NotLoggedIn, PasswordChangeRequired, local_path
from web.services import HERE, SESSION_HOURS, Services

log = logging.getLogger(__name__)
STATUS_MESSAGES = {
    400: "Yêu cầu không hợp lệ.",
    404: "Không có trang hoặc tài liệu này.",
    405: "Trang này không nhận yêu cầu theo cách này.",
    413: "Nội dung gửi lên quá lớn.",
}


def create_app(settings: Settings | None = None) -> FastAPI:
    archive = Archive(settings)
    settings = archive.settings
    services = Services(archive)
    app = FastAPI(title="sohoa", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.services = services
    pages = (
        login,
        search_page,
        documents,
        upload_pages,
        batches,
        quality_pages,
        dossier_pages,
        retention_pages,
        disposal_pages,
        account_pages,
        audit_pages,
    )
    for router in pages:
        app.include_router(router.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    api.state.services = services
    app.mount("/api", api)
    # Outermost last: the headers around every answer, the session, then who may post what.
    app.add_middleware(PostLimit, upload_limit=settings.upload_max_mb << 20)
    app.add_middleware(
        SessionMiddleware,
        secret_key=services.secret_key,
        session_cookie="sohoa_session",
        max_age=SESSION_HOURS * 3600,
        same_site="lax",
        https_only=settings.cookie_secure,
    )
    add_headers(app)

    @app.exception_handler(NotLoggedIn)
    async def to_login(request: Request, _: NotLoggedIn) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    @app.exception_handler(PasswordChangeRequired)
    async def to_password(request: Request, _: PasswordChangeRequired) -> Response:
        return RedirectResponse(PASSWORD_PAGE, status_code=303)

    @app.exception_handler(MergedAway)
    async def to_merged(request: Request, error: MergedAway) -> Response:
        return RedirectResponse(error.location, status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        """Ours say what is wrong in Vietnamese; the framework's (no such page, no such
        method) get a Vietnamese message of their status."""
        generic = error.detail == HTTPStatus(error.status_code).phrase
        message = STATUS_MESSAGES.get(error.status_code, "Có lỗi.") if generic else error.detail
        if request.url.path.startswith(API_PATHS):  # an address the API cannot route
            return JSONResponse({"detail": message}, status_code=error.status_code)
        return page(request, "error.html", None, error.status_code, message=message)

    @app.exception_handler(RequestValidationError)
    async def bad_parameter(request: Request, error: RequestValidationError) -> HTMLResponse:
        """A path that names nothing (a number out of range) is not found; anything else
        sent wrong is named."""
        where = [e["loc"] for e in error.errors()]
        if any(loc[0] == "path" for loc in where):
            return page(request, "error.html", None, 404, message=STATUS_MESSAGES[404])
        names = ", ".join(sorted({str(loc[-1]) for loc in where}))
        message = f"Yêu cầu gửi thiếu hoặc sai giá trị: {names}."
        return page(request, "error.html", None, 400, message=message)

    @app.exception_handler(UserError)
    async def refused(request: Request, error: UserError) -> HTMLResponse:
        """An act refused (a bad schedule, a vote twice…): nothing was changed. The
        message in Vietnamese; one without (a fault sohoa did not foresee) is logged."""
        if error.vi is None:
            log.warning("%s %s refused: %s", request.method, request.url.path, error)
        message = error.vi or "Yêu cầu không thực hiện được; không có gì bị thay đổi."
        came_from = urlparse(request.headers.get("referer", "/"))
        back = local_path(came_from.path + (f"?{came_from.query}" if came_from.query else ""), "/")
        return page(request, "error.html", None, 400, message=message, back=back)

    return app
