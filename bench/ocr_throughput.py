"""Throughput of `sohoa ingest` against raw tesseract, and how it scales.

    .venv/bin/python bench/ocr_throughput.py [--rounds 2] [--scaling 20,100,500] [--volume 500]

1. On the same pages (9 corpus documents, 20 pages at 300 dpi, medium scans) it runs, in
   turn, raw tesseract (`tesseract page out -l vie txt`, OMP_THREAD_LIMIT=1, one process per
   core: the speed limit of the machine) and `sohoa ingest` to PDF/A in a fresh SOHOA_HOME,
   `--rounds` times each, and prints the medians, their ratio and the memory (bench.measure:
   peak resident set of the largest process, peak anonymous memory of the process tree).
2. Scaling: batches of each `--scaling` size (those documents again, every page made unique
   by one pixel) and one document of `--volume` pages: time per page and peak memory, which
   should stay flat as the batch grows.
"""

import argparse
import os
import statistics
import tempfile
from pathlib import Path

from PIL import Image

from bench.measure import Measured, check, measured
from samples.batch import render

ROOT = Path(__file__).resolve().parent.parent
SOHOA = str(ROOT / ".venv" / "bin" / "sohoa")
DOCS = ("004", "006", "010", "014", "016", "018", "020", "022", "034")  # 20 pages at 300 dpi
CORES = os.cpu_count() or 1


def timed(command: list[str], env: dict[str, str]) -> Measured:
    return check(measured(command, env), command)


def write_documents(folder: Path, pages: dict[str, list[Image.Image]], count: int) -> int:
    """Folders of JPEG pages, the corpus documents over and over, until `count` pages."""
    written, copy = 0, 0
    while written < count:
        for corpus_id, images in pages.items():
            document = folder / f"{corpus_id}-{copy:03d}"
            document.mkdir(parents=True)
            for n, image in enumerate(images[: count - written], start=1):
                unique = image.copy()
                unique.putpixel((copy, n), (0, 0, 0))  # another scan, another checksum
                unique.save(document / f"page-{n}.jpg", quality=90, dpi=(300, 300))
            written += min(len(images), count - written)
            if written == count:
                return written
        copy += 1
    return written


def ingest(batch: Path, home: Path) -> Measured:
    return timed([SOHOA, "ingest", str(batch)], {**os.environ, "SOHOA_HOME": str(home)})


def compare(work: Path, pages: dict[str, list[Image.Image]], rounds: int) -> None:
    batch = work / "same-pages"
    count = write_documents(batch, pages, sum(len(p) for p in pages.values()))
    flat = work / "flat"
    flat.mkdir()
    for page in batch.rglob("*.jpg"):
        (flat / f"{page.parent.name}-{page.name}").hardlink_to(page)
    each_page = f"xargs -P {CORES} -I{{}} tesseract {{}} {{}} -l vie txt 2>/dev/null"
    raw_command = ["sh", "-c", f"ls {flat}/*.jpg | {each_page}"]
    raw, sohoa = [], []
    for round_number in range(rounds):
        raw.append(timed(raw_command, {**os.environ, "OMP_THREAD_LIMIT": "1"}))
        sohoa.append(ingest(batch, work / f"home-{round_number}"))
    scans = f"{len(pages)} documents, {count} pages, 300 dpi, medium scans"
    print(f"{scans}, {CORES} cores, {rounds} rounds")
    raw_seconds = summary("raw tesseract", raw, count)
    sohoa_seconds = summary("sohoa ingest", sohoa, count)
    print(f"{'ratio':15} {raw_seconds / sohoa_seconds:.2f}× raw tesseract\n")


def summary(label: str, runs: list[Measured], pages: int) -> float:
    """Print the median speed and the peak memory of `runs`; return the median seconds."""
    seconds = statistics.median(run.seconds for run in runs)
    peak = max(run.peak_mib for run in runs)
    anonymous = max(run.anonymous_mib for run in runs)
    speed = pages / seconds * 60
    print(
        f"{label:15} {speed:6.1f} pages/min  ({seconds:.1f} s,"
        f" peak RSS {peak:.0f} MiB, anonymous {anonymous:.0f} MiB)"
    )
    return seconds


def scale(work: Path, pages: dict[str, list[Image.Image]], sizes: list[int], volume: int) -> None:
    print(
        f"{'batch':>22} {'pages':>6} {'s/page':>7} {'pages/min':>9} {'peak RSS MiB':>13}"
        f" {'anonymous MiB':>14}"
    )
    cases = [(f"{size} pages", size, pages) for size in sizes]
    if volume:  # one long document: the first page of every document, over and over
        cases.append(
            (f"one of {volume} pages", volume, {"volume": [p[0] for p in pages.values()] * volume})
        )
    for label, size, source in cases:
        batch = work / label.replace(" ", "-")
        count = write_documents(batch, source, size)
        run = ingest(batch, work / f"home-{label.replace(' ', '-')}")
        print(
            f"{label:>22} {count:6} {run.seconds / count:7.2f} {count / run.seconds * 60:9.1f}"
            f" {run.peak_mib:13.0f} {run.anonymous_mib:14.0f}"
        )


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--rounds", type=int, default=2)
    options.add_argument("--scaling", default="20,100,500", help="batch sizes in pages; '' to skip")
    options.add_argument(
        "--volume", type=int, default=500, help="pages of one long document; 0 to skip"
    )
    args = options.parse_args()
    pages = {d: [image for image, _ in render(d, 300, "medium", seed=1)] for d in DOCS}
    with tempfile.TemporaryDirectory(prefix="sohoa-bench-") as folder:
        compare(Path(folder), pages, args.rounds)
        sizes = [int(size) for size in args.scaling.split(",") if size]
        if sizes or args.volume:
            scale(Path(folder), pages, sizes, args.volume)


if __name__ == "__main__":
    main()
