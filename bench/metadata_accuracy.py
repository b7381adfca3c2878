"""Metadata accuracy: the corpus rendered as scans, OCRed, and its header fields parsed,
compared with the printed metadata of each document.

    .venv/bin/python bench/metadata_accuracy.py [--dpi 300] [--condition medium] [--docs all]

A field counts as right when it equals the truth in the canonical form (NFC, one tone
placement, spaces collapsed, typographic quotes as plain quotes, signer-title line breaks
as spaces). Rendered pages are a floor to beat, not proof of accuracy on real scans.
"""

import argparse
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from archive_schema.models import DESCRIPTIVE_FIELDS
from archive_schema.vietnamese import normalize
from ocr.convert import scans_to_pdfa
from ocr.header import parse_header
from samples.batch import write_batch
from samples.corpus import corpus

# The record fields the corpus metadata gives (it lists the authority marks separately).
FIELDS = tuple(f for f in DESCRIPTIVE_FIELDS if f in corpus()[0].truth or f == "authority_mark")
QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


def key(value: Any) -> str:
    if isinstance(value, list):
        value = " | ".join(map(str, value))
    text = normalize("" if value is None else str(value)).translate(QUOTES).replace(" / ", " ")
    return " ".join(text.split())


def truth_of(truth: dict[str, Any], field: str) -> Any:
    if field == "authority_mark":
        return " ".join(truth["signer_authority_marks"]) or None
    return truth[field]


def parse(files: list[Path]) -> dict[str, Any]:
    os.environ["OMP_THREAD_LIMIT"] = "1"
    with tempfile.TemporaryDirectory() as work:
        pages, _ = scans_to_pdfa(files, Path(work) / "out.pdf")
    return parse_header(pages).model_dump()


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--dpi", type=int, default=300)
    options.add_argument("--condition", default="medium")
    options.add_argument("--docs", default="all")
    args = options.parse_args()
    ids = [d.id for d in corpus()] if args.docs == "all" else args.docs.split(",")
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as folder:
        batch = write_batch(
            Path(folder) / "batch", ids, dpi=args.dpi, condition=args.condition, formats=["tiff"]
        )
        files = [[batch.path / doc.name] for doc in batch.documents]
        with ProcessPoolExecutor(os.cpu_count()) as pool:
            parsed = list(pool.map(parse, files))
    right = dict.fromkeys(FIELDS, 0)
    misses = []
    for doc, found in zip(batch.documents, parsed, strict=True):
        for field in FIELDS:
            want, got = truth_of(doc.truth, field), found[field]
            if key(want) == key(got):
                right[field] += 1
            else:
                misses.append(f"  {doc.corpus_id} {field}: read {got!r}, printed {want!r}")
    n = len(batch.documents)
    scans = f"{n} documents ({batch.page_count} pages), {args.dpi} dpi, {args.condition}"
    print(f"Metadata accuracy, {scans}:")
    for field in FIELDS:
        print(f"  {field:15} {right[field]:3}/{n}  {100 * right[field] / n:5.1f}%")
    total = sum(right.values())
    print(
        f"  {'all fields':15} {total:3}/{n * len(FIELDS)}  {100 * total / (n * len(FIELDS)):5.1f}%"
    )
    print(f"({time.monotonic() - started:.0f} s)")
    if misses:
        print("Mismatches:", *misses, sep="\n")


if __name__ == "__main__":
    sys.exit(main())
