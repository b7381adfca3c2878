"""The destruction record (biên bản hủy tài liệu) of an executed proposal, as a PDF/A: who
proposed, who approved and when, who executed, and each destroyed record from its
tombstone (pipelines.official_pdf)."""

from datetime import datetime

from archive_schema.disposal import Proposal, Tombstone
from pipelines.official_pdf import HEADING, as_pdfa, day, official_page


def destruction_record(proposal: Proposal, tombstones: list[Tombstone], executor: str) -> bytes:
    lines = [
        f"Đề nghị số {proposal.id}, lập ngày {day(proposal.created_at)} bởi {proposal.proposer}."
        + (f" Lý do: {proposal.note}" if proposal.note else ""),
        *(
            f"Thành viên Hội đồng xét hủy {vote.user} "
            f"{'đồng ý' if vote.approve else 'không đồng ý'} ngày {day(vote.at)}"
            + (f": {vote.comment}" if vote.comment else ".")
            for vote in proposal.votes
        ),
        f"Quyết định hủy ngày {day(proposal.decided_at)}; thực hiện bởi {executor}"
        f" ngày {day(datetime.now())}.",
        f"Đã hủy {len(tombstones)} tài liệu: bản lưu trong kho lưu trữ và chỉ mục tra cứu đã"
        " bị xóa; thông tin mô tả dưới đây được giữ lại.",
    ]
    pdf = official_page("BIÊN BẢN HỦY TÀI LIỆU HẾT GIÁ TRỊ", lines)
    widths = (10, 40, 22, 95, 22, 18, 55)
    with pdf.table(col_widths=widths, headings_style=HEADING, line_height=5) as table:
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
    return as_pdfa(pdf, f"Biên bản hủy tài liệu - đề nghị số {proposal.id}")
