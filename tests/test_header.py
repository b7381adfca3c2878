from datetime import date

import pytest

from archive_schema.models import Description
from ocr.header import parse_header
from ocr.layout import PageLayout, Word, read_page
from tests.layout_builder import (
    HEIGHT,
    LEFT_COLUMN,
    MOTTO,
    PAGE_CENTRE,
    RIGHT_COLUMN,
    WIDTH,
    centred,
    header_rows,
    words,
)


def layout(*ocr_lines: list[Word], number: int = 1) -> PageLayout:
    return read_page(number, WIDTH, HEIGHT, 300, list(ocr_lines))


def body(y: int, count: int) -> list[list[Word]]:
    text = "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015 của"  # a full line
    return [words(text, 350, y + 70 * i) for i in range(count)]


def test_decision_with_parent_agency_and_signature_marks() -> None:
    first = layout(
        *header_rows(
            ["BỘ TÀI CHÍNH", "CỤC THUẾ"], "63/2025/QĐ- CT", "Hà Nội, ngày 5 tháng 07 năm 2025"
        ),
        centred("QUYẾT ĐỊNH", PAGE_CENTRE, 560),
        centred("Về việc ủy quyền ký văn bản", PAGE_CENTRE, 630),
        centred("thuộc thẩm quyền của Cục", PAGE_CENTRE, 690),
        centred("CỤC TRƯỞNG CỤC THUẾ", PAGE_CENTRE, 850),
        *body(950, 4),
    )
    last = layout(
        *body(200, 2),
        words("Nơi nhận:", 350, 500) + centred("TM. ỦY BAN NHÂN DÂN", 1800, 500),
        words("- Như Điều 3;", 350, 560) + centred("KT. CHỦ TỊCH", 1800, 560),
        words("- Lưu: VT, TH.", 350, 620) + centred("PHÓ CHỦ TỊCH", 1800, 620),
        words("(kèm theo danh sách", 400, 680),
        centred("Bùi Thanh An", 1800, 900),
        number=2,
    )
    header = parse_header([first, last]).fields
    assert header == Description(
        doc_type="Quyết định",
        number_symbol="63/2025/QĐ-CT",
        number="63",
        notation="QĐ-CT",
        issue_date=date(2025, 7, 5),
        place="Hà Nội",
        issuing_agency="CỤC THUẾ",
        parent_agency="BỘ TÀI CHÍNH",
        subject="Về việc ủy quyền ký văn bản thuộc thẩm quyền của Cục",
        signer_title="TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH",
        signer_name="Bùi Thanh An",
        authority_mark="TM. KT.",
        recipients=["Như Điều 3;", "Lưu: VT, TH. (kèm theo danh sách"],
    )


def test_official_letter_with_summary_under_number_and_marks() -> None:
    page = layout(
        *header_rows(
            ["ỦY BAN NHÂN DÂN", "TỈNH KHÁNH HOÀ"],
            "12/UBND-VX",
            "Khánh Hòa, ngày 21 tháng 9 năm 2021",
            motto=("CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"),
        ),
        centred("V/v phòng, chống dịch", LEFT_COLUMN, 465),
        centred("bệnh mùa mưa bão", LEFT_COLUMN, 530),
        centred("MẬT", LEFT_COLUMN, 595),
        centred("HOẢ TỐC", LEFT_COLUMN, 660),
        *body(850, 3),
        centred("KT. CHỦ TỊCH", 1800, 1200),
        centred("PHÓ CHỦ TỊCH", 1800, 1260),
        centred("Nguyễn Văn A", 1800, 1500),
    )
    header = parse_header([page]).fields
    assert (header.doc_type, header.subject) == (
        "Công văn",
        "V/v phòng, chống dịch bệnh mùa mưa bão",
    )
    assert (header.issuing_agency, header.parent_agency) == ("ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA", None)
    assert (header.secrecy, header.urgency) == ("MẬT", "HỎA TỐC")
    assert (header.number, header.notation, header.place) == ("12", "UBND-VX", "Khánh Hòa")
    assert (header.signer_name, header.authority_mark, header.recipients) == (
        "Nguyễn Văn A",
        "KT.",
        [],
    )


def test_old_notation_kept_as_printed_and_impossible_date_dropped() -> None:
    page = layout(
        *header_rows(["UỶ BAN NHÂN DÂN"], "11/1998/QĐ .UB", "Lào Cai, ngày 31 tháng 02 năm 1998"),
        *body(600, 2),
    )
    header = parse_header([page]).fields
    assert (header.number_symbol, header.notation, header.issue_date) == (
        "11/1998/QĐ .UB",
        "QĐ .UB",
        None,
    )
    assert header.doc_type == "Quyết định"  # from the notation's abbreviation
    assert header.place == "Lào Cai"  # the date misread, the place still read


def test_pages_without_text() -> None:
    assert parse_header([]).fields == Description()
    assert parse_header([layout()]).fields == Description()


def test_doubled_letter_of_the_type_abbreviation_is_repaired() -> None:
    page = layout(
        *header_rows(
            ["ỦY BAN NHÂN DÂN"], "145/2025/QĐĐ-UBND", "Thanh Hóa, ngày 20 tháng 11 năm 2025"
        ),
        *body(600, 2),
    )
    assert parse_header([page]).fields.number_symbol == "145/2025/QĐ-UBND"
    unknown = layout(*header_rows(["ỦY BAN NHÂN DÂN"], "12/XXX-UBND", "ngày 1 tháng 1 năm 2020"))
    unrepaired = parse_header([unknown]).fields
    assert unrepaired.number_symbol == "12/XXX-UBND"  # no known type to repair towards


def test_a_header_whose_number_was_lost_and_date_specked_still_gives_the_rest() -> None:
    """A photocopy: OCR read "Số:" and nothing after it, and specks into the date."""
    page = layout(
        *header_rows(
            ["UỶ BAN NHÂN DÂN", "TỈNH LÀO CAI"], "", "Lào Cai, ngày: -14 tháng 01-năm 1998"
        ),
        centred("QUYẾT ĐỊNH", PAGE_CENTRE, 560),
        centred("VỀ VIỆC QUY ĐỊNH GIÁ BÁN XI MĂNG", PAGE_CENTRE, 630),
        *body(800, 4),
    )
    header = parse_header([page]).fields
    assert header.number_symbol is None
    assert (header.issuing_agency, header.place, header.issue_date) == (
        "ỦY BAN NHÂN DÂN TỈNH LÀO CAI",
        "Lào Cai",
        date(1998, 1, 14),
    )
    assert (header.doc_type, header.subject) == ("Quyết định", "VỀ VIỆC QUY ĐỊNH GIÁ BÁN XI MĂNG")


@pytest.mark.parametrize(
    ("agency", "number", "date_line", "read"),
    [
        (
            ["BAN CHẤP HÀNH TRUNG ƯƠNG L"],
            "15/CT:UBND",
            "SA Hải Phòng, ngày 8 tháng 12 năm 2021",
            ("BAN CHẤP HÀNH TRUNG ƯƠNG", "15/CT-UBND", "Hải Phòng"),
        ),
        (
            ["ỦY BAN NHÂN DÂN", "TỈNH THANH HÓA", "Sứ"],  # a speck read on a line of its own
            "33/2025 NQ-HĐND",
            "TP Hồ Chí Minh, ngày 8 tháng 12 năm 2021",  # a city's TP is no speck
            ("ỦY BAN NHÂN DÂN TỈNH THANH HÓA", "33/2025/NQ-HĐND", "TP Hồ Chí Minh"),
        ),
    ],
)
def test_specks_beside_the_agency_the_number_and_the_place_are_not_read_into_them(
    agency: list[str], number: str, date_line: str, read: tuple[str, str, str]
) -> None:
    header = parse_header([layout(*header_rows(agency, number, date_line), *body(600, 3))])
    assert (header.fields.issuing_agency, header.fields.number_symbol, header.fields.place) == read


def test_a_subject_is_spelt_across_the_ends_of_its_lines() -> None:
    """OCR's text is put right line by line: a compound cut by the wrap ("PHỐ | BIẾN") is
    only seen whole in the subject."""
    read = ["TIẾP TỤC TUYÊN TRUYỀN, PHỐ", "BIẾN PHÁP LUẬT CHO NGƯỜI LAO ĐỘNG"]
    page = layout(
        *header_rows(["ỦY BAN NHÂN DÂN", "TỈNH BẾN TRE"], "12/KH-UBND", "ngày 8/12/2021"),
        centred("KẾ HOẠCH", PAGE_CENTRE, 560),
        *(centred(line, PAGE_CENTRE, 630 + 65 * i) for i, line in enumerate(read)),
        *body(900, 4),
    )
    assert parse_header([page]).fields.subject == (
        "TIẾP TỤC TUYÊN TRUYỀN, PHỔ BIẾN PHÁP LUẬT CHO NGƯỜI LAO ĐỘNG"
    )


SPECK = Word(text=":", box=(2100, 905, 2108, 912), confidence=90)  # tiny, beside the name


def test_specks_in_the_signature_space_are_ignored() -> None:
    page = layout(
        *body(200, 2),
        words("Nơi nhận:", 350, 500) + centred("TL. CHỦ TỊCH", 1800, 500),
        words("- Như trên;", 350, 560) + centred("CHÁNH VĂN PHÒNG", 1800, 560),
        centred(";", 1800, 640),
        [*centred("Thái Hữu Phép", 1800, 900), SPECK],
    )
    header = parse_header([page]).fields
    assert (header.signer_title, header.signer_name) == (
        "TL. CHỦ TỊCH / CHÁNH VĂN PHÒNG",
        "Thái Hữu Phép",
    )
    assert header.recipients == ["Như trên;"]


def test_recipients_are_read_when_a_seal_hides_the_signature_block() -> None:
    """A black seal over the title and the name (a photocopy's) leaves no signature block:
    the list is read under its heading all the same, a dash lost or after a speck."""
    page = layout(
        *body(200, 2),
        words("Nơi nhận:", 350, 500) + words("RƯƠNG", 1900, 500, confidence=40),
        words("- Như trên;", 350, 560),
        words("Lãnh đạo Bộ (để b/c);", 350, 620),  # its dash lost
        words("_ - Vụ Pháp chế - BTC;", 330, 680),
        words("- Các đơn vị thuộc và trực", 350, 740),
        words("thuộc TCHQ (để t/h);", 350, 800),
        words("ng Anh Tuấn", 1900, 900),
    )
    header = parse_header([page]).fields
    assert header.signer_name is None
    assert header.recipients == [
        "Như trên;",
        "Lãnh đạo Bộ (để b/c);",
        "Vụ Pháp chế - BTC;",
        "Các đơn vị thuộc và trực thuộc TCHQ (để t/h);",
    ]


def closing(*recipients: list[Word]) -> PageLayout:
    """A signed page's closing: a Nơi nhận list opening with "Như trên;" and going on with
    `recipients`, beside a signature block."""
    return layout(
        *body(200, 2),
        words("Nơi nhận:", 350, 500) + centred("KT. CHỦ TỊCH", 1800, 500),
        words("- Như trên;", 350, 560) + centred("PHÓ CHỦ TỊCH", 1800, 560),
        *recipients,
        centred("Phạm Lê Tuấn", 1800, 900),
    )


@pytest.mark.parametrize(
    ("read", "printed"),
    [
        ("- Lưu: VI, KSTTHC.", "Lưu: VT, KSTTHC."),  # VT misread
        ("- Lưu: VT P.", "Lưu: VT, P."),  # its comma read as a space
        ("- Lưu: VT; NC.", "Lưu: VT, NC."),
        ("- Lựu: VT,NCTH.HH", "Lưu: VT, NCTH.HH"),
        ("- Lưu VT ( H1.25 ) .", "Lưu VT ( H1.25 ) ."),  # as printed
        ("- Lưu: Văn thư, NN (2)", "Lưu: Văn thư, NN (2)"),
        ("- Lưu: VP, TH.", "Lưu: VP, TH."),
    ],
)
def test_the_item_filed_with_the_records_office_is_put_back(read: str, printed: str) -> None:
    page = closing(words(read, 350, 620))
    assert parse_header([page]).fields.recipients == ["Như trên;", printed]


def test_marks_among_the_recipients_are_no_item() -> None:
    """What OCR made of an erased seal's remains, read into the list's column."""
    page = closing(words("„ “", 700, 620), words("- Lưu: VT, TH.", 350, 680))
    assert parse_header([page]).fields.recipients == ["Như trên;", "Lưu: VT, TH."]


def misread_letter(summary: tuple[str, str], notation: str, greeting: str = "") -> PageLayout:
    """A công văn whose V/v line OCR misread, with or without its Kính gửi line."""
    return layout(
        *header_rows(
            ["UBND TỈNH BẮC NINH", "SỞ GIÁO DỤC VÀ ĐÀO TẠO. z)"],  # what specks left
            notation,
            "Bắc Ninh, ngày 3 tháng 4 năm 2019",
        ),
        centred(summary[0], LEFT_COLUMN, 465),
        centred(summary[1], LEFT_COLUMN, 530),
        *([centred(greeting, PAGE_CENTRE, 700)] if greeting else []),
        *body(800, 4),
    )


def test_a_letter_whose_v_v_was_misread_is_a_cong_van_by_its_notation() -> None:
    summary = ("Ví tăng cường công tác", "bảo đảm an ninh trường học")
    header = parse_header([misread_letter(summary, "1234/SGDĐT-CTrTT")]).fields
    assert header.doc_type == "Công văn"
    assert header.subject == "V/v tăng cường công tác bảo đảm an ninh trường học"
    assert header.issuing_agency == "SỞ GIÁO DỤC VÀ ĐÀO TẠO"


def test_a_letter_with_a_type_in_its_notation_is_one_by_its_greeting() -> None:
    summary = ("MẠI triển khai kế hoạch", "phòng cháy chữa cháy")
    notation = "5680/CT-CS"  # CT: the Cục Thuế here, a chỉ thị's abbreviation too
    greeting = "Kính gửỉ: Chi cục Thuế các huyện"
    header = parse_header([misread_letter(summary, notation, greeting)]).fields
    assert (header.doc_type, header.subject) == (
        "Công văn",
        "V/v triển khai kế hoạch phòng cháy chữa cháy",
    )
    unsure = parse_header([misread_letter(summary, notation)]).fields  # no greeting: a chỉ thị
    assert unsure.doc_type == "Chỉ thị" and unsure.subject is None


def test_a_long_upper_case_subject_is_followed_over_its_wraps() -> None:
    subject = [
        "VỀ VIỆC BAN HÀNH KẾ HOẠCH THỰC HIỆN",
        "CHƯƠNG TRÌNH MỤC TIÊU QUỐC GIA",
        "XÂY DỰNG NÔNG THÔN MỚI TRÊN ĐỊA BÀN",
        "TỈNH GIAI ĐOẠN 2021 - 2025",
    ]
    page = layout(
        *header_rows(
            ["HỘI ĐỒNG NHÂN DÂN", "TỈNH ĐỒNG THÁP"],
            "12/NQ-HĐND",
            "Đồng Tháp, ngày 8 tháng 12 năm 2021",
        ),
        centred("NGHỊ QUYÉT:", PAGE_CENTRE, 560),  # as OCR read it
        *(centred(line, PAGE_CENTRE, 630 + 65 * i) for i, line in enumerate(subject)),
        centred("———", PAGE_CENTRE, 900),  # the rule under the summary
        *body(1000, 4),
    )
    header = parse_header([page]).fields
    assert header.doc_type == "Nghị quyết"
    assert header.subject == " ".join(subject)
    assert header.issuing_agency == "HỘI ĐỒNG NHÂN DÂN TỈNH ĐỒNG THÁP"


def test_a_subject_loses_the_specks_a_photocopy_leaves_in_and_around_it() -> None:
    read = [
        "“TRIỂN KHAI THI HÀNH LUẬT VIỆC LÀM __",  # toner dust read as a quote and a rule
        "TRÊN ĐỊA BÀN THÀNH PHỐ _ HỒ CHÍ MINH-",
    ]
    page = layout(
        *header_rows(["ỦY BAN NHÂN DÂN", "TỈNH BẾN TRE"], "12/KH-UBND", "ngày 8/12/2021"),
        centred("KẾ HOẠCH", PAGE_CENTRE, 560),
        *(centred(line, PAGE_CENTRE, 630 + 65 * i) for i, line in enumerate(read)),
        *body(900, 4),
    )
    assert parse_header([page]).fields.subject == (
        "TRIỂN KHAI THI HÀNH LUẬT VIỆC LÀM TRÊN ĐỊA BÀN THÀNH PHỐ HỒ CHÍ MINH"
    )


@pytest.mark.parametrize(
    ("read", "printed"),
    [
        ("VỀ VIỆC: XÂY DỰNG KẾ HOẠCH NĂM: 2012", "VỀ VIỆC XÂY DỰNG KẾ HOẠCH NĂM 2012"),
        ("BAN CHẤP HÀNH.ĐẢNG BỘ TỈNH KÔN'TUM", "BAN CHẤP HÀNH ĐẢNG BỘ TỈNH KON TUM"),
        ("GIÁM SÁT, 'ĐÁNH GIÁ PHÒNG,CHỐNG DỊCH", "GIÁM SÁT, ĐÁNH GIÁ PHÒNG, CHỐNG DỊCH"),
        # what a speck never is: an abbreviation's dot, a number's, a dash between words, a
        # semicolon between two parts
        ("QUY HOẠCH TP. HỒ CHÍ MINH ĐẾN 2030", "QUY HOẠCH TP. HỒ CHÍ MINH ĐẾN 2030"),
        ("HỖ TRỢ 1.500 HỘ NĂM 2016-2020", "HỖ TRỢ 1.500 HỘ NĂM 2016-2020"),
        ("PHÁT TRIỂN KINH TẾ-XÃ HỘI", "PHÁT TRIỂN KINH TẾ-XÃ HỘI"),
        ("CHO NGƯỜI LAO ĐỘNG; NGƯỜI SỬ DỤNG", "CHO NGƯỜI LAO ĐỘNG; NGƯỜI SỬ DỤNG"),
    ],
)
def test_specks_read_as_marks_inside_a_subject_are_dropped(read: str, printed: str) -> None:
    page = layout(
        *header_rows(["ỦY BAN NHÂN DÂN", "TỈNH KON TUM"], "12/KH-UBND", "ngày 8/12/2021"),
        centred("KẾ HOẠCH", PAGE_CENTRE, 560),
        centred(read, PAGE_CENTRE, 630),
        *body(900, 4),
    )
    assert parse_header([page]).fields.subject == printed


def test_each_field_read_says_how_far_it_can_be_trusted() -> None:
    summary = ("Ví tăng cường công tác", "bảo đảm an ninh trường học")
    reading = parse_header([misread_letter(summary, "1234/SGDĐT-CTrTT")])
    assert set(reading.confidence) == reading.fields.model_fields_set
    confidence = reading.confidence
    assert confidence["issue_date"] >= 85  # printed plainly, read with confidence 95
    assert confidence["subject"] < 80 and confidence["doc_type"] < 80  # "V/v" put back by rule
    doubtful = layout(
        *header_rows(["ỦY BAN NHÂN DÂN"], "7/QĐ-UBND", "Huế, ngày 1 tháng 2 năm 2024"),
        centred("QUYẾT ĐJNH", PAGE_CENTRE, 560),  # a letter off
        centred("Về việc thành lập Hội đồng", PAGE_CENTRE, 630),
        *body(750, 3),
    )
    confidence = parse_header([doubtful]).confidence
    assert confidence["doc_type"] < confidence["subject"]
    junk = layout(
        *header_rows(["ỦY BAN NHÂN DÂN"], "7/QĐ-UBND", "Huế, ngày 1 tháng 2 năm 2024"),
        centred("QUYẾT ĐỊNH", PAGE_CENTRE, 560),
        centred("Vềe viêjc thànhh lậpp Hộii đồngg", PAGE_CENTRE, 630),  # read at 95, not words
        *body(750, 3),
    )
    assert parse_header([junk]).confidence["subject"] < 50


def test_agency_words_and_places_misread_are_spelt_as_they_can_only_be() -> None:
    page = layout(
        *header_rows(
            ["ỦYBANNHÂNDÂN", "TĨNH QUẢNG NẠM"], "9/KH-UBND", "___ Bác Ninh, ngày 2 tháng 3 năm 2020"
        ),
        *body(600, 2),
    )
    reading = parse_header([page])
    assert reading.fields.issuing_agency == "ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM"
    assert reading.fields.place == "Bắc Ninh"
    assert reading.confidence["place"] < reading.confidence["issue_date"]  # put back: less sure
    as_printed = layout(
        *header_rows(
            ["ỦY BAN NHÂN DÂN HUYỆN TỊNH BIÊN", "BAN QUẢN LÝ DỰ ÁN"],  # no unit or place to mend
            "5/TB-BQLDA",
            "Tịnh Biên, ngày 2 tháng 3 năm 2020",
        ),
        *body(600, 2),
    )
    province = layout(
        *header_rows(["ỦY BAN NHÂN DÂN", "TỈNH KON TUM"], "6/QĐ-UBND", "ngày 2 tháng 1 năm 2024"),
        centred("QUYẾT ĐỊNH", PAGE_CENTRE, 560),
        centred("QUY ĐỊNH CHẾ ĐỘ BÁO CÁO", PAGE_CENTRE, 630),
        centred("TRÊN ĐỊA BÀN TÍNH KONTUM", PAGE_CENTRE, 695),
        *body(800, 3),
    )
    assert (
        parse_header([province]).fields.subject
        == "QUY ĐỊNH CHẾ ĐỘ BÁO CÁO TRÊN ĐỊA BÀN TỈNH KON TUM"
    )
    fields = parse_header([as_printed]).fields
    assert (fields.parent_agency, fields.issuing_agency, fields.place) == (
        "ỦY BAN NHÂN DÂN HUYỆN TỊNH BIÊN",
        "BAN QUẢN LÝ DỰ ÁN",
        "Tịnh Biên",
    )


def test_a_header_as_heavy_scans_leave_it_is_still_read() -> None:
    """Specks before "Số:", a number split, "tháng" lost, the type name read into the right
    column, the summary followed down to the issuer's line and no further."""
    date_line = "Tiền Giang, ngày 15 1 2 năm 2011"
    page = layout(
        *header_rows(["HỘI ĐỒNG NHÂN DÂN", "TỈNH TIỀN GIANG"], "", date_line)[:-1],
        centred("... Số: 11/201 1/NQ-HĐND", LEFT_COLUMN, 400) + centred(date_line, 1700, 400),
        centred("NGHỊ QUYẾT' :", 1500, 480),  # stands off-centre: OCR puts it in the right column
        centred("VỀ KẾ HOẠCH PHÁT TRIỂN KINH TẾ - XÃ HỘI", PAGE_CENTRE, 560),
        centred("TỈNH TIỀN GIANG NĂM 2012", PAGE_CENTRE, 625),
        centred("HỘI ĐỒNG NHÂN DÂN TỈNH TIỀN GIANG", PAGE_CENTRE, 690),  # the issuer
        centred("KHÓA VIII - KỲ HỌP THỨ 3", PAGE_CENTRE, 755),
        *body(850, 3),
    )
    reading = parse_header([page])
    fields = reading.fields
    assert (fields.number_symbol, fields.issue_date, fields.doc_type) == (
        "11/2011/NQ-HĐND",
        date(2011, 12, 15),
        "Nghị quyết",
    )
    assert fields.subject == "VỀ KẾ HOẠCH PHÁT TRIỂN KINH TẾ - XÃ HỘI TỈNH TIỀN GIANG NĂM 2012"
    assert reading.confidence["issue_date"] < 80  # read by the loose rule


def test_a_summary_stops_where_the_case_changes() -> None:
    page = layout(
        *header_rows(
            ["ỦY BAN NHÂN DÂN", "TỈNH KON TUM"], "6/QĐ-UBND", "Kon Tum, ngày 2 tháng 1 năm 2024"
        ),
        centred("QUYẾT ĐỊNH", PAGE_CENTRE, 560),
        centred("QUY ĐỊNH CHẾ ĐỘ BÁO CÁO ĐỊNH KỲ", PAGE_CENTRE, 630),
        centred("Căn cứ Luật Tổ chức chính quyền địa phương", PAGE_CENTRE, 695),  # no rule read
        *body(760, 3),
    )
    assert parse_header([page]).fields.subject == "QUY ĐỊNH CHẾ ĐỘ BÁO CÁO ĐỊNH KỲ"
    figures = layout(
        *header_rows(
            ["ỦY BAN NHÂN DÂN", "TỈNH BẾN TRE"], "13/KH-UBND", "Bến Tre, ngày 2 tháng 1 năm 2013"
        ),
        centred("KẾ HOẠCH", PAGE_CENTRE, 560),
        centred("TUYÊN TRUYỀN CHO NGƯỜI DÂN,", PAGE_CENTRE, 630),  # a wrap after a comma
        centred("DOANH NGHIỆP GIAI ĐOẠN", PAGE_CENTRE, 695),
        centred("2013-2016", PAGE_CENTRE, 760),  # figures have no case
        *body(860, 3),
    )
    assert (
        parse_header([figures]).fields.subject
        == "TUYÊN TRUYỀN CHO NGƯỜI DÂN, DOANH NGHIỆP GIAI ĐOẠN 2013-2016"
    )


def test_a_signature_block_as_specks_and_accents_leave_it() -> None:
    page = layout(
        *body(200, 2),
        words("Nơi nhận:", 350, 500) + centred("_TM. ỦY BAN NHÂN DÂN TÍNH -", 1800, 500),
        words("- Như Điều 3;", 350, 560) + centred("“KT. CHỦ TỊCH", 1800, 560),
        centred("PHÓ CHỦ TỊCH", 1800, 620),
        centred("Nguyên Thị Xuyên", 1800, 900),  # the family name's accent lost
    )
    reading = parse_header([page])
    fields = reading.fields
    assert (fields.signer_title, fields.authority_mark, fields.signer_name) == (
        "TM. ỦY BAN NHÂN DÂN TỈNH / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH",
        "TM. KT.",
        "Nguyễn Thị Xuyên",
    )
    assert reading.confidence["signer_name"] < 80


def test_a_subject_on_automation_is_not_taken_for_the_motto() -> None:
    """A subject about "tự động", whose letters begin like "Tự do": the motto is found by
    its glued phrases or two of its words, not by one. Here OCR misread the "V/v"."""
    page = layout(
        *header_rows(
            ["ỦY BAN NHÂN DÂN", "TỈNH BẮC NINH"],
            "45/UBND-KSTT",
            "Bắc Ninh, ngày 3 tháng 3 năm 2024",
            motto=("CỘNGHÒAXÃHỘICHỦNGHĨAVIỆTNAM", "Độclập-Tựdo-Hạnhphúc"),
        ),
        centred("Ví triển khai hệ thống", LEFT_COLUMN, 465),
        centred("tự động hóa hồ sơ", LEFT_COLUMN, 530),
        *body(850, 3),
    )
    header = parse_header([page]).fields
    assert header.subject == "V/v triển khai hệ thống tự động hóa hồ sơ"
    assert header.place == "Bắc Ninh" and header.issue_date == date(2024, 3, 3)


def test_a_decree_and_a_circular_are_known_by_their_type_name() -> None:
    """Legal documents (Luật Ban hành văn bản quy phạm pháp luật) reach archives too."""
    for agency, number, type_name, expected in (
        (["CHÍNH PHỦ"], "30/2020/NĐ-CP", "NGHỊ ĐỊNH", "Nghị định"),
        (["BỘ NỘI VỤ"], "05/2025/TT-BNV", "THÔNG TƯ", "Thông tư"),
    ):
        page = layout(
            *header_rows(agency, number, "Hà Nội, ngày 5 tháng 3 năm 2020"),
            centred(type_name, PAGE_CENTRE, 560),
            centred("Về công tác văn thư", PAGE_CENTRE, 630),
            *body(800, 3),
        )
        header = parse_header([page]).fields
        assert (header.doc_type, header.subject) == (expected, "Về công tác văn thư"), number


def test_the_signature_block_read_through_the_seal_and_the_signature() -> None:
    """Lines OCR hardly believed among the title and the name (the seal, the signature) are
    passed over; "KT:" is a misread "KT."; a speck after the name goes."""
    seal = 30  # confidence of what OCR made of the seal's ring and the signature's strokes
    page = layout(
        *header_rows(["BỘ Y TẾ"], "12/BYT-KCB", "Hà Nội, ngày 4 tháng 5 năm 2019"),
        *body(600, 3),
        centred("KT: BỘ TRƯỞNG", 1800, 1000),
        words("_= Như .trên; lIỂ, đi -", 1500, 1060, confidence=seal),
        centred("THỨ TRƯỞNG", 1800, 1120),
        words("\\ XS số ý :", 1600, 1250, confidence=seal),
        centred("Nguyễn Thị Xuyên .", 1800, 1400),
    )
    header = parse_header([page]).fields
    assert (header.signer_title, header.authority_mark) == ("KT. BỘ TRƯỞNG / THỨ TRƯỞNG", "KT.")
    assert header.signer_name == "Nguyễn Thị Xuyên"


def test_a_signature_block_a_photocopied_seal_left_misread_is_spelt_as_it_can_only_be() -> None:
    """The seal's rings, erased from a photocopy, leave letters cut: an office a letter off
    is the only office it can be, a mark of two letters one off is the only mark, and a
    family name a letter off or with its capital read small is the only family name."""
    page = layout(
        *header_rows(["BỘ Y TẾ"], "12/BYT-KCB", "Hà Nội, ngày 4 tháng 5 năm 2019"),
        *body(600, 3),
        centred("HT: RỘ TRƯỞNG.", 1800, 1000),
        centred("THỨ YRƯỞNG", 1800, 1060),
        centred("tương Đức: Tâm", 1800, 1400),
    )
    header = parse_header([page]).fields
    assert (header.signer_title, header.authority_mark) == ("KT. BỘ TRƯỞNG / THỨ TRƯỞNG", "KT.")
    assert header.signer_name == "Trương Đức Tâm"


@pytest.mark.parametrize(
    ("read", "printed"),
    [
        ("T. RỘ TRƯỞNG.", "KT. BỘ TRƯỞNG"),  # its first letter lost: only KT. ends in T
        ("#T CHỦ TỊCH", "KT. CHỦ TỊCH"),
        ("JWT CHỦ TỊCH", "KT. CHỦ TỊCH"),  # a speck, and a letter misread
        ("L. CỤC TRƯỞNG", "TL. CỤC TRƯỞNG"),
    ],
)
def test_a_mark_before_an_office_is_the_only_mark_it_can_be(read: str, printed: str) -> None:
    page = layout(
        *header_rows(["BỘ Y TẾ"], "12/BYT-KCB", "Hà Nội, ngày 4 tháng 5 năm 2019"),
        *body(600, 3),
        centred(read, 1800, 1000),
        centred("Phạm Lê Tuấn", 1800, 1400),
    )
    assert parse_header([page]).fields.signer_title == printed


@pytest.mark.parametrize(
    "title",
    ["THỦ TƯỚNG", "KT. TRƯỞNG BAN BAN CHÍNH SÁCH", "CHỦ NHIỆM VP CHÍNH PHỦ", "TỊ. BỘ TRƯỞNG"],
)
def test_a_title_is_left_as_read_when_it_is_an_office_or_may_be_another(title: str) -> None:
    """THỦ TƯỚNG is not THỨ TRƯỞNG; an office that heads more words, or a line with a word
    more than an office ("TỊ." may be TL. or TM.), is not made an office."""
    page = layout(
        *header_rows(["BỘ Y TẾ"], "12/BYT-KCB", "Hà Nội, ngày 4 tháng 5 năm 2019"),
        *body(600, 3),
        centred(title, 1800, 1000),
        centred("Phạm Lê Tuấn", 1800, 1400),
    )
    assert parse_header([page]).fields.signer_title == title


def test_a_party_header_its_number_and_a_conclusion_of_a_meeting() -> None:
    """Hướng dẫn 36-HD/VPTW: the Party's name stands where the motto does, the number has no
    colon and carries the type before the slash, and a meeting named in capitals goes on in
    small letters with what it concluded."""
    party = ("ĐẢNG CỘNG SẢN VIỆT NAM", "")
    for agency, parent in (
        (["TỈNH ỦY THỪA THIÊN HUẾ", "*"], None),
        (
            ["ĐẢNG BỘ TỈNH THỪA THIÊN HUẾ", "TỈNH ỦY THỪA THIÊN HUẾ", "*"],
            "ĐẢNG BỘ TỈNH THỪA THIÊN HUẾ",
        ),
    ):
        date_line = "Thừa Thiên Huế, ngày 13 tháng 5 năm 2022"
        rows = header_rows(agency, "445-KL/TU", date_line, party)
        rows[-1] = centred("Số 445-KL/TU", LEFT_COLUMN, 400) + centred(date_line, RIGHT_COLUMN, 400)
        page = layout(
            *rows,
            centred("KẾT LUẬN", PAGE_CENTRE, 560),
            centred("HỘI NGHỊ LẦN THỨ BẢY", PAGE_CENTRE, 630),
            centred("BAN CHẤP HÀNH ĐẢNG BỘ TỈNH (KHÓA XVI)", PAGE_CENTRE, 700),
            centred("về xây dựng hệ thống kết cấu hạ tầng đồng bộ đến năm 2025,", PAGE_CENTRE, 770),
            centred("định hướng đến năm 2030", PAGE_CENTRE, 840),
            *body(1000, 3),
        )
        header = parse_header([page]).fields
        assert (header.doc_type, header.number, header.notation) == ("Kết luận", "445", "KL/TU")
        assert (header.issuing_agency, header.parent_agency) == ("TỈNH ỦY THỪA THIÊN HUẾ", parent)
        assert (header.place, header.issue_date) == ("Thừa Thiên Huế", date(2022, 5, 13))
        assert header.subject == (
            "HỘI NGHỊ LẦN THỨ BẢY BAN CHẤP HÀNH ĐẢNG BỘ TỈNH (KHÓA XVI) về xây dựng hệ thống"
            " kết cấu hạ tầng đồng bộ đến năm 2025, định hướng đến năm 2030"
        )


def test_a_resolution_without_a_number_still_gives_its_agency_date_type_and_subject() -> None:
    """ "Không số": without a number row nothing holds the header's columns together, and the
    place and date, further down than the motto's rule, stand apart as a line of their own."""
    agency = ["HỘI ĐỒNG NHÂN DÂN", "TỈNH QUẢNG NAM"]
    rows = [
        centred(agency[i], LEFT_COLUMN, 200 + 70 * i) + centred(motto, RIGHT_COLUMN, 200 + 70 * i)
        for i, motto in enumerate(MOTTO)
    ]
    page = layout(
        *rows,
        centred("Quảng Nam, ngày 9 tháng 12 năm 2020", RIGHT_COLUMN, 420),
        centred("NGHỊ QUYẾT", PAGE_CENTRE, 560),
        centred("Về kế hoạch tổ chức các kỳ họp thường lệ năm 2021", PAGE_CENTRE, 630),
        *body(800, 4),
    )
    header = parse_header([page]).fields
    assert header.issuing_agency == "HỘI ĐỒNG NHÂN DÂN TỈNH QUẢNG NAM"
    assert (header.place, header.issue_date) == ("Quảng Nam", date(2020, 12, 9))
    assert header.doc_type == "Nghị quyết"
    assert header.subject == "Về kế hoạch tổ chức các kỳ họp thường lệ năm 2021"
    assert header.number_symbol is None


def test_a_number_whose_slash_was_lost_or_with_a_dash_after_it_is_put_right() -> None:
    def read(number: str) -> tuple[str | None, str | None, float]:
        rows = header_rows(["BỘ Y TẾ"], number, "Hà Nội, ngày 30 tháng 10 năm 2018")
        reading = parse_header([layout(*rows, *body(600, 2))])
        fields = reading.fields
        return fields.number_symbol, fields.number, reading.confidence["number_symbol"]

    slashed, dashed = read("6556QĐ-BYT"), read("554/UBND-KT-")
    assert slashed[:2] == ("6556/QĐ-BYT", "6556") and dashed[:2] == ("554/UBND-KT", "554")
    assert read("6087/BYT-KCB '")[:2] == ("6087/BYT-KCB", "6087")  # a stain after it
    assert read("3397 BKHĐ T-QLKTTW")[:2] == ("3397/BKHĐT-QLKTTW", "3397")  # read as gaps
    assert slashed[2] < dashed[2]  # the slash put back is a guess
