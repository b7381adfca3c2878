"""OCR quality: corpus documents rendered in named scan conditions, through sohoa's OCR stage.

    .venv/bin/python bench/ocr_quality.py [--docs all] [--conditions clean300,heavy300] [--fields]

For each condition it prints the character and word error rates of the page text against the
ground truth, read in reading order (the header and the signature rows column by column); the
share of character errors that are only a wrong or missing diacritic; the share of metadata
fields read right; the pages the quality score flags for review, of the bad pages (more than 2 %
of character errors) and of the good; and the OCR time per page on one core. Texts are
compared in the canonical form (NFC, one tone placement), runs of white space as one space.
`--fields` adds the accuracy of each field, `--misses` the fields read wrong. Rendered pages
are a floor to beat, not proof of accuracy on real scans.
"""

import argparse
import os
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein

from archive_schema.models import DESCRIPTIVE_FIELDS
from archive_schema.vietnamese import fold, normalize
from ocr.convert import scans_to_pdfa
from ocr.header import parse_header
from ocr.quality import page_quality
from pipelines.settings import Settings
from samples.batch import render
from samples.corpus import corpus, document

CONDITIONS = {  # name: (scan condition, dpi)
    "clean300": ("clean", 300),
    "light300": ("light", 300),
    "medium300": ("medium", 300),
    "medium200": ("medium", 200),
    "heavy300": ("heavy", 300),
    "heavy200": ("heavy", 200),
    "binarised": ("binarised", 300),
    "photocopy200": ("photocopy", 200),
    "phone130": ("phone", 130),
    "folded300": ("folded", 300),
}
BAD_PAGE_CER = 0.02  # a page read with more character errors than this needs a person
DEFAULT_DOCS = "002,004,006,010,014,016,018,020,032"  # 18 pages, every kind of header
# The record fields the corpus metadata gives (it lists the authority marks separately).
FIELDS = tuple(f for f in DESCRIPTIVE_FIELDS if f in corpus()[0].truth or f == "authority_mark")
QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})
REVIEW_BELOW = Settings.model_fields["review_quality"].default


@dataclass
class Reading:
    """One document of one condition as OCR read it."""

    condition: str
    corpus_id: str
    truth_pages: list[str]
    read_pages: list[str]
    qualities: list[float]
    fields: dict[str, Any]
    confidence: dict[str, float]
    seconds: float


@dataclass
class Score:
    chars: int = 0
    char_errors: int = 0
    diacritic_errors: int = 0
    words: int = 0
    word_errors: int = 0
    flagged: int = 0
    bad: int = 0  # pages read with more than BAD_PAGE_CER of character errors
    bad_flagged: int = 0
    fields_right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    misses: list[str] = field(default_factory=list)
    unsure: int = 0  # fields read whose confidence is under REVIEW_BELOW
    unsure_wrong: int = 0
    sure: int = 0
    sure_wrong: int = 0
    documents: int = 0
    pages: int = 0
    seconds: float = 0.0

    def add(self, reading: Reading) -> None:
        pages = zip(reading.truth_pages, reading.read_pages, reading.qualities, strict=True)
        for truth, read, quality in pages:
            bad = self._add_page(canonical(truth), canonical(read)) > BAD_PAGE_CER
            flagged = quality < REVIEW_BELOW
            self.flagged += flagged
            self.bad += bad
            self.bad_flagged += bad and flagged
        for name in FIELDS:
            printed = truth_of(document(reading.corpus_id).truth, name)
            right = field_key(printed) == field_key(reading.fields[name])
            if name in reading.confidence:
                unsure = reading.confidence[name] < REVIEW_BELOW
                self.unsure += unsure
                self.unsure_wrong += unsure and not right
                self.sure += not unsure
                self.sure_wrong += not unsure and not right
            if right:
                self.fields_right[name] += 1
            else:
                read = reading.fields[name]
                self.misses.append(
                    f"  {reading.corpus_id} {name}: read {read!r}, printed {printed!r}"
                )
        self.documents += 1
        self.seconds += reading.seconds

    def _add_page(self, truth: str, read: str) -> float:
        """The page's character error rate, its errors counted."""
        operations = Levenshtein.editops(truth, read)
        diacritic_only = [
            op
            for op in operations
            if op.tag == "replace" and fold(truth[op.src_pos]) == fold(read[op.dest_pos])
        ]
        self.chars += len(truth)
        self.char_errors += len(operations)
        self.diacritic_errors += len(diacritic_only)
        self.words += len(truth.split())
        self.word_errors += Levenshtein.distance(truth.split(), read.split())
        self.pages += 1
        return len(operations) / max(1, len(truth))

    def row(self, condition: str) -> str:
        fields = 100 * sum(self.fields_right.values()) / (self.documents * len(FIELDS))
        return (
            f"{condition:10} {self.pages:5} {100 * self.char_errors / self.chars:7.2f}"
            f" {100 * self.word_errors / self.words:7.2f}"
            f" {100 * self.diacritic_errors / max(1, self.char_errors):8.0f}%"
            f" {fields:8.1f} {self.flagged:7} {f'{self.bad_flagged}/{self.bad}':>9}"
            f" {f'{self.flagged - self.bad_flagged}/{self.pages - self.bad}':>9}"
            f" {self.seconds / self.pages:6.2f}"
        )


HEADER = f"{'condition':10} {'pages':>5} {'CER %':>7} {'WER %':>7} {'diacritic':>9} {'fields %':>8}"
HEADER += f" {'review':>7} {'bad flag':>9} {'good flag':>9} {'s/page':>6}"


def canonical(text: str) -> str:
    return " ".join(normalize(text).split())


def field_key(value: Any) -> str:
    """A field compared in the canonical form, typographic quotes as plain, title lines joined."""
    if isinstance(value, list):
        value = " | ".join(map(str, value))
    return canonical(("" if value is None else str(value)).translate(QUOTES).replace(" / ", " "))


def truth_of(truth: dict[str, Any], name: str) -> Any:
    if name == "authority_mark":
        return " ".join(truth["signer_authority_marks"]) or None
    return truth[name]


def read_document(task: tuple[str, str, dict[str, Any]]) -> Reading:
    """Render one document in one condition and OCR it (in a worker process)."""
    condition_name, corpus_id, ocr_options = task
    condition, dpi = CONDITIONS[condition_name]
    os.environ["OMP_THREAD_LIMIT"] = "1"
    pages = render(corpus_id, dpi, condition, seed=11)
    images = [image for image, _ in pages]
    with tempfile.TemporaryDirectory() as work:
        tiff = Path(work) / "scan.tif"
        compression = "group4" if images[0].mode == "1" else "tiff_deflate"
        images[0].save(
            tiff, save_all=True, append_images=images[1:], dpi=(dpi, dpi), compression=compression
        )
        started = time.monotonic()
        layouts, _ = scans_to_pdfa([tiff], Path(work) / "out.pdf", **ocr_options)
        seconds = time.monotonic() - started
    header = parse_header(layouts)
    return Reading(
        condition=condition_name,
        corpus_id=corpus_id,
        truth_pages=[text for _, text in pages],
        read_pages=[layout.text for layout in layouts],
        qualities=[page_quality(layout) for layout in layouts],
        fields=header.fields.model_dump(),
        confidence=header.confidence,
        seconds=seconds,
    )


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument(
        "--docs", default=DEFAULT_DOCS, help="corpus ids, comma-separated, or 'all'"
    )
    options.add_argument("--conditions", default=",".join(CONDITIONS))
    options.add_argument("--fields", action="store_true", help="accuracy of each metadata field")
    options.add_argument("--misses", action="store_true", help="list the fields read wrong")
    options.add_argument("--language", default="vie")
    options.add_argument("--psm", type=int, default=None, help="tesseract page segmentation mode")
    args = options.parse_args()
    ids = [d.id for d in corpus()] if args.docs == "all" else args.docs.split(",")
    conditions = args.conditions.split(",")
    ocr_options: dict[str, Any] = {"language": args.language}
    if args.psm is not None:
        ocr_options["pagesegmode"] = args.psm
    started = time.monotonic()
    scores = {condition: Score() for condition in conditions}
    with ProcessPoolExecutor(os.cpu_count()) as pool:
        for reading in pool.map(
            read_document, [(c, i, ocr_options) for c in conditions for i in ids]
        ):
            scores[reading.condition].add(reading)
    review = f"review: pages scoring under {REVIEW_BELOW:g}; bad: CER over {BAD_PAGE_CER:.0%}"
    print(f"OCR quality, {len(ids)} documents, {ocr_options}; {review}")
    print(HEADER)
    for condition, score in scores.items():
        print(score.row(condition))
    for condition, score in scores.items():
        if args.fields:
            print(
                f"{condition}: "
                + "  ".join(f"{n} {score.fields_right[n]}/{score.documents}" for n in FIELDS)
            )
            print(
                f"{condition}: fields read with confidence under {REVIEW_BELOW:g}:"
                f" {score.unsure_wrong}/{score.unsure} wrong; the others:"
                f" {score.sure_wrong}/{score.sure} wrong"
            )
        if args.misses and score.misses:
            print(f"{condition} misses:", *score.misses, sep="\n")
    print(f"({time.monotonic() - started:.0f} s; s/page is OCR time per page on one core)")


if __name__ == "__main__":
    main()
