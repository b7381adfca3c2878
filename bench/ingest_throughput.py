"""Throughput of `sohoa ingest` against raw tesseract on the same pages.

    .venv/bin/python bench/ingest_throughput.py [--docs 004,006,...] [--dpi 300] [--rounds 2]

Raw tesseract is the speed limit: `tesseract page.png out -l vie txt` with
OMP_THREAD_LIMIT=1, one process per core. `sohoa ingest` does everything besides (PDF/A,
XMP, packaging with verification, catalog, index) in a fresh SOHOA_HOME. The two run in
turn, `--rounds` times each; the medians are printed, with the peak resident memory of the
largest process of each run.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from samples.batch import render, write_batch

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DOCS = "004,006,010,014,016,018,020,022,034"  # 9 documents, 20 pages at 300 dpi


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds and peak RSS (MiB) of the biggest process of `command` and its children."""
    started = time.monotonic()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    if os.waitstatus_to_exitcode(status) != 0:
        error = process.stderr.read().decode() if process.stderr else ""
        sys.exit(f"{command[0]} failed: {error}")
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--docs", default=DEFAULT_DOCS)
    options.add_argument("--dpi", type=int, default=300)
    options.add_argument("--condition", default="medium")
    options.add_argument("--rounds", type=int, default=2)
    args = options.parse_args()
    cores = os.cpu_count() or 1
    ids = args.docs.split(",")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        batch = write_batch(work / "batch", ids, dpi=args.dpi, condition=args.condition, seed=1)
        pages = work / "pages"
        pages.mkdir()
        for corpus_id in ids:
            for n, (image, _) in enumerate(
                render(corpus_id, args.dpi, args.condition, seed=1), start=1
            ):
                image.save(pages / f"{corpus_id}-{n:03d}.png", dpi=(args.dpi, args.dpi))
        count = batch.page_count
        print(
            f"{len(ids)} documents, {count} pages, {args.dpi} dpi, {args.condition}, {cores} cores"
        )
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        each_page = f"xargs -P {cores} -I{{}} tesseract {{}} {{}} -l vie txt 2>/dev/null"
        raw_command = ["sh", "-c", f"ls {pages}/*.png | {each_page}"]
        raw, ingest = [], []
        for round_number in range(args.rounds):
            raw.append(timed(raw_command, env))
            home = work / f"home-{round_number}"
            sohoa = [str(ROOT / ".venv" / "bin" / "sohoa"), "ingest", str(batch.path)]
            ingest.append(timed(sohoa, {**os.environ, "SOHOA_HOME": str(home)}))
        raw_seconds = summary("raw tesseract", raw, count)
        ingest_seconds = summary("sohoa ingest", ingest, count)
        print(f"ratio           {raw_seconds / ingest_seconds:.2f}× raw tesseract")


def summary(label: str, runs: list[tuple[float, float]], pages: int) -> float:
    """Print the median speed and the peak memory of `runs`; return the median seconds."""
    seconds = statistics.median(t for t, _ in runs)
    peak = max(m for _, m in runs)
    speed = pages / seconds * 60
    print(f"{label:15} {speed:6.1f} pages/min  ({seconds:.1f} s, peak RSS {peak:.0f} MiB)")
    return seconds


if __name__ == "__main__":
    main()
