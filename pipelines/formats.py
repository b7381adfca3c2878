"""What a file in a batch is, judged from its content (never its name), and whether it reads."""

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import magic
import pikepdf
from PIL import Image, UnidentifiedImageError
from PIL.TiffImagePlugin import TiffImageFile

SCAN_IMAGE_TYPES = {"image/tiff", "image/jpeg", "image/png", "image/jp2"}
PDF = "application/pdf"
JPEG_END = b"\xff\xd9"
STRIP_OFFSETS, STRIP_BYTE_COUNTS, TILE_OFFSETS, TILE_BYTE_COUNTS = 273, 279, 324, 325


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
    """Pages of an image, after checking its structure: a JPEG must end with its end marker,
    a PNG's chunks must check out, every frame of a TIFF must lie inside the file. Pixels are
    decoded only once, by OCR, which quarantines a page that fails then."""
    try:
        with Image.open(path) as image:
            if image.format == "JPEG":
                _check_jpeg_end(path)
            elif image.format == "PNG":
                image.verify()
            elif isinstance(image, TiffImageFile):
                return _tiff_frames(image, path.stat().st_size)
            else:
                image.load()
            return 1
    except (OSError, UnidentifiedImageError, SyntaxError, ValueError) as error:
        raise UnreadableScan(f"truncated or corrupt image: {error}") from error


def _check_jpeg_end(path: Path) -> None:
    with path.open("rb") as data:
        data.seek(max(0, path.stat().st_size - 4096))
        if JPEG_END not in data.read():
            raise UnreadableScan(
                "truncated or corrupt image: the JPEG data ends before its end marker"
            )


def _tiff_frames(image: TiffImageFile, size: int) -> int:
    for page in range(image.n_frames):
        image.seek(page)
        tags = image.tag_v2
        offsets = tags.get(STRIP_OFFSETS) or tags.get(TILE_OFFSETS) or ()
        counts = tags.get(STRIP_BYTE_COUNTS) or tags.get(TILE_BYTE_COUNTS) or ()
        ends = [start + length for start, length in zip(offsets, counts, strict=False)]
        if not ends or max(ends) > size:
            where = f"page {page + 1} of the TIFF"
            raise UnreadableScan(
                f"truncated or corrupt image: {where} lies beyond the end of the file"
            )
    return image.n_frames
