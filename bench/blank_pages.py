"""Blank separator pages told from written ones (ocr.blank), on every page of the corpus and
on separator sheets of each kind, under each condition the sample scans come in.

    .venv/bin/python bench/blank_pages.py [--documents 43] [--conditions heavy,photocopy]

Prints, per condition: the separator sheets found blank, the written pages taken for blank
(the error that cuts a document in two, and drops the page from both), counting pages that
hold one short line only; the smallest content of a written page, of a one-line page, and
the largest of a sheet (mm² of ink: the margin each side of ocr.blank.CONTENT_MM2); and the
milliseconds a page takes to look at.
"""

import argparse
import time
from dataclasses import replace

from PIL import Image, ImageDraw

from ocr.blank import CONTENT_MM2, content_mm2
from samples.batch import render
from samples.conditions import CONDITIONS
from samples.corpus import corpus, document, parts
from samples.scan import degrade
from samples.sheets import SHEETS, separator
from samples.typeset import font, typeset

DPI = {"photocopy": 200, "phone": 130}  # as such scans come; 300 otherwise
SHEET_SEEDS = range(3)
LINES = (("Nơi nhận:", 12), ("- Như trên;", 11), ("Trang 2", 13))  # (text, points)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=len(corpus()))
    parser.add_argument("--conditions", default="clean,medium,heavy,photocopy,phone,folded")
    args = parser.parse_args()
    ids = [doc.id for doc in corpus()][: args.documents]
    print(f"{len(ids)} documents; blank below {CONTENT_MM2} mm² of content")
    print(
        "condition   dpi  sheets blank  pages taken blank  least page mm²  least line mm²"
        "  most sheet mm²  ms/page"
    )
    for name in args.conditions.split(","):
        dpi = DPI.get(name, 300)
        condition = replace(CONDITIONS[name], sealed=False)
        size = (round(8.27 * dpi), round(11.69 * dpi))
        sheets = []
        for seed in SHEET_SEEDS:
            printed = typeset(parts(document(ids[seed % len(ids)])), dpi)[0].image
            sheets += [
                degrade(separator(k, size, dpi, printed), condition, dpi, seed) for k in SHEETS
            ]
        timings: list[float] = []
        sheet_ink = [_timed(image, dpi, timings) for image in sheets]
        page_ink = [
            _timed(image, dpi, timings) for i in ids for image, _ in render(i, dpi, name, 11)
        ]
        line_ink = [
            _timed(degrade(_line(text, points, size, dpi), condition, dpi, seed), dpi, timings)
            for text, points in LINES
            for seed in SHEET_SEEDS
        ]
        blank = sum(ink < CONTENT_MM2 for ink in sheet_ink)
        written = page_ink + line_ink
        wrong = sum(ink < CONTENT_MM2 for ink in written)
        print(
            f"{name:<10} {dpi:>4}  {blank:>5}/{len(sheet_ink):<6}  {wrong:>6}/{len(written):<10}"
            f"  {min(page_ink):>14.1f}  {min(line_ink):>14.1f}  {max(sheet_ink):>14.1f}"
            f"  {1000 * sum(timings) / len(timings):>7.1f}",
            flush=True,
        )


def _line(text: str, points: float, size: tuple[int, int], dpi: int) -> Image.Image:
    """A page holding one short line and nothing else."""
    page = Image.new("L", size, 255)
    at = (size[0] // 3, size[1] // 8)
    ImageDraw.Draw(page).text(at, text, fill=0, font=font("regular", round(points * dpi / 72)))
    return page


def _timed(image: Image.Image, dpi: int, timings: list[float]) -> float:
    start = time.perf_counter()
    ink = content_mm2(image, dpi)
    timings.append(time.perf_counter() - start)
    return ink


if __name__ == "__main__":
    main()
