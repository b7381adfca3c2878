"""What a file in a batch is, judged from its content (never its name), and whether it reads;
and its format in PRONOM (the UK National Archives' registry, through FIDO), for
preservation planning to know what the archive holds."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import magic
from PIL import Image, UnidentifiedImageError
from PIL.TiffImagePlugin import TiffImageFile

from ocr import MAX_PAGE_MEGAPIXELS

SCAN_IMAGE_TYPES = {"image/tiff", "image/jpeg", "image/png", "image/jp2"}
PDF = "application/pdf"
JPEG_END = b"\xff\xd9"
BROKEN_IMAGE = "ảnh bị cắt cụt hoặc hỏng: hãy quét lại"
STRIP_OFFSETS, STRIP_BYTE_COUNTS, TILE_OFFSETS, TILE_BYTE_COUNTS = 273, 279, 324, 325


class UnreadableScan(ValueError):
    """A file that cannot be archived as a scan; the message says why, for the archivist,
    and `vi` the same in Vietnamese."""

    def __init__(self, message: str, vi: str):
        super().__init__(message)
        self.vi = vi


@dataclass(frozen=True)
class Scan:
    media_type: str
    pages: int
    puid: str | None = None  # its PRONOM identifier (fmt/353: TIFF), when FIDO knows it


def identify(path: Path, max_megapixels: float = MAX_PAGE_MEGAPIXELS) -> Scan:
    """The format and page count of a scan, after checking its structure and its size."""
    if path.stat().st_size == 0:
        raise UnreadableScan("empty file (0 bytes)", "tệp rỗng (0 byte)")
    media_type = magic.from_file(str(path), mime=True)
    if media_type == PDF:
        return Scan(PDF, _pdf_pages(path), pronom(path))
    if media_type in SCAN_IMAGE_TYPES:
        return Scan(media_type, _image_pages(path, max_megapixels), pronom(path))
    described = magic.from_file(str(path))
    raise UnreadableScan(
        f"not a scan: named '{path.suffix or '(no extension)'}'"
        f" but its content is {described} ({media_type});"
        " accepted are TIFF, JPEG, PNG, JPEG 2000 and PDF",
        f"không phải ảnh quét: tên tệp đuôi '{path.suffix or '(không có)'}' nhưng nội dung là"
        f" {media_type}; chỉ nhận TIFF, JPEG, PNG, JPEG 2000 và PDF",
    )


def _pdf_pages(path: Path) -> int:
    import pikepdf  # loaded when a PDF comes: the web checks uploads without it

    try:
        with pikepdf.open(path) as pdf:
            pages = len(pdf.pages)
    except pikepdf.PasswordError as error:
        raise UnreadableScan(
            "encrypted PDF: save it again without a password",
            "PDF có mật khẩu: lưu lại bản không đặt mật khẩu",
        ) from error
    except pikepdf.PdfError as error:
        raise UnreadableScan(f"corrupt PDF: {error}", "tệp PDF bị hỏng") from error
    if pages == 0:
        raise UnreadableScan("PDF without pages", "tệp PDF không có trang nào")
    return pages


def _image_pages(path: Path, max_megapixels: float) -> int:
    """Pages of an image, after checking its structure: a JPEG must end with its end marker,
    a PNG's chunks must check out, every frame of a TIFF must lie inside the file. Pixels are
    decoded only once, by OCR, which quarantines a page that fails then."""
    try:
        with _size_checked_here(), Image.open(path) as image:
            _check_size(image, max_megapixels)
            if image.format == "JPEG":
                _check_jpeg_end(path)
            elif image.format == "PNG":
                image.verify()
            elif isinstance(image, TiffImageFile):
                return _tiff_frames(image, path.stat().st_size, max_megapixels)
            else:
                image.load()
            return 1
    except UnreadableScan:
        raise
    except (OSError, UnidentifiedImageError, SyntaxError, ValueError) as error:
        raise UnreadableScan(f"truncated or corrupt image: {error}", BROKEN_IMAGE) from error


@contextmanager
def _size_checked_here() -> Iterator[None]:
    """Pillow refuses very large images on opening, before their size can be reported: the
    size is checked here instead, from the header, before any pixel is decoded."""
    limit, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None
    try:
        yield
    finally:
        Image.MAX_IMAGE_PIXELS = limit


def _check_size(image: Image.Image, max_megapixels: float) -> None:
    width, height = image.size
    megapixels = width * height / 1e6
    if megapixels > max_megapixels:
        raise UnreadableScan(
            f"image of {width}×{height} pixels ({megapixels:.0f} megapixels) is larger than the"
            f" {max_megapixels:g} allowed (SOHOA_MAX_PAGE_MEGAPIXELS): scan at a lower resolution",
            f"ảnh {width}×{height} điểm ({megapixels:.0f} megapixel) lớn hơn mức cho phép"
            f" {max_megapixels:g}: hãy quét ở độ phân giải thấp hơn",
        )


def _check_jpeg_end(path: Path) -> None:
    with path.open("rb") as data:
        data.seek(max(0, path.stat().st_size - 4096))
        if JPEG_END not in data.read():
            raise UnreadableScan(
                "truncated or corrupt image: the JPEG data ends before its end marker",
                BROKEN_IMAGE,
            )


def _tiff_frames(image: TiffImageFile, size: int, max_megapixels: float) -> int:
    for page in range(image.n_frames):
        image.seek(page)
        _check_size(image, max_megapixels)
        tags = image.tag_v2
        offsets = tags.get(STRIP_OFFSETS) or tags.get(TILE_OFFSETS) or ()
        counts = tags.get(STRIP_BYTE_COUNTS) or tags.get(TILE_BYTE_COUNTS) or ()
        ends = [start + length for start, length in zip(offsets, counts, strict=False)]
        if not ends or max(ends) > size:
            where = f"page {page + 1} of the TIFF"
            raise UnreadableScan(
                f"truncated or corrupt image: {where} lies beyond the end of the file",
                f"{BROKEN_IMAGE} (trang {page + 1} nằm ngoài tệp)",
            )
    return image.n_frames


def pronom(path: Path) -> str | None:
    """The file's PRONOM identifier by its signature (FIDO), the most specific one."""
    return _registry().identified(path)


class _Pronom:
    """FIDO, its signatures loaded once; one file identified at a time."""

    def __init__(self) -> None:
        from fido.fido import CONFIG_DIR, Fido  # loaded by intake and re-scans only
        from fido.versions import get_local_versions

        versions = get_local_versions(CONFIG_DIR)
        self.fido = Fido(
            quiet=True,
            handle_matches=self._matched,
            format_files=[versions.pronom_signature, versions.fido_extension_signature],
            containersignature_file=versions.pronom_container_signature,
        )
        self.lock = threading.Lock()
        self.found: str | None = None

    def identified(self, path: Path) -> str | None:
        with self.lock:
            self.found = None
            self.fido.identify_file(str(path))
            return self.found

    def _matched(self, _name: str, matches: list[Any], _seconds: float, _how: str = "") -> None:
        self.found = next((element.find("puid").text for element, _ in matches), None)


@cache
def _registry() -> _Pronom:
    return _Pronom()
