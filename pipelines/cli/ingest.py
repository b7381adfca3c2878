"""`sohoa ingest`, `submit`, `process-uploads`, `samples` and `demo`: batches in."""

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from archive_schema.vocab import cleared_for
from pipelines.cli.common import err, fail, open_archive, out, reported_errors
from pipelines.cli.search import print_results
from pipelines.ingest.report import BatchReport, DocumentReport, Outcome
from samples.conditions import CONDITIONS

if TYPE_CHECKING:
    from pipelines.archive import Archive

DEMO_DOCUMENTS = ("002", "004", "006", "010", "016")
DEMO_QUERIES = ("gia ban xi mang", "quy hoach khu kinh te")
STYLE = {
    Outcome.ARCHIVED: "green",
    Outcome.ALREADY_ARCHIVED: "cyan",
    Outcome.QUARANTINED: "yellow",
    Outcome.FAILED: "red",
}


SPLIT_OPTION = click.option(
    "--split-at-blank-pages",
    is_flag=True,
    help="A file holding several documents with a blank sheet between each two is cut into"
    " them at its blank pages (a manifest's 'Tách tại trang trắng' column decides per file).",
)


@click.command()
@click.argument("batch", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--workers", type=click.IntRange(1), help="Documents processed at once (default: the cores)."
)
@SPLIT_OPTION
def ingest(batch: Path, as_json: bool, workers: int | None, split_at_blank_pages: bool) -> None:
    """Archive a batch: a folder or zip of scans, with an optional manifest."""
    with reported_errors(), open_archive(workers=workers) as archive:
        report = _ingest_with_progress(batch, archive, split_at_blank_pages)
    if as_json:
        click.echo(report.model_dump_json(indent=2))
    else:
        _print_report(report)
    sys.exit(0 if report.ok else 1)


@click.command()
@click.argument("batch")
@click.option("--wait", is_flag=True, help="Follow the run until it ends; exit 1 if it failed.")
@SPLIT_OPTION
def submit(batch: str, wait: bool, split_at_blank_pages: bool) -> None:
    """Archive a batch through Airflow: start a sohoa_ingest run and say where to watch it.

    BATCH is a folder or zip the Airflow workers can read, or a file:// URI."""
    from pipelines.uploads.airflow import FINISHED, Airflow

    archive = open_archive()
    if "://" not in batch:
        if not Path(batch).exists():
            fail(f"{batch} does not exist")
        batch = str(Path(batch).resolve())
    with reported_errors():
        airflow = archive.retried(lambda: Airflow(archive.settings), "Airflow")
        run_id = airflow.start_ingest(batch, split_at_blank_pages)
        err.print(f"Started run {run_id} of {batch}; watch it at {airflow.run_page(run_id)}")
        click.echo(run_id)
        if not wait:
            return
        with err.status(f"Airflow is archiving {Path(batch).name} …"):
            # Airflow away for a while (restarted, too busy) is waited for
            while (
                state := archive.retried(lambda: airflow.run(run_id), "Airflow")["state"]
            ) not in FINISHED:
                time.sleep(1)
    style = "green" if state == "success" else "red"
    err.print(Text(f"run {run_id}: ").append(state, style=style))
    sys.exit(0 if state == "success" else 1)


@click.command()
@click.argument("output", type=click.Path(path_type=Path))
@click.option(
    "--docs",
    default=",".join(DEMO_DOCUMENTS),
    show_default=True,
    help="Corpus ids, comma-separated, or 'all'.",
)
@click.option("--dpi", type=click.Choice(["200", "300"]), default="300", show_default=True)
@click.option(
    "--condition", type=click.Choice(list(CONDITIONS)), default="medium", show_default=True
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--manifest/--no-manifest", default=False, show_default=True)
@click.option(
    "--separated",
    is_flag=True,
    help="One multi-page TIFF of every document, a blank sheet between each two (a box"
    " scanned in one go; see ingest --split-at-blank-pages).",
)
def samples(
    output: Path, docs: str, dpi: str, condition: str, seed: int, manifest: bool, separated: bool
) -> None:
    """Render corpus documents into a scan batch, with its ground truth beside it."""
    from samples.batch import write_batch, write_separated
    from samples.corpus import corpus

    ids = (
        [doc.id for doc in corpus()]
        if docs == "all"
        else [d.strip() for d in docs.split(",") if d.strip()]
    )
    if separated and manifest:
        raise click.BadParameter("a separated batch has no manifest", param_hint="--manifest")
    try:
        if separated:
            batch = write_separated(output, ids, dpi=int(dpi), condition=condition, seed=seed)
        else:
            batch = write_batch(
                output, ids, dpi=int(dpi), condition=condition, seed=seed, manifest=manifest
            )
    except KeyError as error:
        raise click.BadParameter(str(error.args[0]), param_hint="--docs") from error
    err.print(
        f"{len(batch.documents)} documents, {batch.page_count} pages in {batch.path};"
        f" ground truth in {batch.truth_path}"
    )


@click.command("test-pki")
@click.argument("output", type=click.Path(path_type=Path))
@click.option("--agency", default="Sở Y tế tỉnh Lào Cai", show_default=True)
def test_pki(output: Path, agency: str) -> None:
    """Make a test PKI in OUTPUT: a root to trust (root.pem), an agency's signing key
    (signer.p12, its password in signer.password) and a signed electronic document."""
    from samples.electronic import electronic_pdf
    from samples.pki import authority, signed_pdf, signer

    root = authority()
    output.mkdir(parents=True, exist_ok=True)
    (output / "root.pem").write_bytes(root.pem)
    key = signer(root, output, agency=agency)
    (output / "signer.password").write_bytes(key.password + b"\n")
    (output / "signed").mkdir(exist_ok=True)
    (output / "signed" / "cv-6087-da-ky.pdf").write_bytes(signed_pdf(electronic_pdf("010"), key))
    err.print(
        f"{output}: root.pem (SOHOA_TRUST_ROOTS), signer.p12 and signer.password"
        f" (SOHOA_SIGNING_KEY, SOHOA_SIGNING_PASSWORD_FILE) of {agency}, and a batch of one"
        f" signed electronic document in {output / 'signed'}. For tests only: trust it nowhere."
    )


@click.command()
def demo() -> None:
    """Render a sample batch from the corpus, archive it, and search it without accents."""
    from indexing.base import SearchQuery
    from samples.batch import write_batch

    archive = open_archive()
    batch = archive.settings.home / "demo-batch"
    if not batch.exists():
        err.print(f"Rendering {len(DEMO_DOCUMENTS)} sample documents into {batch} …")
        write_batch(batch, DEMO_DOCUMENTS, dpi=300, condition="medium", manifest=True)
    with reported_errors(), archive:
        report = _ingest_with_progress(batch, archive)
        _print_report(report)
        for query in DEMO_QUERIES:
            out.print()
            found = archive.search.search(SearchQuery(query, cleared_for("secret"), limit=3))
            print_results(query, found)
    sys.exit(0 if report.ok else 1)


@click.command("process-uploads")
def process_uploads() -> None:
    """Archive the batches uploaded through the web that wait (the web starts this)."""
    from pipelines.uploads.queue import process_uploads as drain

    with reported_errors(), open_archive() as archive:
        count = drain(archive)
    err.print(f"{count} uploaded batches processed")


def _ingest_with_progress(
    batch: Path, archive: "Archive", split_at_blank: bool = False
) -> BatchReport:
    from pipelines.ingest.runner import ingest

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

        return ingest(batch, archive, Reporter(), split_at_blank)


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
