"""Vietnamese text as the legacy encodings write it, for files saved by old software."""

import unicodedata

TCVN3 = {"Đ": 0xA7, "ề": 0xD2, "ả": 0xB6, "ờ": 0xEA, "ạ": 0xB9}
TONES = "\u0300\u0301\u0303\u0309\u0323"  # Windows-1258 writes these as combining marks


def windows_1258(text: str) -> bytes:
    """`text` as Windows-1258 writes it: letters with their tone mark apart."""
    out = b""
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in parts if c in TONES)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
        out += (base + tones).encode("cp1258")
    return out


def tcvn3(text: str) -> bytes:
    """The few letters of TCVN3 (ABC) the tests write."""
    return bytes(TCVN3.get(char, ord(char)) for char in text)
