"""Scans to PDF/A-2b with an image layer and a Vietnamese text layer, through ocrmypdf."""

import io
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from tempfile import TemporaryDirectory

import img2pdf
import ocrmypdf
from PIL import Image

from ocr.layout import PageLayout
from ocr.plugin import layout_path

A4_WIDTH_INCHES = 8.27
PLAUSIBLE_DPI = 100  # below this an image's resolution tag is missing or wrong
# ocrmypdf warnings about its own choices rather than about the document: not reported.
UNREPORTED_WARNINGS = ("The output file size is",)


class OcrError(RuntimeError):
    """OCR could not produce a PDF/A for a document."""


def scans_to_pdfa(
    scans: Sequence[Path],
    output: Path,
    *,
    language: str = "vie",
    page_timeout: float = 180.0,
    jobs: int = 1,
) -> tuple[list[PageLayout], list[str]]:
    """OCR the pages of `scans` (one PDF, or images in page order) into a PDF/A at `output`.

    Returns the layout of every page and the warnings ocrmypdf gave (a page that timed
    out, a soft rendering error...). OMP_THREAD_LIMIT should be 1: parallelism comes from
    `jobs` and from running several documents at once.
    """
    with TemporaryDirectory(prefix="sohoa-ocr-") as work, _warnings() as warnings:
        source = (
            scans[0]
            if len(scans) == 1 and scans[0].suffix.lower() == ".pdf"
            else _images_to_pdf(scans, Path(work))
        )
        layouts = Path(work, "layouts")
        layouts.mkdir()
        try:
            ocrmypdf.ocr(
                source,
                output,
                language=[language],
                output_type="pdfa-2",
                mode="force",
                jobs=jobs,
                use_threads=True,
                tesseract_timeout=page_timeout,
                progress_bar=False,
                plugins=["ocr.plugin"],
                sohoa_layout_dir=str(layouts),
            )
        except ocrmypdf.exceptions.ExitCodeException as error:
            raise OcrError(f"{type(error).__name__}: {error}".rstrip(": ")) from error
        pages = [
            PageLayout.model_validate_json(layout_path(layouts, n).read_text("utf-8"))
            for n in range(1, len(list(layouts.iterdir())) + 1)
        ]
    return pages, warnings


def _images_to_pdf(images: Sequence[Path], work: Path) -> Path:
    """One PDF page per image (every frame of a multi-page TIFF), at the scan's resolution."""
    pdf = work / "scans.pdf"
    pdf.write_bytes(img2pdf.convert([_img2pdf_input(path) for path in images], layout_fun=_layout))
    return pdf


def _img2pdf_input(path: Path) -> bytes | str:
    """img2pdf embeds JPEG and G4 untouched; images with transparency are flattened first."""
    with Image.open(path) as image:
        if "A" not in image.getbands() and "transparency" not in image.info:
            return str(path)
        flat = Image.new("RGB", image.size, "white")
        flat.paste(image, mask=image.convert("RGBA").getchannel("A"))
        buffer = io.BytesIO()
        flat.save(buffer, "PNG", dpi=image.info.get("dpi", (0, 0)))
        return buffer.getvalue()


def _layout(width_px: int, height_px: int, dpi: tuple[float, float]) -> tuple[float, ...]:
    """Page size from the image's own resolution; without a credible one, assume A4 width."""
    if min(dpi) < PLAUSIBLE_DPI:
        guess = width_px / A4_WIDTH_INCHES
        dpi = (guess, guess)
    result: tuple[float, ...] = img2pdf.default_layout_fun(width_px, height_px, dpi)
    return result


@contextmanager
def _warnings() -> Iterator[list[str]]:
    """Collect what ocrmypdf warns about instead of letting it print to the terminal."""
    collected: list[str] = []

    class Collector(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            message = record.getMessage()
            if not message.startswith(UNREPORTED_WARNINGS):
                collected.append(message)

    logger = logging.getLogger("ocrmypdf")
    handler = Collector(logging.WARNING)
    logger.addHandler(handler)
    propagate, logger.propagate = logger.propagate, False
    try:
        yield collected
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
