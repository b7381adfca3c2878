"""The `sohoa` command line: stable, scripts and checks use it (README, "Using it").

Exit status: 0 when everything asked for was done, 1 when some document was not archived,
2 when the command could not run at all (bad batch, bad settings), 3 when it failed for a
reason of its own (a fault of the machine or of sohoa, a crash), 4 when a service (the
archive store, the search index, the database, Airflow) stayed unavailable through the
retries, 5 when stored data no longer matches its record: never the status of an ordinary
quarantine.

Each worker process of `sohoa ingest` starts by importing this module again (processes are
spawned, not forked), so it imports the catalog, OCR and search only in the commands that
use them: that saves every worker, and `sohoa --help`, seconds of start-up.
"""

import click

from pipelines.cli import archive, dossiers, ingest, records, search, users
from pipelines.cli.common import Commands, err, read_settings


@click.group(cls=Commands)
@click.version_option(package_name="sohoa")
def main() -> None:
    """sohoa: scanned records to a searchable PDF/A archive.

    Everything a run writes goes under SOHOA_HOME (default ./var); the catalog, archive
    store and search index can be moved with SOHOA_DATABASE_URL, SOHOA_STORAGE_URL and
    SOHOA_SEARCH_URL."""
    from pipelines.ingest.work_folders import own_work_folder

    own_work_folder()


KEEP_ALIVE = 75  # seconds, as nginx keeps a client's connection


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
def serve(host: str, port: int) -> None:
    """Run the web application: search, documents, batch uploads and their progress."""
    import uvicorn

    settings = read_settings()  # a bad setting is said here, not in a traceback of the server
    err.print(f"sohoa on http://{host}:{port} (Ctrl-C stops it)")
    # The application by name: the command line does not import the web (the import arrows).
    # An idle connection is kept longer than a browser or a proxy keeps it before reusing it
    # (uvicorn's 5 s would close it just as a reader's next click arrives on it: the request
    # is lost, "connection reset").
    uvicorn.run(
        "web.app:create_app",
        factory=True,
        host=host,
        port=port,
        log_level="info",
        timeout_keep_alive=KEEP_ALIVE,
        workers=settings.web_workers,  # a process per core: pages are Python, one core each
    )


for command in (
    ingest.ingest,
    ingest.submit,
    ingest.samples,
    ingest.test_pki,
    ingest.demo,
    ingest.process_uploads,
    search.search,
    search.reindex,
    search.export,
    archive.verify,
    archive.rebuild,
    archive.export_package,
    records.retention,
    records.disposal,
    dossiers.dossier,
    users.user,
    users.token,
):
    main.add_command(command)

if __name__ == "__main__":  # `python -m pipelines.cli.main`, as the web starts its worker
    main()
