"""The page images of a PDF, for OCR to read afresh.

A scanner's PDF carries, besides its page images, whatever its own software added: an old
OCR layer, fonts a PDF/A may not hold (Type 1 without a descriptor, not embedded). When every
page only shows one image over the whole page, those images alone are the document, and a
PDF rebuilt from them converts like any scan. A PDF that still cannot be made PDF/A is
rendered page by page (pdfium) and read from the renders. The original PDF is archived as
it came, byte for byte, either way.
"""

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import img2pdf
import pikepdf
import pypdfium2
from PIL import Image

RENDER_DPI = 300
FULL_PAGE = 0.9  # share of the page an image must cover to be the page
# What a scanner's page does besides drawing its image: state, clipping, and text (its OCR).
IMAGE_PAGE_OPERATORS = {"q", "Q", "cm", "Do", "re", "W", "W*", "n", "gs", "g", "rg", "G", "RG"}
TEXT_OPERATORS = {"BT", "ET", "Tf", "Td", "TD", "Tm", "T*", "Tc", "Tw", "Tz", "TL", "Ts", "Tr"}
SHOW_TEXT = {"Tj", "TJ", "'", '"'}
STROKE_STATE = {"J", "j", "w", "M", "d", "ri", "i"}  # how lines would be drawn: nothing drawn
INVISIBLE = 3  # text render mode of an OCR layer: neither filled nor stroked


class UnrenderablePdf(ValueError):
    """pdfium cannot draw a page of the PDF: no PDF/A can be made from it."""


@dataclass(frozen=True)
class ScanPage:
    image: bytes  # the file the scanner stored: JPEG, JPEG 2000, TIFF G4, PNG…
    dpi: float
    rotate: int  # the page's /Rotate, kept


def page_images(pdf_path: Path) -> list[ScanPage] | None:
    """Each page's one image, when every page is a scan and shows nothing else; otherwise
    None."""
    found: list[ScanPage] = []
    with pikepdf.open(pdf_path) as pdf:
        for page in pdf.pages:
            scan = _scan_of(page)
            if scan is None:
                return None
            found.append(scan)
    return found


def rebuilt_from_images(pages: list[ScanPage], output: Path) -> Path:
    """A PDF of the images alone, one page each at its resolution and rotation."""
    with pikepdf.new() as joined:
        for scan in pages:
            layout = img2pdf.get_fixed_dpi_layout_fun((scan.dpi, scan.dpi))
            with pikepdf.open(io.BytesIO(img2pdf.convert(scan.image, layout_fun=layout))) as one:
                joined.pages.extend(one.pages)
            if scan.rotate:
                joined.pages[-1].obj.Rotate = scan.rotate
        joined.save(output)
    return output


def rendered(pdf_path: Path, dpi: int = RENDER_DPI) -> Iterator[Image.Image]:
    """Each page drawn by pdfium at `dpi`, fonts substituted where they are missing."""
    try:
        document = pypdfium2.PdfDocument(pdf_path)
    except pypdfium2.PdfiumError as error:
        raise UnrenderablePdf(f"pdfium cannot open it: {error}") from error
    with document:
        for number, page in enumerate(document, start=1):
            try:
                image = page.render(scale=dpi / 72).to_pil()
            except pypdfium2.PdfiumError as error:
                raise UnrenderablePdf(f"pdfium cannot draw page {number}: {error}") from error
            finally:
                page.close()
            image.info["dpi"] = (dpi, dpi)
            yield image


def drawn_page(pdf: BinaryIO, number: int, scale: float) -> Image.Image:
    """Page `number` (from 1) of the PDF at `scale` × 72 dpi, in RGB; IndexError past its
    end. A page that only shows its scan (and an OCR layer) is its image decoded at the size
    it is shown at, which a JPEG does in a fraction of the time pdfium takes to draw it
    whole; any other page pdfium draws."""
    source = pdf if pdf.seekable() else io.BytesIO(pdf.read())
    with pikepdf.open(source) as document:
        if not 1 <= number <= len(document.pages):
            raise IndexError(number)
        page = document.pages[number - 1]
        scan = _scan_of(page)
        box = [float(v) for v in page.mediabox]
    width, height = round((box[2] - box[0]) * scale), round((box[3] - box[1]) * scale)
    if scan is not None:
        with Image.open(io.BytesIO(scan.image)) as image:
            upright = (height, width) if scan.rotate % 180 else (width, height)
            image.draft("RGB", upright)  # a JPEG decodes at 1/2, 1/4 or 1/8 of its size
            drawn = image.convert("RGB").resize(upright, Image.Resampling.BOX)
        return drawn.rotate(-scan.rotate, expand=True) if scan.rotate else drawn
    source.seek(0)
    with pypdfium2.PdfDocument(source) as document:  # the copy made before pdfium lets go
        rendered_page: Image.Image = document[number - 1].render(scale=scale).to_pil()
        return rendered_page.convert("RGB")


def _scan_of(page: pikepdf.Page) -> ScanPage | None:
    """The page's image, when the page draws that one image over the whole of it, and
    besides it only invisible text (an OCR layer) or text the image covers."""
    images = list(page.get_images(recursive=False).values())
    if len(images) != 1 or not isinstance(images[0], pikepdf.Stream):
        return None
    if any(key in images[0] for key in ("/SMask", "/Mask", "/ImageMask")):
        return None
    matrix: list[float] | None = None
    drawn: list[float] | None = None
    modes = [0]  # the text render mode, saved and restored with the graphics state
    for instruction in pikepdf.parse_content_stream(page):
        name, operands = str(instruction.operator), instruction.operands
        if name == "cm":
            matrix = [float(v) for v in operands]
        elif name == "q":
            modes.append(modes[-1])
        elif name == "Q" and len(modes) > 1:
            modes.pop()
        elif name == "Tr":
            modes[-1] = int(operands[0])
        elif name == "Do":
            if _invisible_text(page, operands[0], modes[-1]):
                continue  # an OCR layer grafted as a form, as ocrmypdf does
            if matrix is None or drawn is not None:
                return None
            drawn = matrix
        elif name in SHOW_TEXT:
            if modes[-1] != INVISIBLE and drawn is not None:
                return None  # visible text over the scan: more than the image
        elif name not in IMAGE_PAGE_OPERATORS | TEXT_OPERATORS:
            return None
    if drawn is None:
        return None
    return _full_page(page, images[0], drawn)


def _invisible_text(page: pikepdf.Page, name: pikepdf.Object, mode: int) -> bool:
    """Whether XObject `name` of the page is a form that draws invisible text and nothing
    else (`mode`: the text render mode it starts in)."""
    forms = page.resources.get("/XObject")
    form = forms.get(str(name)) if isinstance(forms, pikepdf.Dictionary) else None
    if not isinstance(form, pikepdf.Stream) or form.get("/Subtype") != "/Form":
        return False
    modes = [mode]
    for instruction in pikepdf.parse_content_stream(form):
        operator = str(instruction.operator)
        if operator == "q":
            modes.append(modes[-1])
        elif operator == "Q" and len(modes) > 1:
            modes.pop()
        elif operator == "Tr":
            modes[-1] = int(instruction.operands[0])
        elif operator in SHOW_TEXT:
            if modes[-1] != INVISIBLE:
                return False
        elif (
            operator == "Do" or operator not in IMAGE_PAGE_OPERATORS | TEXT_OPERATORS | STROKE_STATE
        ):
            return False
    return True


def _full_page(page: pikepdf.Page, image: pikepdf.Stream, matrix: list[float]) -> ScanPage | None:
    a, b, c, d = matrix[:4]
    box = [float(v) for v in page.mediabox]
    area = (box[2] - box[0]) * (box[3] - box[1])
    if b or c or a <= 0 or d <= 0 or a * d < FULL_PAGE * area:
        return None  # turned, mirrored or small: not simply the page
    picture = pikepdf.PdfImage(image)
    data = io.BytesIO()
    try:
        picture.extract_to(stream=data)
    except (pikepdf.PdfError, pikepdf.UnsupportedImageTypeError, NotImplementedError):
        return None
    rotate = int(page.obj.get("/Rotate", 0)) % 360
    return ScanPage(data.getvalue(), picture.width / (a / 72), rotate)
