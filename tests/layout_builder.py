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
