"""ocrmypdf plugin: OCR with ocrmypdf's own tesseract engine, keeping what sohoa reads.

- A page that is one scanned image is rasterised by decoding that image, not by rendering
  the page and compressing the result again (which cost more than a second a page);
  intermediate images are uncompressed TIFF, written and read in milliseconds.
- The engine cleans the image tesseract reads (`ocr.cleaning`); the PDF/A keeps the scan.
- One tesseract run per page yields hOCR; from it the engine gives ocrmypdf the text layer
  (words repaired and in the canonical Vietnamese form) and writes the page layout (word
  boxes, confidences, reading order) as JSON into the folder named by `--sohoa-layout-dir`.
"""

import time
from argparse import ArgumentParser
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import numpy as np
import pikepdf
from ocrmypdf import hookimpl
from ocrmypdf._exec.tesseract import ThresholdingMethod
from ocrmypdf.builtin_plugins.tesseract_ocr import TesseractOcrEngine
from ocrmypdf.hocrtransform.hocr_parser import HocrParser
from ocrmypdf.models.ocr_element import Baseline, BoundingBox, OcrClass, OcrElement
from PIL import Image

from ocr.cleaning import clean, ink_in_boxes
from ocr.layout import Line, Word, read_page, split_at_gaps
from ocr.repair import repair
from ocr.rereading import read_again
from ocr.seals import seal_remains
from ocr.spelling import correct
from ocr.straighten import apply

LINE_CLASSES = ("ocr_line", "ocr_header", "ocr_footer", "ocr_caption", "ocr_textfloat")
IMAGE_ONLY_OPERATORS = {"q", "Q", "cm", "Do"}  # what img2pdf and scanners write on a page
RASTER_MODES = {"pngmono": "1", "pnggray": "L"}  # any other device: colour
CACHED = "_plugin_cache_"  # ocrmypdf's key of a plugin's options derived from the flat ones


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
            dpi = float(image.info.get("dpi", (300, 300))[0])
            cleaning = clean(image, dpi)
        # tesseract reads the enlarged, straightened page: every box is in its pixels
        cleaned, width, height = cleaning.image, cleaning.image.width, cleaning.image.height
        dpi *= cleaning.scale
        # ocrmypdf keeps every page's raster until the document is done (26 MB a page at
        # 300 dpi): nothing reads it after OCR, so free the disk now.
        Path(input_file).resolve().unlink(missing_ok=True)
        with TemporaryDirectory(prefix="sohoa-ocr-") as work:
            page, hocr, text = (
                Path(work, "page.tif"),
                Path(work, "page.hocr"),
                Path(work, "page.txt"),
            )
            cleaned.save(page, compression="raw", dpi=(dpi, dpi))  # fast to write and read
            started = time.monotonic()
            reading = options if cleaning.bilevel else _thresholded_around(options)
            TesseractOcrEngine.generate_hocr(page, hocr, text, reading)  # type: ignore[no-untyped-call]
            timed_out = hocr.stat().st_size == 0  # ocrmypdf writes an empty hOCR on timeout
            tree = (
                OcrElement(OcrClass.PAGE, bbox=BoundingBox(0, 0, width, height))
                if timed_out
                else HocrParser(hocr).parse()
            )
        tree.dpi = dpi
        put_right(tree)
        lines = [_words(line) for line in tree.iter_by_class(*LINE_CLASSES)]
        # the re-reading has what is left of the page's time; none once the page timed out
        left = 0.0 if timed_out else options.tesseract_timeout - (time.monotonic() - started)
        again = [
            read
            for line in read_again(
                cleaned,
                dpi,
                lines,
                "+".join(options.languages),
                left,
                [box for grid in cleaning.grids for box in grid.cell_boxes],
            )
            if (read := _spelt(line))
        ]
        tree.children += [_element(line) for line in again]
        lines += again
        if cleaning.seal is not None:
            lines = [
                segment.words
                for line in lines
                if line
                for segment in split_at_gaps(line)
                if not seal_remains(segment.words, cleaning.seal)
            ]
        layout = read_page(page_number + 1, width, height, dpi, lines, cleaning.grids)
        layout.timed_out, layout.cleaning = timed_out, "+".join(cleaning.steps) or "none"
        boxes = [word.box for line in layout.lines for word in line.words]
        layout.ink_in_words = ink_in_boxes(cleaned, boxes)
        if cleaning.to_scan is not None:  # in the enlarged pixels the tree is in
            enlarged = np.diag((cleaning.scale, cleaning.scale, 1.0))
            to_scan = enlarged @ cleaning.to_scan @ np.linalg.inv(enlarged)
            layout.to_scan = to_scan.tolist()
            _lay_on_scan(tree, to_scan)
        folder = Path(options.sohoa_layout_dir)
        layout_path(folder, layout.number).write_text(layout.model_dump_json(), encoding="utf-8")
        return tree, layout.text


def _thresholded_around(options: Any) -> Any:
    """The options of a grey or colour page: tesseract thresholds it by Sauvola's method,
    pixel by pixel against the ink and paper around it, where its own (Otsu's, one
    threshold for the page) loses the strokes of ink faded in patches. On the 43 documents'
    heavy scans: 5.35 -> 3.38 % of characters wrong, clean ones unchanged; a bilevel
    photocopy read so loses words (3.25 -> 3.46 %), and keeps Otsu's."""
    page = options.model_copy(update={"tesseract_thresholding": ThresholdingMethod.SAUVOLA})
    # the tesseract options ocrmypdf derived and cached from the document's: derived again
    page.extra_attrs = {
        key: value for key, value in options.extra_attrs.items() if not key.startswith(CACHED)
    }
    return page


def _lay_on_scan(tree: OcrElement, to_scan: np.ndarray) -> None:
    """The text layer laid on the page as scanned, from the page tesseract read drawn
    square and level (`to_scan`: the matrix from its pixels to the scan's). A word's box
    becomes the box around it; a line keeps its height (the renderer takes the font's size
    from it) and starts where its baseline starts on the scan, along the baseline's slant
    there."""
    for line in tree.iter_by_class(*LINE_CLASSES):
        box, baseline = line.bbox, line.baseline or Baseline()
        if box is None:
            continue
        x, y = apply(to_scan, box.left, box.bottom + baseline.intercept)
        end = apply(
            to_scan, box.right, box.bottom + baseline.intercept + baseline.slope * box.width
        )
        width = max(end[0] - x, 1.0)
        bottom = y - baseline.intercept
        line.bbox = BoundingBox(x, bottom - box.height, x + width, bottom)
        line.baseline = Baseline((end[1] - y) / width, baseline.intercept)
        for word in line.children:
            if word.bbox is not None:
                corners = [
                    apply(to_scan, cx, cy)
                    for cx in (word.bbox.left, word.bbox.right)
                    for cy in (word.bbox.top, word.bbox.bottom)
                ]
                xs, ys = [cx for cx, _ in corners], [cy for _, cy in corners]
                word.bbox = BoundingBox(min(xs), min(ys), max(xs), max(ys))


def put_right(tree: OcrElement) -> None:
    """The words of the page put right a paragraph at a time, so that a compound cut by the
    end of a line is seen whole; words repaired to nothing are dropped."""
    for paragraph in tree.iter_by_class(OcrClass.PARAGRAPH):
        words = [word for line in paragraph.iter_by_class(*LINE_CLASSES) for word in line.words]
        spelt = _put_right([w.text for w in words], [100 * (w.confidence or 0) for w in words])
        for word, spelling in zip(words, spelt, strict=True):
            word.text = spelling
        for line in paragraph.iter_by_class(*LINE_CLASSES):
            line.children = [
                child for child in line.children if child.ocr_class != "ocrx_word" or child.text
            ]


def _put_right(texts: list[str], confidences: list[float]) -> list[str]:
    """Words repaired one by one (`ocr.repair`), then by the words around them
    (`ocr.spelling`); a word repaired to nothing stays empty."""
    repaired = [repair(text) for text in texts]
    kept = [n for n, text in enumerate(repaired) if text]
    spelt = correct([repaired[n] for n in kept], [confidences[n] for n in kept])
    for n, text in zip(kept, spelt, strict=True):
        repaired[n] = text
    return repaired


def _spelt(line: list[Word]) -> list[Word]:
    """A line read again, put right; without the words repaired to nothing."""
    spelt = _put_right([word.text for word in line], [word.confidence for word in line])
    return [
        word.model_copy(update={"text": text})
        for word, text in zip(line, spelt, strict=True)
        if text
    ]


def _element(line: list[Word]) -> OcrElement:
    """A line read again, for the text layer."""
    words = [
        OcrElement(
            OcrClass.WORD,
            bbox=BoundingBox(*word.box),
            text=word.text,
            confidence=word.confidence / 100,
        )
        for word in line
    ]
    return OcrElement(OcrClass.LINE, bbox=BoundingBox(*Line(words=line).box), children=words)


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
def rasterize_pdf_page(
    input_file: Path,
    output_file: Path,
    raster_device: str,
    raster_dpi: Any,
    pageno: int,
    page_dpi: Any,
    rotation: int | None,
    filter_vector: bool,
    stop_on_soft_error: bool,
    options: Any,
    use_cropbox: bool,
) -> Path | None:
    """The page's one scanned image, decoded, at the size ocrmypdf asks for; None (let
    ocrmypdf render the page) for any page that is more than one plain image."""
    if rotation or filter_vector:
        return None
    with pikepdf.open(input_file) as pdf:
        page = pdf.pages[pageno - 1]
        image = _only_image(page)
        if image is None:
            return None
        width_in, height_in = (float(v) / 72 for v in page.mediabox[2:])
        expected = (round(width_in * float(raster_dpi.x)), round(height_in * float(raster_dpi.y)))
        picture = pikepdf.PdfImage(image).as_pil_image()
    if picture.size != expected or picture.mode not in ("1", "L", "RGB"):
        return None
    dpi = page_dpi or raster_dpi
    picture = picture.convert(RASTER_MODES.get(raster_device, "RGB"))
    # An uncompressed TIFF, whatever the name ocrmypdf chose: it is read back by content,
    # and writing a page as PNG costs ten times as long.
    resolution = (round(float(dpi.x)), round(float(dpi.y)))
    picture.save(output_file, format="TIFF", compression="raw", dpi=resolution)
    return output_file


def _only_image(page: pikepdf.Page) -> pikepdf.Stream | None:
    """The image XObject of a page that only draws one plain image, unrotated."""
    if int(page.obj.get("/Rotate", 0)) % 360:
        return None
    operators = {str(instruction.operator) for instruction in pikepdf.parse_content_stream(page)}
    images = list(page.get_images(recursive=False).values())
    if not operators <= IMAGE_ONLY_OPERATORS or len(images) != 1:
        return None
    image = images[0]
    if not isinstance(image, pikepdf.Stream) or any(
        key in image for key in ("/SMask", "/Mask", "/Decode", "/ImageMask")
    ):
        return None
    return image


@hookimpl
def add_options(parser: ArgumentParser) -> None:
    group = parser.add_argument_group("sohoa")
    group.add_argument("--sohoa-layout-dir", help="folder for the page layouts sohoa reads")


@hookimpl
def get_ocr_engine(options: Any) -> TesseractOcrEngine:
    return LayoutRecordingEngine()
