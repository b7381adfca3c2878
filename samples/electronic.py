"""Born-digital documents as an agency's e-office software exports them: a corpus document
laid out as NĐ 30/2020 asks, its text drawn with embedded fonts (fpdf2), with the action
on opening such software adds, which a PDF/A may not hold."""

from fpdf import FPDF

from samples.corpus import Block, DocumentParts, document, parts
from samples.typeset import FONT_DIR, FONT_FILES, LEFT_COLUMN_PT, MARGIN_PT, RIGHT_COLUMN_PT

FACES = {"regular": "", "bold": "B", "italic": "I", "bold-italic": "BI"}
MM = 72 / 25.4  # points in a millimetre, fpdf2 measures in points here


def electronic_pdf(corpus_id: str) -> bytes:
    """The corpus document as a born-digital PDF."""
    source = parts(document(corpus_id))
    pdf = FPDF(format="A4", unit="pt")
    for face, style in FACES.items():
        pdf.add_font("serif", style, str(FONT_DIR / FONT_FILES[face]))
    pdf.set_margins(MARGIN_PT["left"], MARGIN_PT["top"], MARGIN_PT["right"])
    pdf.set_auto_page_break(True, MARGIN_PT["bottom"])
    pdf.add_page()
    _header(pdf, source)
    width = pdf.w - pdf.l_margin - pdf.r_margin
    if source.type_name:
        pdf.set_font("serif", "B", 14)
        pdf.multi_cell(width, 18, source.type_name, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.multi_cell(width, 18, source.subject, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    _blocks(pdf, source.body, width)
    _closing(pdf, source)
    _blocks(pdf, source.annex, width)
    return bytes(pdf.output())


def _blocks(pdf: FPDF, blocks: tuple[Block, ...], width: float) -> None:
    for block in blocks:
        if isinstance(block, str):
            pdf.set_font("serif", "", 14)
            pdf.multi_cell(width, 19, block, align="J", new_x="LMARGIN", new_y="NEXT")
            continue
        pdf.set_font("serif", "", 12)
        with pdf.table(
            width=width, line_height=15, text_align="LEFT"
        ) as table:  # the first row as headings
            for row in block:
                table.row(row)


def _header(pdf: FPDF, source: DocumentParts) -> None:
    top = pdf.get_y()
    left, left_width = LEFT_COLUMN_PT[0], LEFT_COLUMN_PT[1] - LEFT_COLUMN_PT[0]
    right, right_width = RIGHT_COLUMN_PT[0], RIGHT_COLUMN_PT[1] - RIGHT_COLUMN_PT[0]
    agencies = [("", source.parent_agency)] if source.parent_agency else []
    agencies += [("B", line) for line in source.agency_lines]
    for style, line in agencies:
        pdf.set_font("serif", style, 13)
        pdf.set_x(left)
        pdf.multi_cell(left_width, 16, line, align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font("serif", "", 13)
    pdf.set_x(left)
    pdf.cell(left_width, 22, source.number_line, align="C", new_x="LEFT", new_y="NEXT")
    if source.type_name is None:
        pdf.set_font("serif", "", 12)
        pdf.set_x(left)
        pdf.multi_cell(left_width, 15, source.subject, align="C", new_x="LEFT", new_y="NEXT")
    below = pdf.get_y()
    pdf.set_y(top)
    for style, line in zip(("B", "B"), source.motto_lines, strict=False):
        pdf.set_font("serif", style, 12.5 if line.isupper() else 13)
        pdf.set_x(right)
        pdf.cell(right_width, 16, line, align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font("serif", "I", 14)
    pdf.set_x(right)
    pdf.cell(right_width, 24, source.place_date, align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_y(max(below, pdf.get_y()) + 10 * MM / 2)


def _closing(pdf: FPDF, source: DocumentParts) -> None:
    if not source.signature:
        return
    pdf.ln(12)
    top = pdf.get_y()
    pdf.set_font("serif", "BI", 12)
    for n, line in enumerate(source.recipients):
        if n == 1:
            pdf.set_font("serif", "", 11)
        pdf.set_x(MARGIN_PT["left"])
        pdf.multi_cell(210, 14, line, new_x="LEFT", new_y="NEXT")
    pdf.set_y(top)
    pdf.set_font("serif", "B", 13)
    for line in source.signature:
        pdf.set_x(300)
        pdf.multi_cell(260, 16, line, align="C", new_x="LEFT", new_y="NEXT")
    if source.signer_name:
        pdf.ln(60)
        pdf.set_x(300)
        pdf.cell(260, 16, source.signer_name, align="C")
