from ocr.layout import Word, read_page, split_at_gaps
from tests.layout_builder import (
    HEIGHT,
    LEFT_COLUMN,
    WIDTH,
    centred,
    header_rows,
    words,
)


def page(*ocr_lines: list[Word]) -> list[str]:
    return [
        f"{line.column}: {line.text}"
        for line in read_page(1, WIDTH, HEIGHT, 300, list(ocr_lines)).lines
    ]


def test_header_read_column_by_column_when_tesseract_reads_across() -> None:
    # tesseract's flat reading: each line runs across both columns
    lines = page(
        *header_rows(
            ["ỦY BAN NHÂN DÂN", "TỈNH LÀO CAI"], "12/CT-UBND", "Lào Cai, ngày 14 tháng 01 năm 1998"
        ),
        centred("CHỈ THỊ", 1240, 560),
        words("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015 và", 350, 700),
    )
    assert lines == [
        "left: ỦY BAN NHÂN DÂN",
        "left: TỈNH LÀO CAI",
        "left: Số: 12/CT-UBND",
        "right: CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "right: Độc lập - Tự do - Hạnh phúc",
        "right: Lào Cai, ngày 14 tháng 01 năm 1998",
        "full: CHỈ THỊ",
        "full: Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015 và",
    ]


def test_summary_under_number_stays_left_but_the_body_after_a_gap_does_not() -> None:
    lines = page(
        *header_rows(["BỘ Y TẾ"], "6087/BYT-KCB", "Hà Nội, ngày 27 tháng 09 năm 2013"),
        centred("V/v cấp chứng chỉ hành nghề", LEFT_COLUMN, 465),
        centred("Kính gửi:", 700, 600),  # a paragraph gap below: the body begins
        words(
            "Bộ Y tế đề nghị Chủ tịch Ủy ban nhân dân tỉnh, thành phố trực thuộc Trung ương",
            350,
            680,
        ),
    )
    assert lines[:4] == [
        "left: BỘ Y TẾ",
        "left: Số: 6087/BYT-KCB",
        "left: V/v cấp chứng chỉ hành nghề",
        "right: CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    ]
    assert lines[6:] == [  # after the right column: motto, motto, date
        "full: Kính gửi:",
        "full: Bộ Y tế đề nghị Chủ tịch Ủy ban nhân dân tỉnh, thành phố trực thuộc Trung ương",
    ]


def test_recipients_before_signature() -> None:
    lines = page(
        words("Nơi nhận:", 350, 2600) + centred("KT. BỘ TRƯỞNG", 1800, 2600),
        words("- Như trên;", 350, 2660) + centred("THỨ TRƯỞNG", 1800, 2660),
        words("- Lưu: VT, KCB.", 350, 2720),
        centred("Nguyễn Thị Xuyên", 1800, 2950),
    )
    assert lines == [
        "left: Nơi nhận:",
        "left: - Như trên;",
        "left: - Lưu: VT, KCB.",
        "right: KT. BỘ TRƯỞNG",
        "right: THỨ TRƯỞNG",
        "full: Nguyễn Thị Xuyên",
    ]


def test_a_line_read_in_two_parts_is_one_line_in_its_place() -> None:
    """The first reading gave the start of a line, the re-reading its end (ocr.rereading):
    two segments of one row at a word's spacing, not two columns."""
    start = words("huyện, thị xã, thành phố và các tổ chức,", 350, 1000)
    end = words("cá nhân có liên quan", start[-1].box[2] + 25, 1000)
    lines = page(
        start,
        words("thi hành Quyết định này./.", 350, 1060),
        words("Nơi nhận:", 350, 1200) + centred("KT. CHỦ TỊCH", 1800, 1200),
        words("- Như Điều 4;", 350, 1260) + centred("PHÓ CHỦ TỊCH", 1800, 1260),
        end,
    )
    assert lines[:3] == [
        "full: huyện, thị xã, thành phố và các tổ chức, cá nhân có liên quan",
        "full: thi hành Quyết định này./.",
        "left: Nơi nhận:",
    ]


def test_a_seal_read_as_one_tall_mark_does_not_join_the_lines_beside_it() -> None:
    recipients = ["Nơi nhận:", "- Như Điều 4;", "- Bộ NN&PTNT;", "- Cổng TTĐT;", "- Lưu: VT."]
    lefts = [350, 352, 351, 340, 349]  # as a page scanned aslant and straightened leaves them
    signer = [centred("KT. CHỦ TỊCH", 1800, 1300), centred("PHÓ CHỦ TỊCH", 1800, 1360)]
    seal = Word(text="00995.", box=(1500, 1410, 1900, 1650), confidence=26)
    lines = page(
        *[words(text, lefts[n], 1300 + 60 * n) for n, text in enumerate(recipients)],
        *signer,
        [seal],
        centred("Đoàn Ngọc Lâm", 1800, 1700),
    )
    assert [line.split(": ", 1)[1] for line in lines if line.startswith("left")] == recipients


def test_marks_left_of_the_signature_do_not_narrow_the_gutter_between_the_columns() -> None:
    """A photocopy's erased seal leaves a mark or two read as a quote, near the middle of
    the page: the list item under it that runs wider is still in the left column."""
    quote = Word(text='"', box=(1150, 1325, 1190, 1355), confidence=70)
    lines = page(
        words("Nơi nhận:", 350, 1200) + centred("KT. BỘ TRƯỞNG", 1800, 1200),
        words("- Như trên;", 350, 1260) + centred("THỨ TRƯỞNG", 1800, 1260),
        [*words("- Vụ Pháp chế;", 350, 1320), quote],
        words("- Các đơn vị thuộc và trực thuộc TCHQ", 350, 1380),
        words("- Lưu: VT, TCHQ.", 350, 1440),
        centred("Đỗ Hoàng Anh Tuấn", 1800, 1500),
    )
    assert [line for line in lines if line.startswith("left")][-2:] == [
        "left: - Các đơn vị thuộc và trực thuộc TCHQ",
        "left: - Lưu: VT, TCHQ.",
    ]
    assert lines[-1] == "right: Đỗ Hoàng Anh Tuấn"


def test_a_line_with_a_mark_far_right_of_its_two_words_is_cut_at_the_wide_gap() -> None:
    """Of a line's two gaps, the median is halfway to the wide one: the lower is its
    spacing, and the mark a column away (a seal's remains) is a segment of its own."""
    quote = Word(text='"', box=(1170, 590, 1196, 620), confidence=30)
    segments = split_at_gaps([*words("- Lưu", 235, 584), quote])
    assert [segment.text for segment in segments] == ["- Lưu", '"']


def test_unsure_words_are_kept_only_when_shaped_like_text() -> None:
    stains = [  # what tesseract made of stains and speckles on heavy scans, at 1-19 %
        Word(text="CS", box=(1700, 2900, 1729, 3096), confidence=0),  # tall and narrow
        Word(text="khan", box=(2000, 2960, 2120, 2971), confidence=0),  # a flat smear
        Word(text="„", box=(2200, 2960, 2213, 2969), confidence=4),  # a speck
    ]
    # read right, yet scored 1 %: tesseract is unsure of numbers and identifiers
    rainfall = words("mưa", 350, 3000) + words("50-100mm,", 450, 3000, confidence=1)
    lines = page(words("Nguyễn Thị Xuyên", 1600, 2950) + stains, rainfall)
    assert lines == ["full: Nguyễn Thị Xuyên", "full: mưa 50-100mm,"]


def test_confidence_is_the_mean_of_word_confidences() -> None:
    layout = read_page(
        1,
        WIDTH,
        HEIGHT,
        300,
        [words("một hai", 100, 100, confidence=80) + words("ba", 500, 100, confidence=50)],
    )
    assert layout.confidence == 70
    assert read_page(2, WIDTH, HEIGHT, 300, []).confidence == 0
