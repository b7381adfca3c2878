"""The destruction record (biên bản hủy tài liệu) of an executed proposal, as a PDF/A: who
proposed, who approved and when, who executed, and each destroyed record from its
tombstone. fpdf2 lays it out with a Vietnamese font; ocr.convert makes it PDF/A-2b (its
text is kept, nothing is OCRed)."""

import io
from datetime import datetime
from pathlib import Path
from tempfile import TemporaryDirectory

import pikepdf
from fpdf import FPDF
from fpdf.fonts import FontFace

from archive_schema.disposal import Proposal, Tombstone
from ocr.convert import text_to_pdfa

FONTS = Path("/usr/share/fonts/truetype/noto")  # fonts-noto-core, installed by install-system


def destruction_record(proposal: Proposal, tombstones: list[Tombstone], executor: str) -> bytes:
    with TemporaryDirectory(prefix="sohoa-bien-ban-") as work:
        plain, pdfa = Path(work, "plain.pdf"), Path(work, "bien-ban.pdf")
        laid_out = io.BytesIO(_layout(proposal, tombstones, executor).output())
        with pikepdf.open(laid_out) as pdf:
            del pdf.Root.OpenAction  # fpdf2 always sets one; ocrmypdf's PDF/A check refuses it
            pdf.save(plain)
        text_to_pdfa(plain, pdfa, f"Biên bản hủy tài liệu - đề nghị số {proposal.id}")
        return pdfa.read_bytes()


def _layout(proposal: Proposal, tombstones: list[Tombstone], executor: str) -> FPDF:
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
    pdf.cell(0, 8, "BIÊN BẢN HỦY TÀI LIỆU HẾT GIÁ TRỊ", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Noto", "", 11)
    lines = [
        f"Đề nghị số {proposal.id}, lập ngày {_day(proposal.created_at)} bởi {proposal.proposer}."
        + (f" Lý do: {proposal.note}" if proposal.note else ""),
        *(
            f"Thành viên Hội đồng xét hủy {vote.user} "
            f"{'đồng ý' if vote.approve else 'không đồng ý'} ngày {_day(vote.at)}"
            + (f": {vote.comment}" if vote.comment else ".")
            for vote in proposal.votes
        ),
        f"Quyết định hủy ngày {_day(proposal.decided_at)}; thực hiện bởi {executor}"
        f" ngày {_day(datetime.now())}.",
        f"Đã hủy {len(tombstones)} tài liệu: bản lưu trong kho lưu trữ và chỉ mục tra cứu đã"
        " bị xóa; thông tin mô tả dưới đây được giữ lại.",
    ]
    for line in lines:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Noto", "", 9)
    heading = FontFace(emphasis="BOLD", fill_color=(230, 230, 230))
    widths = (10, 40, 22, 95, 22, 18, 55)
    with pdf.table(col_widths=widths, headings_style=heading, line_height=5) as table:
        table.row(["TT", "Số, ký hiệu", "Ngày", "Trích yếu", "Điều khoản", "Thời hạn", "Mã"])
        for number, stone in enumerate(tombstones, start=1):
            meta = stone.metadata
            table.row(
                [
                    str(number),
                    meta.get("number_symbol") or "",
                    meta.get("issue_date") or "",
                    meta.get("subject") or "",
                    meta.get("retention_row") or "",
                    f"{meta.get('retention_years')} năm",
                    stone.document_id[:16],
                ]
            )
    return pdf


def _day(moment: datetime | None) -> str:
    return f"{moment:%d/%m/%Y}" if moment else "-"
