"""Vocabularies of administrative documents (NĐ 30/2020/NĐ-CP, Phụ lục III) and record labels."""

import re

from archive_schema.vietnamese import fold

# Tên loại văn bản and their abbreviations in the notation (ký hiệu).
DOC_TYPE_ABBREVIATIONS: dict[str, str] = {
    "Nghị quyết": "NQ",
    "Quyết định": "QĐ",
    "Chỉ thị": "CT",
    "Quy chế": "QC",
    "Quy định": "QyĐ",
    "Thông cáo": "TC",
    "Thông báo": "TB",
    "Hướng dẫn": "HD",
    "Chương trình": "CTr",
    "Kế hoạch": "KH",
    "Phương án": "PA",
    "Đề án": "ĐA",
    "Dự án": "DA",
    "Báo cáo": "BC",
    "Biên bản": "BB",
    "Tờ trình": "TTr",
    "Hợp đồng": "HĐ",
    "Công điện": "CĐ",
    "Bản ghi nhớ": "BGN",
    "Bản thỏa thuận": "BTT",
    "Giấy ủy quyền": "GUQ",
    "Giấy mời": "GM",
    "Giấy giới thiệu": "GGT",
    "Giấy nghỉ phép": "GNP",
    "Phiếu gửi": "PG",
    "Phiếu chuyển": "PC",
    "Phiếu báo": "PB",
    # legal documents (Luật Ban hành văn bản quy phạm pháp luật), received and kept too
    "Nghị định": "NĐ",
    "Thông tư": "TT",
    "Thông tư liên tịch": "TTLT",
    # the Party's own (Hướng dẫn 36-HD/VPTW); its other types share the abbreviations above
    "Kết luận": "KL",
}
CONG_VAN = "Công văn"  # has no type name line and no abbreviation; its summary starts "V/v"
PARTY_NAME = "ĐẢNG CỘNG SẢN VIỆT NAM"  # stands where the motto does (Hướng dẫn 36-HD/VPTW)
DOC_TYPES: tuple[str, ...] = (*DOC_TYPE_ABBREVIATIONS, CONG_VAN)

AUTHORITY_MARKS = ("TM.", "KT.", "TL.", "TUQ.", "Q.")
SECRECY_MARKS = ("TUYỆT MẬT", "TỐI MẬT", "MẬT")
URGENCY_MARKS = ("HỎA TỐC", "THƯỢNG KHẨN", "KHẨN")

# How far a record can be trusted as the original (mức độ tin cậy): a digitised copy of a
# paper original, or the electronic original itself.
CONFIDENCE_LEVELS = {"digitised": "Số hóa", "original electronic": "Gốc điện tử"}

# Vietnamese labels of the record fields, for manifests, reports and the web.
FIELD_LABELS: dict[str, str] = {
    "file": "Tệp",
    "code": "Mã định danh",
    "dossier_code": "Mã hồ sơ",
    "ordinal": "Số thứ tự",
    "doc_type": "Tên loại",
    "number_symbol": "Số và ký hiệu",
    "number": "Số",
    "notation": "Ký hiệu",
    "issue_date": "Ngày ban hành",
    "place": "Địa danh",
    "issuing_agency": "Cơ quan ban hành",
    "parent_agency": "Cơ quan chủ quản",
    "subject": "Trích yếu",
    "signer_title": "Chức vụ người ký",
    "signer_name": "Người ký",
    "authority_mark": "Quyền hạn ký",
    "recipients": "Nơi nhận",
    "secrecy": "Độ mật",
    "urgency": "Độ khẩn",
    "access_level": "Mức độ tiếp cận",
    "language": "Ngôn ngữ",
    "dossier_end_year": "Năm kết thúc",
    "retention_row": "Điều khoản bảo quản",
    "split_at_blank": "Tách tại trang trắng",
}

_TYPES_BY_FOLDED = {fold(name): name for name in DOC_TYPES}
_TYPES_BY_ABBREVIATION = {
    **{fold(abbr): name for name, abbr in DOC_TYPE_ABBREVIATIONS.items()},
    "cv": CONG_VAN,  # NĐ 30/2020 gives it none; the Party and the police write CV
}


def doc_type_named(text: str) -> str | None:
    """The document type whose name `text` is, in any case or accenting: `QUYẾT ĐỊNH`."""
    return _TYPES_BY_FOLDED.get(" ".join(fold(text).split()))


def doc_type_of_notation(notation: str) -> str | None:
    """The document type abbreviated at the start of a notation: `QĐ-UBND` -> Quyết định,
    the Party's `KL/TU` -> Kết luận."""
    head = re.split(r"[-./]", fold(notation).replace(" ", ""))[0]
    return _TYPES_BY_ABBREVIATION.get(head)


# Mức độ tiếp cận, from the most open to the most closed; a reader cleared for one level
# may read every level before it.
# The stages and acts of a record's history (its events), as the web names them.
STAGE_LABELS = {
    "intake": "Tiếp nhận",
    "ocr": "Nhận dạng (OCR)",
    "describe": "Mô tả",
    "classify": "Xác định thời hạn",
    "package": "Đóng gói",
    "register": "Ghi vào danh mục",
    "index": "Đánh chỉ mục tra cứu",
    "archive": "Lưu trữ",
    "retention": "Thời hạn bảo quản",
    "hold": "Phong tỏa",
    "destruction": "Hủy",
    "fixity": "Kiểm tra toàn vẹn",
    "rebuild": "Khôi phục danh mục",
    "repair": "Sửa gói",
    "secrecy": "Kiểm tra độ mật",
    "correction": "Kiểm tra, sửa thông tin",
    "rescan": "Quét lại",
    "split": "Tách văn bản",
    "merge": "Gộp văn bản",
    "signatures": "Kiểm tra chữ ký số",
}
# The statuses of a digital signature (archive_schema.models.Signature), for the web.
SIGNATURE_STATUSES = {
    "valid": "Hợp lệ",
    "invalid": "Không hợp lệ",
    "untrusted": "Chưa được tin cậy",
    "unknown": "Không xác định",
}
EVENT_OUTCOMES = {"ok": "Xong", "failed": "Lỗi", "skipped": "Bỏ qua"}
ACCESS_LEVELS: dict[str, str] = {
    "public": "Công khai",
    "internal": "Nội bộ",
    "restricted": "Hạn chế sử dụng",
    "secret": "Mật",
}


def cleared_for(level: str) -> frozenset[str]:
    """The access levels a reader cleared for `level` may read: it and every more open one."""
    levels = list(ACCESS_LEVELS)
    return frozenset(levels[: levels.index(level) + 1])


# Words that open the name of a body in a header's left block (a new name), and words of a
# territorial unit, which continue the name above them (`ỦY BAN NHÂN DÂN` / `TỈNH LÀO CAI`).
AGENCY_HEADS = (
    "BỘ",
    "BAN",
    "CỤC",
    "CHI CỤC",
    "TỔNG CỤC",
    "SỞ",
    "VỤ",
    "VĂN PHÒNG",
    "ỦY BAN",
    "UBND",
    "HỘI ĐỒNG",
    "HĐND",
    "THANH TRA",
    "TRUNG TÂM",
    "PHÒNG",
    "VIỆN",
    "TRƯỜNG",
    "KHO BẠC",
    "THỦ TƯỚNG",
    "CHÍNH PHỦ",
    "QUỐC HỘI",
    "TÒA ÁN",
    "CÔNG AN",
    "BỘ CHỈ HUY",
    "ĐẢNG ỦY",
    "ĐẢNG BỘ",
    "ĐẢNG ĐOÀN",
    "CHI BỘ",
    "TỈNH ỦY",
    "THÀNH ỦY",
    "HUYỆN ỦY",
    "THỊ ỦY",
    "QUẬN ỦY",
    "TỔNG CÔNG TY",
    "CÔNG TY",
    "ĐẠI HỌC",
    "BỆNH VIỆN",
)
# The family names most Vietnamese carry (Nguyễn alone about four in ten), to put back the
# first word of a signer's name OCR read with a wrong accent ("Nguyên", "Đoan").
SURNAMES = (
    *("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi"),
    *("Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đoàn", "Đinh", "Trương", "Lương", "Trịnh", "Đào"),
    *("Mai", "Cao", "Lưu", "Tạ", "Thái", "Chu", "Quách", "Kiều", "Tô", "Triệu", "Hứa"),
)
# The offices that sign, as the title under an authority mark names them (KT. BỘ TRƯỞNG /
# THỨ TRƯỞNG): a title line OCR misread a letter or two of can only be one of them.
POSITIONS = (
    *("THỦ TƯỚNG", "PHÓ THỦ TƯỚNG", "BỘ TRƯỞNG", "THỨ TRƯỞNG", "CHỦ NHIỆM", "PHÓ CHỦ NHIỆM"),
    *("CHỦ TỊCH", "PHÓ CHỦ TỊCH", "TỔNG CỤC TRƯỞNG", "PHÓ TỔNG CỤC TRƯỞNG", "CỤC TRƯỞNG"),
    *("PHÓ CỤC TRƯỞNG", "VỤ TRƯỞNG", "PHÓ VỤ TRƯỞNG", "CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"),
    *("GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "TỔNG GIÁM ĐỐC", "PHÓ TỔNG GIÁM ĐỐC", "TRƯỞNG BAN"),
    *("PHÓ TRƯỞNG BAN", "TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG", "CHÁNH THANH TRA", "BÍ THƯ"),
    *("PHÓ BÍ THƯ", "THỐNG ĐỐC", "PHÓ THỐNG ĐỐC", "VIỆN TRƯỞNG", "PHÓ VIỆN TRƯỞNG", "CHÁNH ÁN"),
    *("PHÓ CHÁNH ÁN", "HIỆU TRƯỞNG", "PHÓ HIỆU TRƯỞNG", "TỔNG THANH TRA", "TỔNG KIỂM TOÁN"),
)
TERRITORIAL_UNITS = (
    "TỈNH",
    "THÀNH PHỐ",
    "HUYỆN",
    "QUẬN",
    "THỊ XÃ",
    "THỊ TRẤN",
    "XÃ",
    "PHƯỜNG",
    "ĐẶC KHU",
)


def starts_with_any(text: str, heads: tuple[str, ...]) -> bool:
    """Whether `text` begins with one of `heads` as whole words, ignoring case and accents."""
    words = fold(text).split()
    return any(words[: len(h.split())] == fold(h).split() for h in heads)
