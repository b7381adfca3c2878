"""Scans to PDF/A-2b with an image layer and a Vietnamese text layer, through ocrmypdf."""

import io
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from tempfile import TemporaryDirectory

import img2pdf
import ocrmypdf
from PIL import Image, ImageSequence

from ocr.layout import PageLayout
from ocr.plugin import layout_path

A4_WIDTH_INCHES = 8.27
PLAUSIBLE_DPI = 100  # below this an image's resolution tag is missing or wrong
PAGE_JPEG_QUALITY = 90
TESSERACT_CONFIG = Path(__file__).with_name("tesseract.cfg")
# ocrmypdf warnings about its own choices rather than about the document: not reported.
UNREPORTED_WARNINGS = ("The output file size is",)


class OcrError(RuntimeError):
    """OCR could not produce a PDF/A for a document."""


class UnreadablePage(OcrError):
    """A page of a scan cannot be decoded (truncated, corrupt): the scan must be made again."""


def scans_to_pdfa(
    scans: Sequence[Path],
    output: Path,
    *,
    language: str = "vie",
    page_timeout: float = 180.0,
    jobs: int = 1,
    pagesegmode: int | None = None,
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
                # Keep each page as it is and graft the text layer on it (an old OCR layer
                # in a scanned PDF is replaced). The internal PDF/A backend is pikepdf's:
                # Debian's Ghostscript 10.0 corrupts pages that keep their text.
                mode="redo",
                pdfa_backend="internal",
                jobs=jobs,
                use_threads=True,
                tesseract_timeout=page_timeout,
                tesseract_pagesegmode=pagesegmode,
                tesseract_config=[str(TESSERACT_CONFIG)],
                progress_bar=False,
                optimize=0,  # its lossless recompression saved 6 % of size for 7 % of the time
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
    pages = [page for path in images for page in _pdf_pages(path)]
    pdf = work / "scans.pdf"
    pdf.write_bytes(img2pdf.convert(pages, layout_fun=_layout))
    return pdf


def _pdf_pages(path: Path) -> list[bytes | str]:
    """What the PDF/A shows of each page of a scan. JPEG and CCITT G4 are embedded as they
    are; other pages (TIFF, PNG…) as JPEG of quality PAGE_JPEG_QUALITY, bilevel ones as G4:
    lossless colour pages would be ten times larger and slower to write, and the original,
    byte for byte, is archived beside the PDF/A."""
    try:
        with Image.open(path) as image:
            if image.format == "JPEG" or image.info.get("compression") == "group4":
                return [str(path)]
            dpi = image.info.get("dpi", (0, 0))
            return [_encode(frame, dpi) for frame in ImageSequence.Iterator(image)]
    except (OSError, SyntaxError, ValueError) as error:
        raise UnreadablePage(f"{path.name}: truncated or corrupt image: {error}") from error


def _encode(frame: Image.Image, dpi: tuple[float, float]) -> bytes:
    buffer = io.BytesIO()
    if frame.mode == "1":
        frame.save(buffer, "TIFF", compression="group4", dpi=dpi)
        return buffer.getvalue()
    if frame.mode in ("RGBA", "LA", "PA") or "transparency" in frame.info:
        flat = Image.new("RGB", frame.size, "white")
        flat.paste(frame, mask=frame.convert("RGBA").getchannel("A"))
        frame = flat
    frame.convert("L" if frame.mode in ("L", "I;16", "I") else "RGB").save(
        buffer, "JPEG", quality=PAGE_JPEG_QUALITY, dpi=tuple(round(v) for v in dpi)
    )
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
