"""OCR: the document's scans to PDF/A-2b with a text layer; per-page text and confidence."""

from pathlib import Path

from archive_schema.models import Document, Page
from ocr.convert import scans_to_pdfa
from ocr.layout import PageLayout
from ocr.quality import page_quality
from pipelines.ingest.intake import DocumentSource
from pipelines.settings import Settings


def ocr(
    doc: Document, source: DocumentSource, pdf: Path, settings: Settings, jobs: int = 1
) -> list[PageLayout]:
    """Write the PDF/A to `pdf`, fill `doc.pages`, and return the layout of each page."""
    layouts, warnings = scans_to_pdfa(
        list(source.files),
        pdf,
        language=settings.ocr_language,
        page_timeout=settings.ocr_page_timeout,
        jobs=jobs,
        max_megapixels=settings.max_page_megapixels,
        pages=source.pages,
    )
    doc.pages = []
    for layout in layouts:
        quality = page_quality(layout)
        doc.pages.append(
            Page(
                number=layout.number,
                text=layout.text,
                confidence=round(layout.confidence, 1),
                quality=quality,
                needs_review=layout.timed_out or quality < settings.review_quality,
            )
        )
    timed_out = [str(layout.number) for layout in layouts if layout.timed_out]
    review = [str(page.number) for page in doc.pages if page.needs_review]
    mean = sum(p.confidence for p in doc.pages) / max(1, len(layouts))
    detail = f"{len(layouts)} pages, mean confidence {mean:.1f}%"
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
