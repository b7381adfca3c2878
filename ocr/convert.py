"""Every call of ocrmypdf: scans to PDF/A-2b with an image layer and a Vietnamese text
layer, and a PDF sohoa made itself to PDF/A-2b."""

import gc
import io
import logging
import shutil
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, redirect_stderr
from itertools import islice
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import img2pdf
import ocrmypdf
import pikepdf
from PIL import Image, ImageSequence

from ocr import MAX_PAGE_MEGAPIXELS
from ocr.layout import PageLayout
from ocr.pdf_pages import UnrenderablePdf, page_images, rebuilt_from_images, rendered
from ocr.plugin import layout_path
from ocr.quality import page_quality

A4_WIDTH_INCHES = 8.27
PLAUSIBLE_DPI = 100  # below this an image's resolution tag is missing or wrong
PAGE_JPEG_QUALITY = 90
PAGES_PER_CHUNK = 50
# Orientation: tesseract's detection costs most of a second a page, so it runs only when a
# first pass leaves a page with ink but with a quality score this low.
TURNED_BELOW = 50
TURN_PAGES = {"rotate_pages": True, "rotate_pages_threshold": 5.0}
TESSERACT_CONFIG = Path(__file__).with_name("tesseract.cfg")
PDFA_REFUSALS = (
    ocrmypdf.exceptions.PdfaConversionFailedError,
    ocrmypdf.exceptions.NonEmbeddedFontsError,
    ocrmypdf.exceptions.ColorConversionNeededError,
)
# ocrmypdf warnings about its own choices rather than about the document: not reported.
UNREPORTED_WARNINGS = ("The output file size is",)


class OcrError(RuntimeError):
    """OCR could not produce a PDF/A for a document."""


class NotPdfA(OcrError):
    """ocrmypdf could not make the PDF a valid PDF/A."""


class UnreadablePage(OcrError):
    """A page of a scan cannot be decoded (truncated, corrupt): the scan must be made again;
    `vi` says so in Vietnamese."""

    def __init__(self, message: str, vi: str):
        super().__init__(message)
        self.vi = vi


def scans_to_pdfa(
    scans: Sequence[Path],
    output: Path,
    *,
    language: str = "vie",
    page_timeout: float = 180.0,
    jobs: int = 1,
    pagesegmode: int | None = None,
    max_megapixels: float = MAX_PAGE_MEGAPIXELS,
    pages: Sequence[int] = (),
) -> tuple[list[PageLayout], list[str]]:
    """OCR the pages of `scans` (one PDF, or images in page order) into a PDF/A at `output`;
    only `pages` of them (numbered through the scans, from 1) when given.

    Returns the layout of every page and the warnings ocrmypdf gave (a page that timed
    out, a soft rendering error...). OMP_THREAD_LIMIT should be 1: parallelism comes from
    `jobs` and from running several documents at once. A document with a page that looks
    turned is read a second time with orientation detection, and the better reading kept.
    """
    options = _options(language, page_timeout, jobs, max_megapixels) | {
        "mode": "default",
        "tesseract_pagesegmode": pagesegmode,
    }
    with TemporaryDirectory(prefix="sohoa-ocr-") as work, _warnings() as warnings:
        single_pdf = len(scans) == 1 and scans[0].suffix.lower() == ".pdf"
        if single_pdf:
            source = _only(_scanned_pdf(scans[0], Path(work)), pages, Path(work))
        else:
            source = _only(_pages_to_pdf(_image_pages(scans), Path(work)), pages, Path(work))
        try:
            read = _ocr(source, output, Path(work, "layouts"), options)
        except NotPdfA as error:
            if not single_pdf:
                raise
            warnings.append(f"{error}: its pages were read as pdfium draws them")
            source = _only(_rendered_pdf(scans[0], Path(work)), pages, Path(work))
            read = _ocr(source, output, Path(work, "rendered"), options)
        if any(page.ink_in_words is not None and _reading(page) < TURNED_BELOW for page in read):
            turned_pdf = Path(work, "turned.pdf")
            turned = _ocr(source, turned_pdf, Path(work, "turned"), options | TURN_PAGES)
            if sum(map(_reading, turned)) > sum(map(_reading, read)):
                shutil.move(turned_pdf, output)
                read = turned
    return read, warnings


def _only(pdf: Path, pages: Sequence[int], work: Path) -> Path:
    """`pdf` with only `pages` (all when none), streamed by qpdf."""
    if not pages:
        return pdf
    kept = work / f"pages-of-{pdf.name}"
    numbers = ",".join(map(str, pages))
    pikepdf.Job(["qpdf", "--empty", "--pages", str(pdf), numbers, "--", str(kept)]).run()
    return kept


def digital_to_pdfa(
    pdf: Path,
    output: Path,
    *,
    language: str = "vie",
    page_timeout: float = 180.0,
    jobs: int = 1,
    max_megapixels: float = MAX_PAGE_MEGAPIXELS,
    pages: Sequence[int] = (),
    again: bool = False,
) -> tuple[dict[int, PageLayout], list[str]]:
    """An access copy in PDF/A-2b at `output` of a PDF whose pages are drawn with text (a
    born-digital document), whole or only `pages`: its pages of text are kept as they are
    (the caller reads their text from the PDF: ocr.pdf_text), its pages that are scans are
    OCRed (`again`: a scan's old OCR layer is replaced, which ocrmypdf does by parsing every
    page), their layouts returned by their number in the copy, with the warnings.

    What a PDF/A may not hold and a copy to read does not need (an action run on opening,
    JavaScript, actions of fields and pages) is left out of the copy, and a signed PDF's copy
    no longer carries a valid signature: the original, archived beside it, keeps both. A
    PDF that still cannot be made PDF/A is copied from pdfium's renders, OCRed whole."""
    options = _options(language, page_timeout, jobs, max_megapixels) | {
        "mode": "redo" if again else "skip",
        "invalidate_digital_signatures": True,
        "tagged_pdf_mode": "ignore",
    }
    with TemporaryDirectory(prefix="sohoa-digital-") as work, _warnings() as warnings:
        source = _only(_without_actions(pdf, Path(work)), pages, Path(work))
        layouts = Path(work, "layouts")
        layouts.mkdir()
        try:
            _pdfa(source, output, sohoa_layout_dir=str(layouts), **options)
        except NotPdfA as error:
            warnings.append(f"{error}: its pages were read as pdfium draws them")
            source = _only(_rendered_pdf(pdf, Path(work)), pages, Path(work))
            read = _ocr(source, output, Path(work, "rendered"), options | {"mode": "default"})
            return {page.number: page for page in read}, warnings
        with pikepdf.open(source) as copied:
            count = len(copied.pages)
        found = [layout_path(layouts, n) for n in range(1, count + 1)]
        read = [PageLayout.model_validate_json(f.read_text("utf-8")) for f in found if f.exists()]
    return {page.number: page for page in read}, warnings


def is_pdfa(pdf: Path) -> bool:
    """Whether the PDF says it is PDF/A (its XMP's pdfaid): what it says, not checked."""
    with pikepdf.open(pdf) as document:
        return bool(document.open_metadata().pdfa_status)


def _options(
    language: str, page_timeout: float, jobs: int, max_megapixels: float
) -> dict[str, Any]:
    return {
        "language": [language],
        "output_type": "pdfa-2",
        # Keep each page as it is and graft the text layer on it. The internal PDF/A
        # backend is pikepdf's: Debian's Ghostscript 10.0 corrupts pages that keep their text.
        "pdfa_backend": "internal",
        "jobs": jobs,
        "use_threads": True,
        "tesseract_timeout": page_timeout,
        "max_image_mpixels": max_megapixels,
        "tesseract_config": [str(TESSERACT_CONFIG)],
        "progress_bar": False,
        "optimize": 0,  # its lossless recompression saved 6 % of size for 7 % of the time
        "plugins": ["ocr.plugin"],
    }


def _without_actions(pdf: Path, work: Path) -> Path:
    """A copy of the PDF without what runs by itself: the action on opening, JavaScript,
    and the additional actions of the document, its pages and its fields."""
    copy = work / "without-actions.pdf"
    with pikepdf.open(pdf) as document:
        root = document.Root
        for key in ("/OpenAction", "/AA"):
            if key in root:
                del root[key]
        if "/Names" in root and "/JavaScript" in root.Names:
            del root.Names["/JavaScript"]
        for page in document.pages:
            if "/AA" in page.obj:
                del page.obj["/AA"]
            for annotation in page.obj.get("/Annots", []):
                for key in ("/A", "/AA"):
                    if key in annotation:
                        del annotation[key]
        document.save(copy)
    return copy


def _ocr(source: Path, output: Path, layouts: Path, options: dict[str, Any]) -> list[PageLayout]:
    layouts.mkdir()
    try:
        _pdfa(source, output, sohoa_layout_dir=str(layouts), **options)
    except ocrmypdf.exceptions.PriorOcrFoundError:
        # A PDF with text that is not only scans: read it again where it has none. Only
        # then, for this mode parses every page with pdfminer, holding all of their images
        # in memory at once.
        _pdfa(source, output, sohoa_layout_dir=str(layouts), **options | {"mode": "redo"})
    return [
        PageLayout.model_validate_json(layout_path(layouts, n).read_text("utf-8"))
        for n in range(1, len(list(layouts.iterdir())) + 1)
    ]


def _pdfa(source: Path, output: Path, **options: Any) -> None:
    """ocrmypdf, its refusals to make a PDF/A a NotPdfA naming the rules broken, its other
    failures an OcrError."""
    try:
        _run_ocrmypdf(source, output, **options)
    except PDFA_REFUSALS as error:
        lines = str(error).splitlines()  # the verdict, the rules broken, and advice
        why = [lines[0], *(line.strip() for line in lines if line.strip().startswith("["))]
        raise NotPdfA(f"{type(error).__name__}: {'; '.join(why)}") from error
    except ocrmypdf.exceptions.PriorOcrFoundError:
        raise
    except ocrmypdf.exceptions.ExitCodeException as error:
        raise OcrError(f"{type(error).__name__}: {error}".rstrip(": ")) from error


def _reading(page: PageLayout) -> float:
    """How well a page was read, counting a page read sideways as not read: tesseract reads
    a page on its side as vertical lines, words standing taller than wide, in no order."""
    words = [w for line in page.lines for w in line.words if len(w.text) >= 3]
    tall = sum(1 for w in words if w.box[3] - w.box[1] > w.box[2] - w.box[0])
    return 0.0 if tall > len(words) / 2 else page_quality(page)


def _scanned_pdf(pdf: Path, work: Path) -> Path:
    """The PDF, or, when each of its pages is one scanned image, a PDF of those images
    alone: what a scanner's software added (an old OCR layer, fonts a PDF/A may not hold)
    is not carried into the PDF/A."""
    scans = page_images(pdf)
    return pdf if scans is None else rebuilt_from_images(scans, work / "scans-only.pdf")


def _rendered_pdf(pdf: Path, work: Path) -> Path:
    """A PDF of pdfium's renders of the pages: the last way to a PDF/A."""
    try:
        return _pages_to_pdf((_encode(page, page.info["dpi"]) for page in rendered(pdf)), work)
    except UnrenderablePdf as error:
        raise UnreadablePage(
            f"{pdf.name}: cannot be made PDF/A: {error}",
            f"{pdf.name}: không chuyển được sang PDF/A vì không dựng được trang: hãy quét lại"
            " từ bản giấy hoặc xin bản PDF khác",
        ) from error


def _image_pages(images: Sequence[Path]) -> Iterator[bytes | str]:
    return (page for path in images for page in _pdf_pages(path))


def _pages_to_pdf(pages: Iterator[bytes | str], work: Path) -> Path:
    """One PDF page per image (every frame of a multi-page TIFF), at the scan's resolution.

    img2pdf holds what it converts in memory, so pages go through it PAGES_PER_CHUNK at a
    time, and qpdf (through pikepdf.Job) joins the chunks, streaming their images from disk:
    memory stays flat however long the document (pikepdf's own page copy would hold them)."""
    chunks: list[str] = []
    while chunk := list(islice(pages, PAGES_PER_CHUNK)):
        chunks.append(str(work / f"scans-{len(chunks):04d}.pdf"))
        Path(chunks[-1]).write_bytes(img2pdf.convert(chunk, layout_fun=_layout))
    if len(chunks) == 1:
        return Path(chunks[0])
    joined = work / "scans.pdf"
    pikepdf.Job(["qpdf", "--empty", "--pages", *chunks, "--", str(joined)]).run()
    return joined


def _pdf_pages(path: Path) -> Iterator[bytes | str]:
    """What the PDF/A shows of each page of a scan. JPEG and CCITT G4 are embedded as they
    are; other pages (TIFF, PNG…) as JPEG of quality PAGE_JPEG_QUALITY, bilevel ones as G4:
    lossless colour pages would be ten times larger and slower to write, and the original,
    byte for byte, is archived beside the PDF/A."""
    try:
        with Image.open(path) as image:
            if image.format == "JPEG" or image.info.get("compression") == "group4":
                yield str(path)
                return
            dpi = image.info.get("dpi", (0, 0))
            for frame in ImageSequence.Iterator(image):
                yield _encode(frame, dpi)
    except (OSError, SyntaxError, ValueError) as error:
        raise UnreadablePage(
            f"{path.name}: truncated or corrupt image: {error}",
            f"{path.name}: ảnh bị cắt cụt hoặc hỏng, không đọc được: hãy quét lại",
        ) from error


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


def text_to_pdfa(source: Path, output: Path, title: str) -> None:
    """A PDF that already has its text (made by sohoa itself) as PDF/A-2b, nothing OCRed."""
    # ocrmypdf, run in this process, leaves sys.stderr swapped for a buffer: put it back.
    with redirect_stderr(sys.stderr):
        _run_ocrmypdf(
            source,
            output,
            mode="skip",
            output_type="pdfa-2",
            pdfa_backend="internal",
            language=["vie"],
            optimize=0,
            progress_bar=False,
            title=title,
        )


def _run_ocrmypdf(source: Path, output: Path, **options: Any) -> None:
    # pikepdf's PDF/A validation refuses a content stream when any warning is raised while it
    # parses one, even a ResourceWarning about a socket the process leaked elsewhere and the
    # garbage collector happens to finalise then: finalise what is pending before it starts.
    gc.collect()
    ocrmypdf.ocr(source, output, **options)
