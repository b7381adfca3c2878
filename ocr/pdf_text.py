"""Born-digital pages (văn bản điện tử): pages a PDF draws with fonts are read from the PDF
itself, never OCRed. A page counts as drawn with text when it shows enough visible
characters; the invisible text of an OCR layer over a scan does not count. The words and
their boxes come from pdfium, laid out in reading order as OCR's are (ocr.layout)."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pypdfium2
import pypdfium2.raw as pdfium

from ocr.layout import PageLayout, Word, read_page

VISIBLE_CHARACTERS = 20  # fewer than this on a page: a stamp on a scan, not a page of text
UNSEEN = {3, 7}  # text render modes that draw nothing: invisible, clip only
LAYOUT_DPI = 300  # the pixels word boxes are given in, as OCR gives them at 300 dpi
BREAKS = {"\r", "\n"}


@dataclass(frozen=True)
class PageText:
    """How many characters a page draws, and how many it holds unseen (an OCR layer)."""

    visible: int
    unseen: int

    @property
    def drawn(self) -> bool:
        """Drawn with text (born digital), rather than a scan."""
        return self.visible >= VISIBLE_CHARACTERS


def page_texts(pdf: Path) -> list[PageText]:
    with pypdfium2.PdfDocument(pdf) as document:
        return [_counted(page.get_textpage()) for page in document]


def text_layout(pdf: Path, number: int) -> PageLayout:
    """Page `number` (from 1) as the PDF's own text: its words, their boxes in pixels at
    LAYOUT_DPI (top-left origin), in reading order, each word fully confident."""
    scale = LAYOUT_DPI / 72
    with pypdfium2.PdfDocument(pdf) as document:
        page = document[number - 1]
        width, height = page.get_size()
        lines = list(_lines(page.get_textpage(), height, scale))
    return read_page(number, round(width * scale), round(height * scale), LAYOUT_DPI, lines)


def _counted(text: pypdfium2.PdfTextPage) -> PageText:
    characters = [
        n
        for n in range(text.count_chars())
        if not chr(pdfium.FPDFText_GetUnicode(text, n)).isspace()
    ]
    visible = sum(1 for n in characters if _seen(text, n))
    return PageText(visible, len(characters) - visible)


def _seen(text: pypdfium2.PdfTextPage, index: int) -> bool:
    drawn = pdfium.FPDFText_GetTextObject(text, index)
    return bool(drawn) and pdfium.FPDFTextObj_GetTextRenderMode(drawn) not in UNSEEN


def _lines(text: pypdfium2.PdfTextPage, height: float, scale: float) -> Iterator[list[Word]]:
    """The page's lines as pdfium breaks them, each a list of words: characters between
    spaces, boxed in pixels from the top-left corner."""
    words: list[Word] = []
    letters: list[str] = []
    boxes: list[tuple[float, float, float, float]] = []

    def word_done() -> None:
        if letters:
            left = min(b[0] for b in boxes)
            right = max(b[2] for b in boxes)
            top = height - max(b[3] for b in boxes)
            bottom = height - min(b[1] for b in boxes)
            box = (
                round(left * scale),
                round(top * scale),
                round(right * scale),
                round(bottom * scale),
            )
            words.append(Word(text="".join(letters), box=box, confidence=100))
            letters.clear()
            boxes.clear()

    for n in range(text.count_chars()):
        character = chr(pdfium.FPDFText_GetUnicode(text, n))
        if character in BREAKS:
            word_done()
            if words:
                yield list(words)
                words.clear()
        elif character.isspace() or not _seen(text, n):
            word_done()
        else:
            letters.append(character)
            boxes.append(text.get_charbox(n))
    word_done()
    if words:
        yield words
