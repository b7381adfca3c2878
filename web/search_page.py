"""The search page, home of every reader: one box, accents optional, facets to narrow by,
snippets with the matched words marked, the page of each hit, paging, sort by relevance or
date; an empty result explains itself and offers to drop a filter."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from indexing.base import FACETS, SearchQuery, SearchResults, Sort
from web.parameters import whole_number
from web.render import page
from web.security import CurrentUser, audit, services

router = APIRouter()
PER_PAGE = 10
FACET_LABELS = {
    "doc_type": "Tên loại",
    "year": "Năm ban hành",
    "issuing_agency": "Cơ quan ban hành",
    "retention_status": "Tình trạng bảo quản",
    "needs_review": "Cần kiểm tra OCR",
    "signed": "Có chữ ký số",
}
PARAMETERS = {  # query-string name of each filter
    "doc_type": "type",
    "year": "year",
    "issuing_agency": "agency",
    "retention_status": "status",
    "needs_review": "review",
    "signed": "signed",
}
STATUS_LABELS = {
    "classified": "Đã xác định thời hạn",
    "unclassified": "Chưa xác định thời hạn",
    "review": "Xem xét hủy",
}


@router.get("/", response_class=HTMLResponse)
def search_page(request: Request, user: CurrentUser) -> HTMLResponse:
    text = request.query_params.get("q", "").strip()
    number = whole_number(request.query_params.get("page"), 1, 10_000) or 1
    query = SearchQuery(
        text,
        user.readable_levels,
        limit=PER_PAGE,
        offset=(number - 1) * PER_PAGE,
        sort=Sort.DATE if request.query_params.get("sort") == "date" else Sort.RELEVANCE,
        **_filters(request),
    )
    results = SearchResults(total=0)
    if text:
        results = services(request).search().search(query)  # this thread's backend
        audit(request, user.name, "search", _described(query))

    def link(**changes: Any) -> str:
        """This search's URL with some parameters changed (None: removed), back on page 1."""
        url = request.url.remove_query_params(["page", *changes])
        kept = {k: v for k, v in changes.items() if v is not None}
        return str(url.include_query_params(**kept)) if kept else str(url)

    return page(
        request,
        "search.html",
        user,
        text=text,
        query=query,
        results=results,
        page_number=number,
        pages=max(1, -(-results.total // PER_PAGE)),
        link=link,
        facet_labels=FACET_LABELS,
        parameters=PARAMETERS,
        status_labels=STATUS_LABELS,
        active={name: value for name, value in query.filters().items()},
        facets=FACETS,
        encode=_encoded,
    )


def _filters(request: Request) -> dict[str, Any]:
    given = request.query_params
    return {
        "doc_type": given.get("type") or None,
        "year": whole_number(given.get("year"), 1, 9999),
        "issuing_agency": given.get("agency") or None,
        "retention_status": given.get("status") or None,
        "needs_review": {"true": True, "false": False}.get(given.get("review", "")),
        "signed": {"true": True, "false": False}.get(given.get("signed", "")),
    }


def _encoded(value: Any) -> str:
    """A filter's value as the query string carries it."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def _described(query: SearchQuery) -> str:
    filters = " ".join(f"{name}={value}" for name, value in query.filters().items())
    return f"{query.text} {filters}".strip()[:500]
