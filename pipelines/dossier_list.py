"""Mục lục hồ sơ: the list of the dossiers of a fonds, in the usual form (TT 05/2025), as a
workbook and as a PDF/A under the national motto."""

from archive_schema.errors import UserError
from archive_schema.fonds import Archives, Dossier, Fonds
from archive_schema.spreadsheets import xlsx_bytes
from archive_schema.vietnamese import vn_date
from archive_schema.vocab import ACCESS_LEVELS
from pipelines.archive import Archive
from pipelines.official_pdf import HEADING, as_pdfa, official_page

COLUMNS = (
    *("Số TT", "Mã hồ sơ", "Tiêu đề hồ sơ", "Ngày bắt đầu", "Ngày kết thúc"),
    *("Số văn bản", "Số trang", "Số tờ", "Thời hạn bảo quản", "Chế độ sử dụng", "Ghi chú"),
)


def dossier_list_xlsx(archive: Archive, fonds_code: str) -> bytes:
    fonds, dossiers = _of(archive, fonds_code)
    rows = [_cells(n, d) for n, d in enumerate(dossiers, start=1)]
    widths = (6, 22, 60, 12, 12, 9, 9, 8, 14, 16, 20)
    return xlsx_bytes(f"Mục lục hồ sơ phông {fonds.code}", "Mục lục hồ sơ", COLUMNS, rows, widths)


def dossier_list_pdf(archive: Archive, fonds_code: str) -> bytes:
    fonds, dossiers = _of(archive, fonds_code)
    said = [
        f"Phông {fonds.code}: {fonds.name}" + (f" ({fonds.years})" if fonds.years else ""),
        *([f"Cơ quan hình thành phông: {fonds.creator}"] if fonds.creator else []),
        f"{len(dossiers)} hồ sơ.",
    ]
    pdf = official_page("MỤC LỤC HỒ SƠ", said)
    widths = (10, 30, 70, 20, 20, 14, 14, 12, 22, 22, 23)
    with pdf.table(col_widths=widths, headings_style=HEADING, line_height=5) as table:
        table.row(list(COLUMNS))
        for n, dossier in enumerate(dossiers, start=1):
            table.row([str(cell) for cell in _cells(n, dossier)])
    return as_pdfa(pdf, f"Mục lục hồ sơ phông {fonds.code}")


def _of(archive: Archive, fonds_code: str) -> tuple[Fonds, list[Dossier]]:
    archives = Archives(archive.catalog)
    fonds = next((f for f in archives.fonds() if f.code == fonds_code), None)
    if fonds is None:
        raise UserError(f"no fonds {fonds_code}", f"Không có phông {fonds_code}.")
    return fonds, archives.dossiers(fonds_code)


def _cells(number: int, dossier: Dossier) -> list[object]:
    return [
        number,
        dossier.code,
        dossier.title,
        vn_date(dossier.start) if dossier.start else "",
        vn_date(dossier.end) if dossier.end else "",
        dossier.documents,
        dossier.pages,
        dossier.sheets if dossier.sheets is not None else "",
        dossier.retention,
        ACCESS_LEVELS.get(dossier.access_level, dossier.access_level),
        dossier.condition,
    ]
