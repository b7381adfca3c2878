"""Word boxes as tesseract would give them, for layout and header tests."""

from ocr.layout import Word

WIDTH, HEIGHT = 2480, 3508  # A4 at 300 dpi
CHAR = 25  # width of a character, pixels
LINE = 50  # height of a line


def words(text: str, x: int, y: int, confidence: float = 95) -> list[Word]:
    """The words of `text` starting at (x, y), one space between words."""
    result = []
    for word in text.split():
        width = CHAR * len(word)
        result.append(Word(text=word, box=(x, y, x + width, y + LINE), confidence=confidence))
        x += width + CHAR
    return result


def centred(text: str, centre: int, y: int) -> list[Word]:
    return words(text, centre - CHAR * len(text) // 2, y)


LEFT_COLUMN, RIGHT_COLUMN, PAGE_CENTRE = 600, 1700, 1240
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


def header_rows(
    agency: list[str], number: str, date_line: str, motto: tuple[str, str] = MOTTO
) -> list[list[Word]]:
    """An NĐ 30/2020 header as tesseract reads it: each row straight across both columns."""
    rows = [
        (centred(agency[i], LEFT_COLUMN, 200 + 70 * i) if i < len(agency) else [])
        + (centred(motto[i], RIGHT_COLUMN, 200 + 70 * i) if i < len(motto) else [])
        for i in range(max(len(agency), len(motto)))
    ]
    second_row = centred(f"Số: {number}", LEFT_COLUMN, 400) + centred(date_line, RIGHT_COLUMN, 400)
    return [*rows, second_row]
