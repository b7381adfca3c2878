"""The `sohoa` command line (DESIGN "Command line"): stable, scripts and checks use it.

Exit status: 0 when everything asked for was done, 1 when some document was not archived,
2 when the command could not run at all (bad batch, bad settings), 3 when it failed for a
reason of its own (a fault of the machine or of sohoa, a crash): never the status of an
ordinary quarantine.

Each worker process of `sohoa ingest` starts by importing this module again (processes are
spawned, not forked), so it imports the catalog, OCR and search only in the commands that
use them: that saves every worker, and `sohoa --help`, seconds of start-up.
"""

import json
import sys
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import urlparse

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from archive_schema.errors import UserError
from archive_schema.vocab import ACCESS_LEVELS, cleared_for
from pipelines.report import BatchReport, DocumentReport, Outcome
from pipelines.settings import Settings

if TYPE_CHECKING:
    from indexing.base import SearchResults

INTERNAL_ERROR = 3
SORTS = ("relevance", "date")
FACET_NAMES = {
    "doc_type": ("type", "--type"),
    "year": ("year", "--year"),
    "issuing_agency": ("agency", "--agency"),
    "retention_status": ("retention", "--status"),
    "needs_review": ("needs review", "--needs-review"),
}
DEMO_DOCUMENTS = ("002", "004", "006", "010", "016")
DEMO_QUERIES = ("gia ban xi mang", "quy hoach khu kinh te")
STYLE = {
    Outcome.ARCHIVED: "green",
    Outcome.ALREADY_ARCHIVED: "cyan",
    Outcome.QUARANTINED: "yellow",
    Outcome.FAILED: "red",
}

# Not on a terminal (a log, a pipe) rich would wrap at 80 columns: keep report rows whole.
out = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, highlight=False, soft_wrap=True)  # messages never cut mid-path


class Commands(click.Group):
    """The commands; one that fails unexpectedly ends with status 3 and its traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as error:
            traceback.print_exc()
            err.print(
                Text("sohoa: internal error: ", style="red").append(
                    f"{type(error).__name__}: {error} (not a fault of the input: the traceback"
                    " above is for the operator; run the command again once it is fixed)",
                    style="default",
                )
            )
            sys.exit(INTERNAL_ERROR)


@click.group(cls=Commands)
@click.version_option(package_name="sohoa")
def main() -> None:
    """sohoa: scanned records to a searchable PDF/A archive.

    Everything a run writes goes under SOHOA_HOME (default ./var); the catalog, archive
    store and search index can be moved with SOHOA_DATABASE_URL, SOHOA_STORAGE_URL and
    SOHOA_SEARCH_URL."""
    from pipelines.work_folders import own_work_folder

    own_work_folder()


@main.command()
@click.argument("batch", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--workers", type=click.IntRange(1), help="Documents processed at once (default: the cores)."
)
def ingest(batch: Path, as_json: bool, workers: int | None) -> None:
    """Archive a batch: a folder or zip of scans, with an optional manifest."""
    settings = _settings(workers=workers)
    with _user_errors():
        report = _ingest_with_progress(batch, settings)
    if as_json:
        click.echo(report.model_dump_json(indent=2))
    else:
        _print_report(report)
    sys.exit(0 if report.ok else 1)


@main.command()
@click.argument("batch")
@click.option("--wait", is_flag=True, help="Follow the run until it ends; exit 1 if it failed.")
def submit(batch: str, wait: bool) -> None:
    """Archive a batch through Airflow: start a sohoa_ingest run and say where to watch it.

    BATCH is a folder or zip the Airflow workers can read, or a file:// URI."""
    from pipelines.airflow_api import FINISHED, Airflow

    settings = _settings()
    if "://" not in batch:
        if not Path(batch).exists():
            _fail(f"{batch} does not exist")
        batch = str(Path(batch).resolve())
    with _user_errors():
        airflow = Airflow(settings)
        run_id = airflow.start_ingest(batch)
        err.print(f"Started run {run_id} of {batch}; watch it at {airflow.run_page(run_id)}")
        click.echo(run_id)
        if not wait:
            return
        with err.status(f"Airflow is archiving {Path(batch).name} …"):
            while (state := airflow.run(run_id)["state"]) not in FINISHED:
                time.sleep(2)
    style = "green" if state == "success" else "red"
    err.print(Text(f"run {run_id}: ").append(state, style=style))
    sys.exit(0 if state == "success" else 1)


@main.command()
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

    settings = _settings()
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
    with _user_errors():
        backend = settings.search()
        results = backend.search(request)
        backend.close()
    if as_json:
        click.echo(json.dumps(_results_json(results), ensure_ascii=False, indent=2))
    else:
        _print_results(query, results, request.filters())


@main.command()
def reindex() -> None:
    """Rebuild the search index from the archive store, the source of truth (after losing
    the index, upgrading sohoa, or moving to another search engine)."""
    from pipelines.housekeeping import reindex as rebuild_index

    settings = _settings()
    with _user_errors(), err.status("Reading the archive store …") as status:
        count = rebuild_index(
            settings, lambda done, total: status.update(f"Indexing {done} of {total} records …")
        )
    err.print(f"Indexed {count} records into {_shown_url(settings.search_url)}")


@main.command()
@click.option(
    "--jsonl", is_flag=True, default=True, help="One JSON object per line (the only format)."
)
def export(jsonl: bool) -> None:
    """Print every archived document with its record fields, oldest first."""
    from archive_schema.catalog import Catalog

    settings = _settings()
    with _user_errors():
        for doc in Catalog(settings.database_url).documents():
            click.echo(doc.model_dump_json(exclude={"events"}))


@main.command()
@click.argument("output", type=click.Path(path_type=Path))
@click.option(
    "--docs",
    default=",".join(DEMO_DOCUMENTS),
    show_default=True,
    help="Corpus ids, comma-separated, or 'all'.",
)
@click.option("--dpi", type=click.Choice(["200", "300"]), default="300", show_default=True)
@click.option(
    "--condition",
    default="medium",
    show_default=True,
    help="clean, light, medium, heavy or binarised",
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--manifest/--no-manifest", default=False, show_default=True)
def samples(output: Path, docs: str, dpi: str, condition: str, seed: int, manifest: bool) -> None:
    """Render corpus documents into a scan batch, with its ground truth beside it."""
    from samples.batch import write_batch
    from samples.corpus import corpus
    from samples.scan import CONDITIONS

    if condition not in CONDITIONS:
        raise click.BadParameter(f"choose one of {', '.join(CONDITIONS)}", param_hint="--condition")
    ids = (
        [doc.id for doc in corpus()]
        if docs == "all"
        else [d.strip() for d in docs.split(",") if d.strip()]
    )
    try:
        batch = write_batch(
            output, ids, dpi=int(dpi), condition=condition, seed=seed, manifest=manifest
        )
    except KeyError as error:
        raise click.BadParameter(str(error.args[0]), param_hint="--docs") from error
    err.print(
        f"{len(batch.documents)} documents, {batch.page_count} pages in {batch.path};"
        f" ground truth in {batch.truth_path}"
    )


@main.command()
def demo() -> None:
    """Render a sample batch from the corpus, archive it, and search it without accents."""
    from indexing.base import SearchQuery
    from samples.batch import write_batch

    settings = _settings()
    batch = settings.home / "demo-batch"
    if not batch.exists():
        err.print(f"Rendering {len(DEMO_DOCUMENTS)} sample documents into {batch} …")
        write_batch(batch, DEMO_DOCUMENTS, dpi=300, condition="medium", manifest=True)
    with _user_errors():
        report = _ingest_with_progress(batch, settings)
    _print_report(report)
    backend = settings.search()
    for query in DEMO_QUERIES:
        out.print()
        _print_results(query, backend.search(SearchQuery(query, cleared_for("secret"), limit=3)))
    backend.close()
    sys.exit(0 if report.ok else 1)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
def serve(host: str, port: int) -> None:
    """Run the web application: search, documents, batch uploads and their progress."""
    import uvicorn

    _settings()  # a bad setting is said here, not in a traceback of the server
    err.print(f"sohoa on http://{host}:{port} (Ctrl-C stops it)")
    # The application by name: the command line does not import the web (DESIGN layout).
    uvicorn.run("web.app:create_app", factory=True, host=host, port=port, log_level="info")


@main.command("process-uploads")
def process_uploads() -> None:
    """Archive the batches uploaded through the web that wait (the web starts this)."""
    from pipelines.uploads import process_uploads as drain

    settings = _settings()
    with _user_errors():
        count = drain(settings)
    err.print(f"{count} uploaded batches processed")


def _settings(**overrides: Any) -> Settings:
    try:
        settings = Settings()
    except ValueError as error:
        _fail(f"bad SOHOA_* setting: {error}")
    for name, value in overrides.items():
        if value is not None:
            setattr(settings, name, value)
    return settings


@contextmanager
def _user_errors() -> Iterator[None]:
    """Errors a user can cause end the command with their message and status 2, no traceback."""
    try:
        yield
    except UserError as error:
        _fail(str(error))


def _fail(message: str) -> NoReturn:
    err.print(Text("sohoa: error: ", style="red").append(message, style="default"))
    sys.exit(2)


def _ingest_with_progress(batch: Path, settings: Settings) -> BatchReport:
    from pipelines.runner import ingest

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=True) as bar:

        class Reporter:
            task = bar.add_task("OCR", total=None)

            def started(self, names: list[str]) -> None:
                bar.update(self.task, total=len(names), description=f"Archiving {batch.name}")

            def finished(self, entry: DocumentReport) -> None:
                bar.advance(self.task)
                line = Text(f"{entry.status:>16}  ", style=STYLE[entry.status]).append(
                    entry.name, style="default"
                )
                bar.console.print(line)

        return ingest(batch, settings, Reporter())


def _print_report(report: BatchReport) -> None:
    table = Table(title=f"Batch {report.batch_id} ({report.source})", title_justify="left")
    for column in ("status", "document", "pages", "type", "number", "date", "note"):
        table.add_column(column)
    for doc in report.documents:
        note = doc.reason or (
            f"review page {', '.join(map(str, doc.pages_to_review))}" if doc.pages_to_review else ""
        )
        table.add_row(
            Text(str(doc.status), style=STYLE[doc.status]),
            doc.name,
            str(doc.pages or ""),
            doc.doc_type or "",
            doc.number_symbol or "",
            str(doc.issue_date or ""),
            note,
        )
    out.print(table)
    for problem in report.problems:
        out.print(Text("problem: ", style="red").append(problem, style="default"))
    for warning in report.warnings:
        out.print(Text("warning: ", style="yellow").append(warning, style="default"))
    out.print(report.summary)


def _print_results(
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
                "access_level": hit.access_level,
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


# The records office's commands (sohoa retention …, sohoa disposal …), the archive's
# integrity commands (sohoa verify, rebuild, export-package) and the accounts' (sohoa
# user …) join this group.
from pipelines import archive_cli, records_cli, user_cli  # noqa: E402, F401

if __name__ == "__main__":  # `python -m pipelines.cli`, as the web starts its worker
    main()
