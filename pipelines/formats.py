"""What a file in a batch is, judged from its content (never its name), and whether it reads."""

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import magic
import pikepdf
from PIL import Image, ImageSequence, UnidentifiedImageError

SCAN_IMAGE_TYPES = {"image/tiff", "image/jpeg", "image/png", "image/jp2"}
PDF = "application/pdf"


class UnreadableScan(ValueError):
    """A file that cannot be archived as a scan; the message says why, for the archivist."""


@dataclass(frozen=True)
class Scan:
    media_type: str
    pages: int


def sha256_file(path: Path) -> str:
    with path.open("rb") as data:
        return sha256_stream(data)


def sha256_stream(data: BinaryIO) -> str:
    digest = hashlib.sha256()
    while chunk := data.read(1 << 20):
        digest.update(chunk)
    return digest.hexdigest()


def identify(path: Path) -> Scan:
    """The format and page count of a scan, after reading every page of it."""
    if path.stat().st_size == 0:
        raise UnreadableScan("empty file (0 bytes)")
    media_type = magic.from_file(str(path), mime=True)
    if media_type == PDF:
        return Scan(PDF, _pdf_pages(path))
    if media_type in SCAN_IMAGE_TYPES:
        return Scan(media_type, _image_pages(path))
    described = magic.from_file(str(path))
    raise UnreadableScan(
        f"not a scan: named '{path.suffix or '(no extension)'}'"
        f" but its content is {described} ({media_type});"
        " accepted are TIFF, JPEG, PNG, JPEG 2000 and PDF"
    )


def _pdf_pages(path: Path) -> int:
    try:
        with pikepdf.open(path) as pdf:
            pages = len(pdf.pages)
    except pikepdf.PasswordError as error:
        raise UnreadableScan("encrypted PDF: save it again without a password") from error
    except pikepdf.PdfError as error:
        raise UnreadableScan(f"corrupt PDF: {error}") from error
    if pages == 0:
        raise UnreadableScan("PDF without pages")
    return pages


def _image_pages(path: Path) -> int:
    try:
        with Image.open(path) as image:
            pages = 0
            for frame in ImageSequence.Iterator(image):
                frame.load()
                pages += 1
    except (OSError, UnidentifiedImageError, SyntaxError, ValueError) as error:
        raise UnreadableScan(f"truncated or corrupt image: {error}") from error
    return pages
