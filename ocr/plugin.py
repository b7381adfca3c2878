"""ocrmypdf plugin: OCR with ocrmypdf's own tesseract engine, keeping what sohoa reads.

One tesseract run per page yields hOCR; from it this engine gives ocrmypdf the text layer
(words in the canonical Vietnamese form) and writes the page layout (word boxes,
confidences, reading order) as JSON into the folder named by `--sohoa-layout-dir`.
"""

from argparse import ArgumentParser
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from ocrmypdf import hookimpl
from ocrmypdf.builtin_plugins.tesseract_ocr import TesseractOcrEngine
from ocrmypdf.hocrtransform.hocr_parser import HocrParser
from ocrmypdf.models.ocr_element import BoundingBox, OcrClass, OcrElement
from PIL import Image

from archive_schema.vietnamese import normalize
from ocr.layout import Word, read_page

LINE_CLASSES = ("ocr_line", "ocr_header", "ocr_footer", "ocr_caption", "ocr_textfloat")


def layout_path(folder: Path, page_number: int) -> Path:
    return folder / f"page-{page_number:04d}.json"


class LayoutRecordingEngine(TesseractOcrEngine):
    """Tesseract, as ocrmypdf runs it, through the `generate_ocr` API."""

    @staticmethod
    def supports_generate_ocr() -> bool:
        return True

    @staticmethod
    def generate_ocr(
        input_file: Path, options: Any, page_number: int = 0
    ) -> tuple[OcrElement, str]:
        with Image.open(input_file) as image:
            width, height = image.size
            dpi = float(image.info.get("dpi", (300, 300))[0])
        with TemporaryDirectory(prefix="sohoa-ocr-") as work:
            hocr, text = Path(work, "page.hocr"), Path(work, "page.txt")
            TesseractOcrEngine.generate_hocr(input_file, hocr, text, options)  # type: ignore[no-untyped-call]
            timed_out = hocr.stat().st_size == 0  # ocrmypdf writes an empty hOCR on timeout
            tree = (
                OcrElement(OcrClass.PAGE, bbox=BoundingBox(0, 0, width, height))
                if timed_out
                else HocrParser(hocr).parse()
            )
        tree.dpi = dpi
        for word in tree.words:
            word.text = normalize(word.text)
        layout = read_page(
            page_number + 1,
            width,
            height,
            dpi,
            [_words(line) for line in tree.iter_by_class(*LINE_CLASSES)],
        )
        layout.timed_out = timed_out
        folder = Path(options.sohoa_layout_dir)
        layout_path(folder, layout.number).write_text(layout.model_dump_json(), encoding="utf-8")
        return tree, layout.text


def _words(line: OcrElement) -> list[Word]:
    return [
        Word(
            text=word.text,
            box=(
                round(word.bbox.left),
                round(word.bbox.top),
                round(word.bbox.right),
                round(word.bbox.bottom),
            ),
            confidence=100 * (word.confidence or 0.0),
        )
        for word in line.words
        if word.text.strip() and word.bbox is not None
    ]


@hookimpl
def add_options(parser: ArgumentParser) -> None:
    group = parser.add_argument_group("sohoa")
    group.add_argument("--sohoa-layout-dir", help="folder for the page layouts sohoa reads")


@hookimpl
def get_ocr_engine(options: Any) -> TesseractOcrEngine:
    return LayoutRecordingEngine()
