"""A PDF as office scanners make it: each page one image (CCITT G4 when bilevel, JPEG
otherwise) with the scanner software's own OCR layer over it, invisible text in a Type 1
font it names but neither describes nor embeds, read by an engine without Vietnamese."""

import io
import unicodedata
from collections.abc import Sequence

import img2pdf
import pikepdf
from PIL import Image

OLD_LAYER_FONT = "/Times-Roman"
LINE_HEIGHT = 14  # points between the old layer's lines


def scanner_pdf(images: Sequence[Image.Image], texts: Sequence[str], dpi: int) -> bytes:
    layout = img2pdf.get_fixed_dpi_layout_fun((dpi, dpi))
    with pikepdf.new() as pdf:
        for image, text in zip(images, texts, strict=True):
            page_pdf = img2pdf.convert(_stored(image, dpi), layout_fun=layout)
            with pikepdf.open(io.BytesIO(page_pdf)) as one:
                pdf.pages.extend(one.pages)
            _add_old_layer(pdf, pdf.pages[-1], text)
        pdf.docinfo[pikepdf.Name.Producer] = "PaperStream Capture 3.2 (sample)"
        output = io.BytesIO()
        pdf.save(output)
    return output.getvalue()


def old_ocr_text(text: str) -> str:
    """What an OCR engine without Vietnamese reads: the letters without their marks."""
    plain = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in plain if not unicodedata.combining(c) and c.isascii())


def _stored(image: Image.Image, dpi: int) -> bytes:
    buffer = io.BytesIO()
    if image.mode == "1":
        image.save(buffer, "TIFF", compression="group4", dpi=(dpi, dpi))
    else:
        image.convert("L").save(buffer, "JPEG", quality=85, dpi=(dpi, dpi))
    return buffer.getvalue()


def _add_old_layer(pdf: pikepdf.Pdf, page: pikepdf.Page, text: str) -> None:
    name = pikepdf.Name
    font = pdf.make_indirect(
        pikepdf.Dictionary(Type=name.Font, Subtype=name.Type1, BaseFont=name(OLD_LAYER_FONT))
    )
    page.obj.Resources.Font = pikepdf.Dictionary(F0=font)
    top = float(page.mediabox[3]) - 60
    lines = [pikepdf.String(old_ocr_text(line)) for line in text.splitlines() if line.strip()]
    operations = [
        pikepdf.ContentStreamInstruction([], pikepdf.Operator("BT")),
        pikepdf.ContentStreamInstruction([3], pikepdf.Operator("Tr")),
        pikepdf.ContentStreamInstruction([pikepdf.Name.F0, 10], pikepdf.Operator("Tf")),
        pikepdf.ContentStreamInstruction([LINE_HEIGHT], pikepdf.Operator("TL")),
        pikepdf.ContentStreamInstruction([60, top], pikepdf.Operator("Td")),
        *(pikepdf.ContentStreamInstruction([line], pikepdf.Operator("'")) for line in lines),
        pikepdf.ContentStreamInstruction([], pikepdf.Operator("ET")),
    ]
    page.contents_add(pdf.make_stream(pikepdf.unparse_content_stream(operations)))
