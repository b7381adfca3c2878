"""Batch acceptance (nghiệm thu): a batch whose every record was checked is accepted by an
archivist who checked none of them. The acceptance record (biên bản nghiệm thu, a PDF/A
kept for ever beside the batch's report) and its workbook give the documents, pages,
records and fields corrected, pages whose text was corrected, and the error rate found."""

from datetime import datetime

from archive_schema.catalog import now
from archive_schema.checking import Acceptance, Figures, ReportLine
from archive_schema.spreadsheets import xlsx_bytes
from archive_schema.vietnamese import vn_date
from pipelines.archive import Archive
from pipelines.corrections import checking
from pipelines.official_pdf import HEADING, as_pdfa, official_page
from pipelines.package.layout import acceptance_record_key
from pipelines.package.locks import kept_for_ever

COLUMNS = (
    *("TT", "Số, ký hiệu", "Tên loại", "Ngày", "Trích yếu"),
    *("Số trang", "Người kiểm tra", "Số lần sửa"),
)


def accept_batch(archive: Archive, batch_id: str, user: str, address: str) -> Acceptance:
    """Accept the batch (audited; UserError in Vietnamese when it may not be), its
    acceptance record written to the store first."""
    found = checking(archive)
    found.acceptable(batch_id, user)
    record = acceptance_record(
        batch_id, found.figures(batch_id), found.report_lines(batch_id), user, now()
    )
    key = acceptance_record_key(batch_id)
    archive.store.put(key, record, kept_for_ever(archive.settings.object_lock_permanent_years))
    return found.accept(batch_id, user, address, key)


def acceptance_workbook(archive: Archive, batch_id: str) -> bytes:
    """The figures and the records of the batch's check, as a workbook."""
    found = checking(archive)
    figures, lines = found.figures(batch_id), found.report_lines(batch_id)
    rows = [_cells(n, line) for n, line in enumerate(lines, start=1)]
    rows.append([])
    rows += [[label, value] for label, value in summary(figures)]
    return xlsx_bytes(
        f"Nghiệm thu lô {batch_id}", "Nghiệm thu", COLUMNS, rows, (5, 22, 14, 12, 60, 9, 16, 10)
    )


def acceptance_record(
    batch_id: str, figures: Figures, lines: list[ReportLine], user: str, at: datetime
) -> bytes:
    said = [
        f"Lô tài liệu {batch_id}, nghiệm thu ngày {vn_date(at)} bởi lưu trữ viên {user}.",
        *(f"{label}: {value}" for label, value in summary(figures)),
    ]
    pdf = official_page("BIÊN BẢN NGHIỆM THU LÔ TÀI LIỆU SỐ HÓA", said)
    widths = (10, 38, 26, 22, 105, 16, 30, 15)
    with pdf.table(col_widths=widths, headings_style=HEADING, line_height=5) as table:
        table.row(list(COLUMNS))
        for n, line in enumerate(lines, start=1):
            table.row([str(cell) for cell in _cells(n, line)])
    return as_pdfa(pdf, f"Biên bản nghiệm thu lô {batch_id}")


def summary(figures: Figures) -> list[tuple[str, str]]:
    return [
        ("Số văn bản", str(figures.documents)),
        ("Số trang", str(figures.pages)),
        ("Văn bản phải sửa", str(figures.records_corrected)),
        ("Trường thông tin đã sửa", str(figures.fields_corrected)),
        ("Trang đã sửa văn bản", str(figures.pages_corrected)),
        ("Trang quét lại", str(figures.pages_rescanned)),
        ("Tỷ lệ lỗi (trường phải sửa / trường đã kiểm tra)", f"{figures.error_rate:.1%}"),
    ]


def _cells(number: int, line: ReportLine) -> list[object]:
    return [
        number,
        line.number_symbol or "",
        line.doc_type or "",
        vn_date(line.issue_date) if line.issue_date else "",
        line.subject or "",
        line.pages,
        line.checked_by or "",
        line.corrections,
    ]
