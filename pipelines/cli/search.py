"""`sohoa search`, `reindex` and `export`: the archive read out."""

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import click
from rich.text import Text

from archive_schema.vocab import ACCESS_LEVELS, cleared_for
from pipelines.cli.common import err, open_archive, out, reported_errors

if TYPE_CHECKING:
    from indexing.base import SearchResults

SORTS = ("relevance", "date")
FACET_NAMES = {
    "doc_type": ("type", "--type"),
    "year": ("year", "--year"),
    "issuing_agency": ("agency", "--agency"),
    "retention_status": ("retention", "--status"),
    "needs_review": ("needs review", "--needs-review"),
}


@click.command()
@click.argument("query")
@click.option("--type", "doc_type", help="Only this document type, e.g. 'Quyết định'.")
@click.option("--year", type=int, help="Only documents issued this year.")
@click.option("--agency", help="Only documents of this issuing agency.")
@click.option(
    "--status",
    type=click.Choice(["classified", "unclassified", "review"]),
    help="Only documents of this retention status (review: Xem xét hủy).",
)
@click.option("--needs-review", is_flag=True, help="Only documents with a page to review.")
@click.option("--sort", type=click.Choice(list(SORTS)), default="relevance", show_default=True)
@click.option(
    "--clearance",
    type=click.Choice(list(ACCESS_LEVELS)),
    default="secret",
    show_default=True,
    help="Search as a reader cleared for this access level.",
)
@click.option("--limit", type=click.IntRange(1, 100), default=10, show_default=True)
@click.option("--page", "result_page", type=click.IntRange(1), default=1, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
def search(
    query: str,
    doc_type: str | None,
    year: int | None,
    agency: str | None,
    status: str | None,
    needs_review: bool,
    sort: str,
    clearance: str,
    limit: int,
    result_page: int,
    as_json: bool,
) -> None:
    """Search the archive, with or without Vietnamese accents; "quote" a phrase."""
    from indexing.base import SearchQuery, Sort

    archive = open_archive()
    request = SearchQuery(
        query,
        cleared_for(clearance),
        doc_type=doc_type,
        year=year,
        issuing_agency=agency,
        retention_status=status,
        needs_review=needs_review or None,
        sort=Sort(sort),
        limit=limit,
        offset=(result_page - 1) * limit,
    )
    with reported_errors(), archive:
        results = archive.search.search(request)
    if as_json:
        click.echo(json.dumps(_results_json(results), ensure_ascii=False, indent=2))
    else:
        print_results(query, results, request.filters())


@click.command()
def reindex() -> None:
    """Rebuild the search index from the archive store, the source of truth (after losing
    the index, upgrading sohoa, or moving to another search engine)."""
    from pipelines.upkeep.reindex import reindex as rebuild_index

    archive = open_archive()
    with reported_errors(), archive, err.status("Reading the archive store …") as status:
        count = rebuild_index(
            archive, lambda done, total: status.update(f"Indexing {done} of {total} records …")
        )
    err.print(f"Indexed {count} records into {_shown_url(archive.settings.search_url)}")


@click.command()
@click.option(
    "--jsonl/--json",
    "lines",
    default=True,
    show_default=True,
    help="One JSON object per line, or one JSON array of them.",
)
def export(lines: bool) -> None:
    """Print every archived document with its record fields, oldest first."""
    with reported_errors():
        documents = open_archive().catalog.documents()
        if lines:
            for doc in documents:
                click.echo(doc.model_dump_json(exclude={"events"}))
            return
        click.echo("[")
        for number, doc in enumerate(documents):
            click.echo(("," if number else "") + doc.model_dump_json(exclude={"events"}))
        click.echo("]")


def print_results(
    query: str, results: "SearchResults", filters: dict[str, Any] | None = None
) -> None:
    """The hits; with `filters` (a search of the user's), the facets, or when nothing was
    found, which filter to drop."""
    count = f"{results.total} document{'s' if results.total != 1 else ''}"
    out.print(Text(f"Search “{query}”: {count}", style="bold"))
    if not results.total:
        out.print(f"  No document matches. {_what_to_drop(results, filters or {})}")
    for rank, hit in enumerate(results.hits, start=1):
        title = " · ".join(str(v) for v in (hit.doc_type, hit.number_symbol, hit.issue_date) if v)
        out.print(
            Text(f"{rank}. {title}", style="bold"),
            Text(f"  page {hit.page}  ({hit.document_id[:12]})"),
        )
        if hit.subject:
            out.print(Text(f"   {hit.subject}", style="italic"))
        snippet = Text("   " + hit.snippet.text)
        for start, end in hit.snippet.marks:
            snippet.stylize("bold reverse", start + 3, end + 3)
        out.print(snippet)
    if filters is not None and results.total:
        out.print()
        for name, values in results.facets.items():
            if values:
                label, flag = FACET_NAMES[name]
                listed = " · ".join(f"{_shown(v.value)} ({v.count})" for v in values)
                out.print(Text(f"{label} ({flag}): ", style="dim").append(listed, style="default"))


def _shown(value: Any) -> str:
    return (
        {True: "yes", False: "no"}.get(value, str(value)) if isinstance(value, bool) else str(value)
    )


def _what_to_drop(results: "SearchResults", filters: dict[str, Any]) -> str:
    """Which of the search's filters, dropped, would find something."""
    advice = [
        f"without {FACET_NAMES[name][1]}, {found} would"
        for name in filters
        if (found := results.found_without(name))
    ]
    if advice:
        return f"W{'; '.join(advice)[1:]} match."
    return "Check the spelling, use fewer words, or drop a filter."


def _shown_url(url: str) -> str:
    """A URL without the password it may carry."""
    parsed = urlparse(url)
    if parsed.password is None:
        return url
    return parsed._replace(netloc=parsed.netloc.replace(f":{parsed.password}@", ":***@")).geturl()


def _results_json(results: "SearchResults") -> dict[str, Any]:
    return {
        "total": results.total,
        "hits": [
            {
                "document_id": hit.document_id,
                "page": hit.page,
                "score": hit.score,
                "doc_type": hit.doc_type,
                "number_symbol": hit.number_symbol,
                "issue_date": hit.issue_date.isoformat() if hit.issue_date else None,
                "issuing_agency": hit.issuing_agency,
                "subject": hit.subject,
                "signer_name": hit.signer_name,
                "access_level": hit.access_level,
                "matched": list(hit.matched),
                "snippet": {
                    "text": hit.snippet.text,
                    "marks": [list(m) for m in hit.snippet.marks],
                },
            }
            for hit in results.hits
        ],
        "facets": {
            name: [{"value": v.value, "count": v.count} for v in values]
            for name, values in results.facets.items()
        },
    }
