"""Does the right record come first? Staff queries made by rule from the corpus, run on the
corpus rendered to scans and archived, on both search backends.

    .venv/bin/python bench/relevance.py [--condition medium] [--dpi 300]

Renders every corpus document into one batch of scans, archives it with `sohoa ingest`
(SQLite FTS5 index), then indexes the same records into an OpenSearch node on loopback
(`sohoa reindex`). Each document gets queries of seven kinds, each typed with its accents
and without (the number as printed):
- subject window: the 4 consecutive words of the subject (trích yếu) rarest in the corpus;
- subject: the whole subject, without its "V/v" or "Về việc";
- number: the number and notation;
- agency and type: the type, then the issuing agency ("quyết định ủy ban nhân dân tỉnh …");
- agency abbreviated: the same with the agency's head as staff type it ("quyết định ubnd
  tỉnh …"), for agencies headed so;
- signer: the signer's name;
- body phrase: the 5 consecutive words of the body rarest in the corpus;
- damaged word: the subject window with its longest word one edit off, as OCR or a typing
  slip leaves it: a letter dropped, two letters swapped, one misread, or one typed twice.
A query succeeds at k when the record it was made from is among the first k hits (for the
agency, type and signer kinds: or a record with the same ones; for a subject window, whole
or damaged: or a record whose subject holds the same window). Prints
success@1, success@5 and the mean reciprocal rank per kind and backend, and how often both
backends put the same record first.
"""

import argparse
import math
import os
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from archive_schema.catalog import Catalog
from archive_schema.vietnamese import fold
from archive_schema.vocab import ACCESS_LEVELS
from indexing import open_search
from indexing.base import SearchBackend, SearchQuery
from indexing.query import words
from pipelines.settings import Settings
from samples.batch import write_batch
from samples.corpus import CorpusDocument, corpus, parts
from tests.opensearch_node import opensearch_node

SOHOA = str(Path(sys.executable).parent / "sohoa")
SUBJECT_WINDOW, BODY_WINDOW = 4, 5
SHOWN = 10  # hits asked for: a rank beyond counts as not found
KINDS = (
    "subject window",
    "subject",
    "number",
    "agency and type",
    "agency abbreviated",
    "signer",
    "body phrase",
    "damaged word",
)
_SUBJECT_LEAD = ("v v", "ve viec")
MISREAD = dict(zip("nuceliohmrat", "uneciluhnnol", strict=True))  # as OCR confuses them
ABBREVIATED = {  # an agency's head, folded, as staff abbreviate it
    "uy ban nhan dan": "ubnd",
    "hoi dong nhan dan": "hđnd",
    "dang bo": "đb",
}


@dataclass(frozen=True)
class Query:
    kind: str
    accents: bool
    text: str
    expected: frozenset[str]  # the corpus ids it is right to find first


def queries(documents: tuple[CorpusDocument, ...]) -> Iterator[Query]:
    frequency = Counter(w for doc in documents for w in set(fold(doc.text).split()))

    def rarest(run: list[str], size: int) -> list[str]:
        """The `size` consecutive words of `run` whose words are rarest in the corpus."""
        windows = [run[i : i + size] for i in range(max(1, len(run) - size + 1))]
        return min(windows, key=lambda w: sum(math.log(frequency[fold(x)] or 1) for x in w))

    def alike(*fields: str) -> dict[str, frozenset[str]]:
        """Each document's corpus ids that share its `fields` (the same agency and type,
        the same signer): any of them is a right first hit for a query made of those."""
        key = {d.id: tuple(fold(str(d.truth[f])) for f in fields) for d in documents}
        return {i: frozenset(j for j in key if key[j] == key[i]) for i in key}

    sharing = {"agency": alike("doc_type", "issuing_agency"), "signer": alike("signer_name")}
    for n, doc in enumerate(documents):
        truth = doc.truth
        subject = _without_lead(words(truth["subject"] or ""))
        window = rarest(subject, SUBJECT_WINDOW)
        about = frozenset(d.id for d in documents if _in_subject(d, window)) | {doc.id}
        expected = {
            "subject window": about,
            "damaged word": about,
            "agency and type": sharing["agency"][doc.id],
            "agency abbreviated": sharing["agency"][doc.id],
            "signer": sharing["signer"][doc.id],
        }
        typed = {
            "subject window": " ".join(window),
            "subject": " ".join(subject),
            "agency and type": f"{truth['doc_type']} {truth['issuing_agency']}".lower(),
            "agency abbreviated": _abbreviated(f"{truth['doc_type']} {truth['issuing_agency']}"),
            "signer": (truth["signer_name"] or "").lower(),
            "body phrase": " ".join(rarest(words(_paragraphs(doc)), BODY_WINDOW)),
            "damaged word": " ".join(_damaged(window, n)),
        }
        yield Query("number", True, truth["number_symbol"], frozenset([doc.id]))
        for kind, text in typed.items():
            if text.strip():
                right = expected.get(kind, frozenset([doc.id]))
                yield Query(kind, True, text, right)
                yield Query(kind, False, fold(text), right)


def _in_subject(doc: CorpusDocument, run: list[str]) -> bool:
    return _run_at(words(doc.truth["subject"] or ""), fold(" ".join(run))) is not None


def _without_lead(subject: list[str]) -> list[str]:
    for lead in _SUBJECT_LEAD:
        if _run_at(subject, lead) == 0:
            return subject[len(lead.split()) :]
    return subject


def _paragraphs(doc: CorpusDocument) -> str:
    """The body's paragraphs (no table cells), as one text."""
    return " ".join(block for block in parts(doc).body if isinstance(block, str))


def _abbreviated(text: str) -> str:
    """`text` with its agency's head abbreviated, or "" when it has no such head."""
    typed = words(text)
    for head, short in ABBREVIATED.items():
        if (i := _run_at(typed, head)) is not None:
            return " ".join([*typed[:i], short, *typed[i + len(head.split()) :]])
    return ""


def _run_at(typed: list[str], run: str) -> int | None:
    """Where the folded words `run` first stand in `typed`, accents folded; None if nowhere."""
    folded, size = [fold(w) for w in typed], len(run.split())
    return next(
        (i for i in range(len(folded) - size + 1) if folded[i : i + size] == run.split()), None
    )


def _damaged(window: list[str], kind: int) -> list[str]:
    """`window` with its longest word (of letters) damaged by one edit, of the `kind % 4`th
    sort: a letter dropped, two swapped, one misread as OCR does (`n` as `u`), one typed
    twice."""
    longest = max(range(len(window)), key=lambda i: (window[i].isalpha(), len(window[i])))
    word, middle = window[longest], len(window[longest]) // 2
    head, letter, tail = word[:middle], word[middle], word[middle + 1 :]
    damaged = (
        head + tail,
        head[:-1] + letter + head[-1:] + tail,
        head + MISREAD.get(letter.lower(), "x") + tail,
        head + letter + letter + tail,
    )[kind % 4]
    return [*window[:longest], damaged, *window[longest + 1 :]]


@dataclass(frozen=True)
class Answer:
    rank: int | None  # of the query's record among the first SHOWN hits (1 first); None beyond
    first: str | None  # the corpus id of the first hit


def answers(backend: SearchBackend, asked: list[Query], ids: dict[str, str]) -> list[Answer]:
    found = []
    for query in asked:
        hits = backend.search(
            SearchQuery(query.text, access_levels=frozenset(ACCESS_LEVELS), limit=SHOWN)
        ).hits
        order = [ids.get(hit.document_id) for hit in hits]
        rank = next((n for n, hit in enumerate(order, 1) if hit in query.expected), None)
        found.append(Answer(rank, order[0] if order else None))
    return found


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--condition", default="medium")
    options.add_argument("--dpi", type=int, default=300)
    options.add_argument(
        "--archive",
        type=Path,
        help="keep the batch and its archive in this folder, and reuse them when it has them"
        " (each index is built again: compare rankings on the same OCR)",
    )
    parsed = options.parse_args()
    documents = corpus()
    asked = list(queries(documents))
    with tempfile.TemporaryDirectory(prefix="sohoa-bench-relevance-") as work:
        root = parsed.archive or Path(work)
        env = os.environ | {"SOHOA_HOME": str(root / "home")}
        rendered = root / "batch"
        if not rendered.exists():
            write_batch(
                rendered, [d.id for d in documents], dpi=parsed.dpi, condition=parsed.condition
            )
            subprocess.run(
                [SOHOA, "ingest", str(rendered)], env=env, check=True, capture_output=True
            )
        settings = Settings(home=root / "home")
        archived = list(Catalog(settings.database_url).documents())
        ids = {doc.id: doc.source_name.split(".")[0].split(" (")[0] for doc in archived}
        pages = sum(len(doc.pages) for doc in archived)
        results = {}
        with opensearch_node(Path(work) / "opensearch") as node:
            for backend, url in (("SQLite", settings.search_url), ("OpenSearch", f"{node}/bench")):
                command = [SOHOA, "reindex"]
                subprocess.run(
                    command, env=env | {"SOHOA_SEARCH_URL": url}, check=True, capture_output=True
                )
                results[backend] = answers(open_search(url), asked, ids)
    _print(asked, results, len(ids), pages, parsed)


def _print(
    asked: list[Query],
    results: dict[str, list[Answer]],
    archived: int,
    pages: int,
    parsed: argparse.Namespace,
) -> None:
    scans = f"{parsed.condition} {parsed.dpi} dpi"
    print(f"\n{archived} records, {pages} pages, {scans}; {len(asked)} queries")
    backends = list(results)
    header = " | ".join(f"{b} s@1 | s@5 | MRR" for b in backends)
    print(f"| kind | accents | n | {header} |")
    print("|---|---|---" + "|---|---|---" * len(backends) + "|")
    for kind in KINDS:
        for accents in (False, True):
            rows = [i for i, q in enumerate(asked) if q.kind == kind and q.accents == accents]
            if not rows:
                continue
            cells = []
            for backend in backends:
                found = [results[backend][i].rank for i in rows]
                at1 = sum(r == 1 for r in found) / len(found)
                at5 = sum(r is not None and r <= 5 for r in found) / len(found)
                mrr = statistics.mean(1 / r if r else 0 for r in found)
                cells.append(f"{at1:.0%} | {at5:.0%} | {mrr:.2f}")
            print(f"| {kind} | {'yes' if accents else 'no'} | {len(rows)} | {' | '.join(cells)} |")
    if len(backends) == 2:
        first, second = (results[b] for b in backends)
        agree = sum(a.first == b.first for a, b in zip(first, second, strict=True))
        print(f"\nthe same first hit on both backends: {agree / len(asked):.0%} of the queries")


if __name__ == "__main__":
    main()
