"""The mark of an uncertified copy (bản sao, TT 05/2025): "BẢN SAO" drawn at the top right
of every page of a PDF given to a user that the agency has not signed, in an embedded
font, so that a PDF/A stays one."""

import io

import pikepdf
from fpdf import FPDF

MARK = "BẢN SAO"
FONT = "/usr/share/fonts/truetype/noto/NotoSerif-Bold.ttf"  # fonts-noto-core
MARGIN_PT, SIZE_PT = 14, 16
RED = (180, 20, 20)


def marked_copy(pdf: bytes) -> bytes:
    """The PDF with MARK over each page."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        overlays: dict[tuple[float, float], pikepdf.Pdf] = {}
        for page in document.pages:
            left, bottom, right, top = (float(v) for v in page.mediabox)
            size = (right - left, top - bottom)
            if size not in overlays:
                overlays[size] = pikepdf.open(io.BytesIO(_mark(*size)))
            page.add_overlay(overlays[size].pages[0], pikepdf.Rectangle(left, bottom, right, top))
        out = io.BytesIO()
        document.save(out)
    for overlay in overlays.values():
        overlay.close()
    return out.getvalue()


def _mark(width: float, height: float) -> bytes:
    sheet = FPDF(unit="pt", format=(width, height))
    sheet.add_font("mark", "", FONT)
    sheet.set_font("mark", size=SIZE_PT)
    sheet.set_text_color(*RED)
    sheet.add_page()
    text_width = sheet.get_string_width(MARK)
    sheet.set_xy(width - MARGIN_PT - text_width - 8, MARGIN_PT)
    sheet.set_draw_color(*RED)
    sheet.cell(text_width + 8, SIZE_PT + 6, MARK, border=1, align="C")
    return bytes(sheet.output())
