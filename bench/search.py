"""Search at archive scale: pages generated from the corpus, bulk-indexed into each backend,
then a mix of staff queries on the warm index.

    .venv/bin/python bench/search.py [--pages 100000] [--queries 200] [--backends sqlite,opensearch]

Records have four pages of corpus text, permuted so that no two pages are alike (sentences
shuffled, a few words swapped), and metadata varied (type, year, agency, access level,
retention status, pages to review). Indexing is the backend's rebuild, as `sohoa reindex`
runs it, Python's text normalisation included. The queries (accentless words, accented
words, phrases, filtered searches, number look-ups, as readers and as officers) run
WARM_PASSES times to warm up, then once measured: latency is the client's, snippets
included. OpenSearch is a real node on loopback (tools/opensearch-node, 1 GB heap),
measured once it has merged the segments of the bulk load. With both backends, it prints
how often they put the same record first and the same ten records first.
"""

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from archive_schema.models import Document, Page, Retention
from archive_schema.vietnamese import fold
from archive_schema.vocab import cleared_for
from indexing import SearchBackend, open_search
from indexing.base import SearchQuery, Sort
from indexing.opensearch import OpenSearchSearch
from indexing.query import words
from samples.corpus import corpus
from tests.opensearch_node import opensearch_node

PAGES_PER_RECORD = 4
# Passes of the queries before the one measured: OpenSearch's JVM compiles its hot code
# after thousands of calls (at 1,000,000 pages, p95 124 ms after one pass, 99 ms after
# three), as a node in service long has.
WARM_PASSES = 3
WORDS_PER_PAGE = 250
LEVELS = ("public", "internal", "internal", "restricted")
STATUSES = ("classified", "classified", "unclassified", "review")


def records(count: int) -> Iterator[Document]:
    """`count` records of corpus text, each permuted with its own seed."""
    sources = corpus()
    for n in range(count):
        source = sources[n % len(sources)]
        rng = random.Random(n)
        sentences = [s for s in source.text.replace("\n", " ").split(". ") if s.strip()]
        rng.shuffle(sentences)
        stream = " ".join(sentences).split()
        for _ in range(len(stream) // 20):  # a few words swapped
            i, j = rng.randrange(len(stream)), rng.randrange(len(stream))
            stream[i], stream[j] = stream[j], stream[i]
        while len(stream) < WORDS_PER_PAGE * PAGES_PER_RECORD:
            stream += stream
        year = 1995 + n % 30
        yield Document(
            id=f"bench-{n:06d}",
            batch_id="bench",
            source_name=source.id,
            doc_type=source.truth["doc_type"],
            number_symbol=f"{n}/{source.truth['number_symbol'].split('/')[-1]}",
            issue_date=date(year, 1 + n % 12, 1 + n % 28),
            issuing_agency=source.truth["issuing_agency"],
            subject=source.truth["subject"],
            access_level=LEVELS[n % len(LEVELS)],
            retention=Retention(schedule="bench", status=STATUSES[n % len(STATUSES)]),
            pages=[
                Page(
                    number=p + 1,
                    text=" ".join(stream[p * WORDS_PER_PAGE : (p + 1) * WORDS_PER_PAGE]),
                    confidence=90,
                    needs_review=(n + p) % 40 == 0,
                )
                for p in range(PAGES_PER_RECORD)
            ],
        )


KINDS = ("accentless", "accented", "phrase", "filtered", "number")


def queries(count: int) -> list[tuple[str, SearchQuery]]:
    """Mixed staff queries of each kind, drawn from the corpus's own words and numbers."""
    rng = random.Random(2026)
    sources = corpus()
    runs = [words(s) for doc in sources for s in doc.text.split(". ") if len(words(s)) >= 4]
    reader, officer = cleared_for("internal"), cleared_for("secret")
    mixed: list[tuple[str, SearchQuery]] = []
    for n in range(count):
        run = rng.choice(runs)
        start = rng.randrange(len(run) - 3)
        two, three = run[start : start + 2], run[start : start + 3]
        levels = officer if n % 5 == 0 else reader
        kind = KINDS[n % len(KINDS)]
        doc = rng.choice(sources)
        if kind == "accentless":
            query = SearchQuery(fold(" ".join(two)), levels)
        elif kind == "accented":
            query = SearchQuery(" ".join(two), levels)
        elif kind == "phrase":
            query = SearchQuery(f'"{" ".join(three)}"', levels)
        elif kind == "filtered":
            query = SearchQuery(
                fold(" ".join(two)), levels, doc_type=doc.truth["doc_type"], sort=Sort.DATE
            )
        else:  # the number of one of the first thousand records
            record = rng.randrange(1000)
            notation = sources[record % len(sources)].truth["number_symbol"].split("/")[-1]
            query = SearchQuery(f"{record}/{notation}", levels)
        mixed.append((kind, query))
    return mixed


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(len(values) * 0.95) - 1)]


def measure(
    backend: SearchBackend, pages: int, mixed: list[tuple[str, SearchQuery]]
) -> tuple[dict[str, float], list[list[str]]]:
    """The backend's figures, and the first ten hits of each query."""
    started = time.perf_counter()
    indexed = backend.rebuild(records(pages // PAGES_PER_RECORD))
    seconds = time.perf_counter() - started
    settled(backend)
    for _ in range(WARM_PASSES):
        for _, query in mixed:
            backend.search(query)
    latencies: dict[str, list[float]] = {kind: [] for kind in KINDS}
    matched: list[int] = []
    firsts: list[list[str]] = []
    for kind, query in mixed:
        started = time.perf_counter()
        results = backend.search(query)
        latencies[kind].append((time.perf_counter() - started) * 1000)
        matched.append(results.total)
        firsts.append([hit.document_id for hit in results.hits])
    every = [ms for values in latencies.values() for ms in values]
    figures = {
        "pages": indexed * PAGES_PER_RECORD,
        "seconds": seconds,
        "pages/s": indexed * PAGES_PER_RECORD / seconds,
        "p50": statistics.median(every),
        "p95": p95(every),
        "max": max(every),
        "found": sum(map(bool, matched)),
        "median matches": statistics.median(matched),
    }
    for kind, values in latencies.items():
        figures[f"{kind} p50"], figures[f"{kind} p95"] = statistics.median(values), p95(values)
    return figures, firsts


def settled(backend: SearchBackend) -> None:
    """Once OpenSearch has merged the segments the bulk load left (as an archive is between
    two batches): the merges would take a core from the searches measured."""
    if not isinstance(backend, OpenSearchSearch):
        return
    started, quiet = time.perf_counter(), 0
    while quiet < 5:  # seconds without a merge: one merge may start as the last ends
        merges = backend.client.indices.stats(index=backend.alias, metric="merge")
        quiet = 0 if merges["_all"]["total"]["merges"]["current"] else quiet + 1
        time.sleep(1)
    print(f"opensearch: merges over {time.perf_counter() - started:.0f} s after indexing")


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--pages", type=int, default=100_000)
    options.add_argument("--queries", type=int, default=200)
    options.add_argument("--backends", default="sqlite,opensearch")
    args = options.parse_args()
    mixed = queries(args.queries)
    results, firsts = {}, {}
    with tempfile.TemporaryDirectory(prefix="sohoa-bench-search-") as work:
        for name in args.backends.split(","):
            if name == "sqlite":
                backend = open_search(f"sqlite:///{Path(work) / 'search.db'}")
                results[name], firsts[name] = measure(backend, args.pages, mixed)
                backend.close()
            else:
                with opensearch_node(Path(work) / "opensearch", heap="1g") as url:
                    backend = open_search(url)
                    results[name], firsts[name] = measure(backend, args.pages, mixed)
                    backend.close()
            print(f"{name}: indexed in {results[name]['seconds']:.0f} s", flush=True)
    print(f"\n{args.queries} mixed queries on a warm index; latency in ms, as the client sees it")
    print(
        f"{'backend':<11}{'pages':>8}{'index s':>9}{'pages/s':>9}{'p50':>7}{'p95':>7}{'max':>7}"
        f"{'found':>7}"
    )
    for name, r in results.items():
        print(
            f"{name:<11}{r['pages']:>8.0f}{r['seconds']:>9.1f}{r['pages/s']:>9.0f}"
            f"{r['p50']:>7.1f}{r['p95']:>7.1f}{r['max']:>7.1f}{r['found']:>7.0f}"
        )
    print("\np50 / p95 ms by kind of query")
    print(f"{'backend':<11}" + "".join(f"{kind:>16}" for kind in KINDS))
    for name, r in results.items():
        cells = "".join(f"{r[f'{k} p50']:>8.1f}{r[f'{k} p95']:>8.1f}" for k in KINDS)
        print(f"{name:<11}{cells}")
    if len(firsts) == 2:
        pairs = list(zip(*firsts.values(), strict=True))
        first = sum(a[:1] == b[:1] for a, b in pairs) / len(pairs)
        ten = sum(a == b for a, b in pairs) / len(pairs)
        print(f"\nthe same first hit on both: {first:.0%}; the same ten, in order: {ten:.0%}")


if __name__ == "__main__":
    main()
