"""Documents sohoa issues itself (the destruction record, the acceptance record), laid out by
fpdf2 in a Vietnamese font under the national motto and title, then made PDF/A-2b by
ocr.convert (their text is kept, nothing is OCRed)."""

import io
from datetime import datetime
from pathlib import Path
from tempfile import TemporaryDirectory

from fpdf import FPDF
from fpdf.fonts import FontFace

FONTS = Path("/usr/share/fonts/truetype/noto")  # fonts-noto-core, installed by install-system
HEADING = FontFace(emphasis="BOLD", fill_color=(230, 230, 230))


def official_page(title: str, lines: list[str]) -> FPDF:
    """A landscape A4 page with the motto, `title` and `lines` of text, the font set for a
    table to follow."""
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.add_font("Noto", "", FONTS / "NotoSerif-Regular.ttf")
    pdf.add_font("Noto", "B", FONTS / "NotoSerif-Bold.ttf")
    pdf.set_margins(20, 15, 15)
    pdf.add_page()
    pdf.set_font("Noto", "B", 12)
    pdf.cell(0, 6, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, "Độc lập - Tự do - Hạnh phúc", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("Noto", "B", 14)
    pdf.cell(0, 8, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Noto", "", 11)
    for line in lines:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Noto", "", 9)
    return pdf


def as_pdfa(pdf: FPDF, title: str) -> bytes:
    import pikepdf  # the OCR stack: loaded by the work that makes the PDF/A, not by the web

    from ocr.convert import text_to_pdfa

    with TemporaryDirectory(prefix="sohoa-official-") as work:
        plain, pdfa = Path(work, "plain.pdf"), Path(work, "official.pdf")
        with pikepdf.open(io.BytesIO(pdf.output())) as laid_out:
            del laid_out.Root.OpenAction  # fpdf2 always sets one; ocrmypdf's PDF/A check refuses it
            laid_out.save(plain)
        text_to_pdfa(plain, pdfa, title)
        return pdfa.read_bytes()


def day(moment: datetime | None) -> str:
    return f"{moment:%d/%m/%Y}" if moment else "-"
