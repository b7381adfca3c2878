"""Write sample scan batches from the corpus, with their ground truth beside them.

A batch holds documents in the forms archivists bring: a multi-page TIFF, a folder of JPEG
pages (named so that only a natural sort orders them), a PNG, a scanned PDF. The ground
truth goes to `<batch>.truth/`: per document its corpus metadata and the text of each page.
"""

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import img2pdf
from PIL import Image

from samples.conditions import CONDITIONS
from samples.corpus import document, parts
from samples.scan import Signed, degrade
from samples.scanner_pdf import scanner_pdf
from samples.sheets import separator
from samples.typeset import typeset

FORMATS = ("tiff", "jpeg", "pdf", "png")  # cycled through by default
SCANNER_PDF = "scanner-pdf"  # a scanner's PDF with its own old OCR layer: on request


@dataclass(frozen=True)
class SampleDocument:
    corpus_id: str
    name: str  # the file or folder in the batch
    page_texts: tuple[str, ...]
    truth: dict[str, object]


@dataclass(frozen=True)
class SampleBatch:
    path: Path
    truth_path: Path
    documents: tuple[SampleDocument, ...]

    @property
    def page_count(self) -> int:
        return sum(len(doc.page_texts) for doc in self.documents)


def render(
    corpus_id: str, dpi: int, condition: str, seed: int, only: int | None = None
) -> list[tuple[Image.Image, str]]:
    """Scanned pages of a corpus document with the text each one shows (`only`: just the
    page of that index, the same as among all)."""
    scan = CONDITIONS[condition]
    source = document(corpus_id)
    pages = list(enumerate(typeset(parts(source), dpi), start=1))
    agency = str(source.truth.get("issuing_agency") or "")
    return [
        (
            degrade(
                page.image,
                scan,
                dpi,
                seed=seed * 1_000_003 + int(corpus_id) * 1000 + n,
                signed=Signed(page.signature, agency) if page.signature else None,
            ),
            page.text,
        )
        for n, page in (pages if only is None else pages[only : only + 1])
    ]


def write_batch(
    path: Path,
    corpus_ids: Sequence[str],
    *,
    dpi: int = 300,
    condition: str = "medium",
    seed: int = 0,
    formats: Sequence[str] = FORMATS,
    manifest: bool = False,
) -> SampleBatch:
    """Render `corpus_ids` into a batch folder at `path`, cycling through `formats`."""
    path.mkdir(parents=True, exist_ok=True)
    truth_path = path.with_name(path.name + ".truth")
    documents = []
    for i, corpus_id in enumerate(corpus_ids):
        pages = render(corpus_id, dpi, condition, seed)
        name = _write_scans(path, corpus_id, pages, formats[i % len(formats)], dpi)
        doc = SampleDocument(
            corpus_id, name, tuple(text for _, text in pages), document(corpus_id).truth
        )
        _write_truth(truth_path / name, doc)
        documents.append(doc)
    if manifest:
        _write_manifest(path / "manifest.csv", documents)
    return SampleBatch(path, truth_path, tuple(documents))


def write_separated(
    path: Path,
    corpus_ids: Sequence[str],
    *,
    dpi: int = 300,
    condition: str = "medium",
    seed: int = 0,
    sheet: str = "blank",
) -> SampleBatch:
    """A box scanned in one go: one multi-page TIFF in a batch folder at `path`, holding
    `corpus_ids` one after the other with a separator sheet (samples.sheets) between each
    two, degraded like the pages."""
    path.mkdir(parents=True, exist_ok=True)
    scans: list[tuple[Image.Image, str]] = []
    texts = []
    for corpus_id in corpus_ids:
        if scans:
            printed = typeset(parts(document(corpus_id)), dpi)[0].image
            grey = separator(sheet, scans[0][0].size, dpi, printed)
            sheet_seed = seed * 1_000_003 + int(corpus_id) * 1000
            scans.append((degrade(grey, CONDITIONS[condition], dpi, sheet_seed), ""))
        pages = render(corpus_id, dpi, condition, seed)
        scans += pages
        texts.append(tuple(text for _, text in pages))
    name = _write_scans(path, "hop-" + "-".join(corpus_ids), scans, "tiff", dpi)
    truth_path = path.with_name(path.name + ".truth")
    documents = []
    for corpus_id, page_texts in zip(corpus_ids, texts, strict=True):
        documents.append(SampleDocument(corpus_id, name, page_texts, document(corpus_id).truth))
        _write_truth(truth_path / f"{name}-{corpus_id}", documents[-1])
    return SampleBatch(path, truth_path, tuple(documents))


def _write_scans(
    batch: Path, corpus_id: str, pages: list[tuple[Image.Image, str]], form: str, dpi: int
) -> str:
    images = [image for image, _ in pages]
    texts = [text for _, text in pages]
    resolution = (dpi, dpi)
    if form == "tiff":
        name = f"{corpus_id}.tif"
        compression = "group4" if images[0].mode == "1" else "jpeg"
        images[0].save(
            batch / name,
            save_all=True,
            append_images=images[1:],
            dpi=resolution,
            compression=compression,
        )
    elif form == "pdf":
        name = f"{corpus_id}.pdf"
        layout = img2pdf.get_fixed_dpi_layout_fun(resolution)
        (batch / name).write_bytes(
            img2pdf.convert([_jpeg(image, dpi) for image in images], layout_fun=layout)
        )
    elif form == SCANNER_PDF:
        name = f"{corpus_id}.pdf"
        (batch / name).write_bytes(scanner_pdf(images, texts, dpi))
    elif form == "png" and len(images) == 1:
        name = f"{corpus_id}.png"
        images[0].save(batch / name, dpi=resolution)
    elif form in ("jpeg", "png"):
        name = corpus_id
        folder = batch / name
        folder.mkdir(exist_ok=True)
        for n, image in enumerate(images, start=1):
            if form == "png":
                image.save(folder / f"page-{n}.png", dpi=resolution)
            else:
                (folder / f"page-{n}.jpg").write_bytes(_jpeg(image, dpi))
    else:
        known = ", ".join((*FORMATS, SCANNER_PDF))
        raise ValueError(f"unknown scan format {form!r}; choose from {known}")
    return name


def _jpeg(image: Image.Image, dpi: int) -> bytes:
    buffer = io.BytesIO()
    image.convert("L" if image.mode == "1" else image.mode).save(
        buffer, "JPEG", quality=90, dpi=(dpi, dpi)
    )
    return buffer.getvalue()


def _write_truth(folder: Path, doc: SampleDocument) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n, text in enumerate(doc.page_texts, start=1):
        (folder / f"page-{n:03d}.txt").write_text(text + "\n", encoding="utf-8")
    meta = {**doc.truth, "corpus_id": doc.corpus_id, "file": doc.name, "pages": len(doc.page_texts)}
    (folder / "metadata.json").write_text(
        json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8"
    )


def _write_manifest(path: Path, documents: list[SampleDocument]) -> None:
    """A manifest with the archival context a văn thư knows, not the document's own metadata."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["Tệp", "Mã hồ sơ", "Số thứ tự", "Mức độ tiếp cận"])
        for ordinal, doc in enumerate(documents, start=1):
            year = str(doc.truth["issue_date"])[:4]
            writer.writerow([doc.name, f"H32.{year}.01.TH", ordinal, "internal"])
