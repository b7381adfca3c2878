"""OCR: the document's scans to PDF/A-2b with a text layer; per-page text and confidence.

A PDF drawn with text (a born-digital document, văn bản điện tử) is not OCRed: the text
and word boxes of its pages of text come from the PDF itself, and only its pages that are
scans are OCRed. Its original is the authentic record ("original electronic"); an access
copy in PDF/A is made beside it unless it says it is PDF/A already, in which case it is
its own access copy and `pdf` is not written."""

from pathlib import Path
from typing import Any

from archive_schema.models import Document, Page
from ocr.convert import digital_to_pdfa, is_pdfa, scans_to_pdfa
from ocr.layout import PageLayout
from ocr.pdf_text import PageText, page_texts, text_layout
from ocr.quality import page_quality
from pipelines.ingest.formats import PDF
from pipelines.ingest.intake import DocumentSource
from pipelines.settings import Settings

ELECTRONIC = "original electronic"  # archive_schema.vocab.CONFIDENCE_LEVELS


def ocr(
    doc: Document, source: DocumentSource, pdf: Path, settings: Settings, jobs: int = 1
) -> list[PageLayout]:
    """Write the PDF/A to `pdf`, fill `doc.pages`, and return the layout of each page."""
    texts = _pages_of_text(source)
    drawn = {n for n, text in texts.items() if text.drawn}
    if drawn:
        layouts, warnings = _read_digital(doc, source, pdf, settings, jobs, texts)
    else:
        layouts, warnings = scans_to_pdfa(
            list(source.files), pdf, **_reading(settings, jobs, source)
        )
    doc.pages = []
    for layout in layouts:
        read = layout.number not in drawn
        quality = page_quality(layout) if read else 100.0
        doc.pages.append(
            Page(
                number=layout.number,
                text=layout.text,
                confidence=round(layout.confidence, 1),
                quality=quality,
                needs_review=read and (layout.timed_out or quality < settings.review_quality),
            )
        )
    timed_out = [str(layout.number) for layout in layouts if layout.timed_out]
    review = [str(page.number) for page in doc.pages if page.needs_review]
    mean = sum(p.confidence for p in doc.pages) / max(1, len(layouts))
    detail = f"{len(layouts)} pages, mean confidence {mean:.1f}%"
    if drawn:
        detail += f"; page {', '.join(map(str, sorted(drawn)))} read from the PDF's own text"
    if timed_out:
        detail += (
            f"; OCR gave up on page {', '.join(timed_out)} after {settings.ocr_page_timeout:g} s"
        )
    if review:
        detail += f"; page {', '.join(review)} need review"
    if warnings:
        detail += "; " + "; ".join(dict.fromkeys(warnings))
    doc.record("ocr", "ok", detail)
    return layouts


def _pages_of_text(source: DocumentSource) -> dict[int, PageText]:
    """What each page of the document (numbered in it, from 1) holds of text, when it is a
    PDF with a page drawn with text; nothing otherwise."""
    if len(source.originals) != 1 or source.originals[0].media_type != PDF:
        return {}
    texts = page_texts(source.files[0])
    chosen = source.pages or range(1, len(texts) + 1)
    found = {n: texts[page - 1] for n, page in enumerate(chosen, start=1)}
    return found if any(text.drawn for text in found.values()) else {}


def _read_digital(
    doc: Document,
    source: DocumentSource,
    pdf: Path,
    settings: Settings,
    jobs: int,
    texts: dict[int, PageText],
) -> tuple[list[PageLayout], list[str]]:
    """The layouts of a born-digital document: its pages of text from the PDF, its scans
    OCRed into the access copy (none made of a PDF/A original that is all text); a scan
    that carries an old OCR layer is read again."""
    original = source.files[0]
    doc.confidence_level = ELECTRONIC
    read: dict[int, PageLayout] = {}
    warnings: list[str] = []
    if not all(t.drawn for t in texts.values()) or source.pages or not is_pdfa(original):
        again = any(t.unseen and not t.drawn for t in texts.values())
        read, warnings = digital_to_pdfa(
            original, pdf, again=again, **_reading(settings, jobs, source)
        )
    chosen = source.pages or range(1, len(texts) + 1)
    return [
        text_layout(original, page).model_copy(update={"number": n}) if texts[n].drawn else read[n]
        for n, page in enumerate(chosen, start=1)
    ], warnings


def _reading(settings: Settings, jobs: int, source: DocumentSource) -> dict[str, Any]:
    """How OCR reads the document's scans: its language, time, parallelism and pages."""
    return {
        "language": settings.ocr_language,
        "page_timeout": settings.ocr_page_timeout,
        "jobs": jobs,
        "max_megapixels": settings.max_page_megapixels,
        "pages": source.pages,
    }
