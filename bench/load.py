"""The search page under load while a batch is ingested: 50 readers (locust, on loopback)
search and open records for a bounded time as `sohoa ingest` archives a batch of scans
into the same home.

    .venv/bin/python bench/load.py [--readers 50] [--seconds 120] [--pages 100000]
                                   [--batch 30]

A first batch of five corpus documents is archived, so that there are records to open;
the search index then gets the generated records of bench/search.py besides (`--pages`).
`sohoa serve` (a process per core) answers; once the readers are logged in, a second batch of
`--batch` documents starts ingesting, and the readers go on for `--seconds`. Prints, for
the search page and the record page, the requests, the failures (an error or no answer
counts), p50, p95, p99 and the most; and whether the ingest ran throughout and archived
every document.
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from archive_schema.access import Role
from archive_schema.accounts import Accounts
from archive_schema.catalog import Catalog
from bench.search import PAGES_PER_RECORD, queries, records
from bench.web_search import url_of
from indexing import open_search
from pipelines.settings import Settings
from samples.batch import write_batch
from samples.corpus import corpus
from tests.web_server import web_server

BIN = Path(sys.executable).parent
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
PASSWORD = "bench-reader-2026"
FIRST = 5  # documents archived before the load, for the readers to open
SHOWN = ("search", "document")


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--readers", type=int, default=50)
    options.add_argument("--seconds", type=int, default=120)
    options.add_argument("--pages", type=int, default=100_000)
    options.add_argument("--batch", type=int, default=30, help="documents ingested under load")
    args = options.parse_args()
    ids = [doc.id for doc in corpus()]
    with tempfile.TemporaryDirectory(prefix="sohoa-bench-load-") as folder:
        work = Path(folder)
        home = work / "home"
        env = os.environ | {"SOHOA_HOME": str(home)}
        write_batch(work / "first", ids[:FIRST])
        write_batch(work / "second", ids[FIRST : FIRST + args.batch])
        subprocess.run([BIN / "sohoa", "ingest", work / "first"], env=env, check=True)
        settings = Settings(home=home)
        archived = Catalog(settings.database_url).document_ids()
        search = open_search(settings.search_url)
        search.index(records(args.pages // PAGES_PER_RECORD))
        search.close()
        accounts = Accounts(Catalog(settings.database_url))
        for n in range(args.readers):
            accounts.add(f"reader{n}", PASSWORD, Role.READER)
        urls = work / "queries.json"
        urls.write_text(json.dumps([url_of(query) for _, query in queries(200)]))
        with web_server(home) as url:
            locust = subprocess.Popen(
                [
                    *(BIN / "locust", "-f", LOCUSTFILE, "--headless", "--host", url),
                    *("--users", str(args.readers), "--spawn-rate", str(args.readers)),
                    *("--run-time", f"{args.seconds}s", "--csv", work / "load", "--only-summary"),
                ],
                env=os.environ
                | {
                    "SOHOA_LOAD_QUERIES": str(urls),
                    "SOHOA_LOAD_DOCUMENTS": ",".join(sorted(archived)),
                    "SOHOA_LOAD_READERS": str(args.readers),
                    "SOHOA_LOAD_PASSWORD": PASSWORD,
                },
                stdout=subprocess.DEVNULL,
                stderr=(work / "locust.log").open("w"),
            )
            time.sleep(5)  # the readers log in before the batch starts
            started = time.monotonic()
            ingest = subprocess.Popen(
                [BIN / "sohoa", "ingest", work / "second"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            locust.wait()
            throughout = ingest.poll() is None
            ingested = ingest.wait()
            took = time.monotonic() - started
        added = len(Catalog(settings.database_url).document_ids()) - len(archived)
        _print(work / "load_stats.csv", args)
        with (work / "load_failures.csv").open() as opened:
            failures = list(csv.DictReader(opened))
        for row in failures:
            print(f"failed: {row['Occurrences']} × {row['Method']} {row['Name']}: {row['Error']}")
        if failures:  # what the server said of them
            print((home / "serve.log").read_text()[-4000:])
        print(
            f"\ningest of {args.batch} documents under load: exit {ingested}, {added} archived"
            f" in {took:.0f} s; {'running' if throughout else 'ended'} when the readers"
            " stopped"
        )


def _print(stats: Path, args: argparse.Namespace) -> None:
    with stats.open() as opened:
        rows = {row["Name"]: row for row in csv.DictReader(opened)}
    print(
        f"\n{args.readers} readers for {args.seconds} s, {args.pages:,} generated pages"
        " besides the archived records, SQLite FTS5; ms as locust sees them"
    )
    print(f"{'page':<10}{'requests':>9}{'failures':>9}{'p50':>7}{'p95':>7}{'p99':>7}{'max':>8}")
    for name in SHOWN:
        row = rows[name]
        print(
            f"{name:<10}{row['Request Count']:>9}{row['Failure Count']:>9}{row['50%']:>7}"
            f"{row['95%']:>7}{row['99%']:>7}{float(row['Max Response Time']):>8.0f}"
        )


if __name__ == "__main__":
    main()
