"""The search page under load: its server time (the Server-Timing header: the query, facets,
snippets and the page rendered) and the time the client waits, over mixed queries.

    .venv/bin/python bench/web_search.py [--pages 100000] [--requests 100]

The SQLite index is filled with the records of bench/search.py; a reader logs in through
the form, then asks for the search page once per query (warm-up first, not counted).
"""

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from bench.search import PAGES_PER_RECORD, queries, records
from indexing import open_search
from indexing.base import SearchQuery
from pipelines.settings import Settings
from tests.web_server import add_user, logged_in_client, web_server

PASSWORD = "bench-reader-2026"


def url_of(query: SearchQuery) -> str:
    parameters = {"q": query.text, "sort": query.sort.value}
    if query.doc_type:
        parameters["type"] = query.doc_type
    return "/?" + urlencode(parameters)


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(len(values) * 0.95) - 1)]


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--pages", type=int, default=100_000)
    options.add_argument("--requests", type=int, default=100)
    args = options.parse_args()
    with tempfile.TemporaryDirectory(prefix="sohoa-bench-web-") as work:
        home = Path(work)
        search = open_search(Settings(home=home).search_url)
        search.rebuild(records(args.pages // PAGES_PER_RECORD))
        search.close()
        add_user(home, "reader", "reader", PASSWORD)
        mixed = [query for _, query in queries(args.requests)]
        with web_server(home) as url:
            client = logged_in_client(url, "reader", PASSWORD)
            for query in mixed:
                client.get(url + url_of(query))
            server, waited = [], []
            for query in mixed:
                started = time.perf_counter()
                answer = client.get(url + url_of(query))
                waited.append((time.perf_counter() - started) * 1000)
                assert answer.status_code == 200, answer.text[:300]
                server.append(float(answer.headers["server-timing"].split("dur=")[1]))
    print(f"search page, {args.requests} requests, {args.pages} pages in SQLite FTS5 (ms)")
    print(f"server time  p50 {statistics.median(server):6.1f}  p95 {p95(server):6.1f}")
    print(f"client wait  p50 {statistics.median(waited):6.1f}  p95 {p95(waited):6.1f}")


if __name__ == "__main__":
    main()
