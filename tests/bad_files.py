"""Files an archivist should never have to debug: each is made here from scratch."""

import io
from pathlib import Path

import pikepdf
from PIL import Image


def image_bytes(form: str, size: tuple[int, int] = (400, 300), frames: int = 1) -> bytes:
    images = [Image.new("RGB", size, (255, 255 - 40 * i, 255)) for i in range(frames)]
    buffer = io.BytesIO()
    images[0].save(buffer, form, save_all=frames > 1, append_images=images[1:], dpi=(300, 300))
    return buffer.getvalue()


def corrupt_tiff_bytes() -> bytes:
    """A TIFF whose structure is whole but whose compressed pixels are damaged: it passes
    intake's checks and fails only when OCR decodes it."""
    buffer = io.BytesIO()
    Image.effect_noise((800, 600), 60).convert("RGB").save(
        buffer, "TIFF", compression="tiff_deflate", dpi=(300, 300)
    )
    data = bytearray(buffer.getvalue())
    data[200:260] = bytes(b ^ 0xFF for b in data[200:260])
    return bytes(data)


def bomb_bytes() -> bytes:
    """A PNG of 150 kB that would decode to 30000×30000 pixels."""
    buffer = io.BytesIO()
    limit, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None
    try:
        Image.new("1", (30_000, 30_000), 1).save(buffer, "PNG")
    finally:
        Image.MAX_IMAGE_PIXELS = limit
    return buffer.getvalue()


def pdf_bytes(encrypt: bool = False) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    buffer = io.BytesIO()
    encryption = pikepdf.Encryption(owner="o", user="secret") if encrypt else False
    pdf.save(buffer, encryption=encryption)
    return buffer.getvalue()


BAD_FILES: dict[str, tuple[bytes, str]] = {
    # name: (content, what the report must say)
    "empty.tif": (b"", "empty file"),
    "truncated.jpg": (image_bytes("JPEG", (1200, 900))[:3000], "truncated or corrupt image"),
    "truncated.tif": (image_bytes("TIFF", (600, 400))[:5000], "truncated or corrupt image"),
    "encrypted.pdf": (pdf_bytes(encrypt=True), "encrypted PDF"),
    "corrupt.pdf": (b"%PDF-1.7\n" + b"\x00garbage" * 50, "corrupt PDF"),
    "notes.jpg": (
        "Biên bản họp: đây là văn bản, không phải ảnh quét.\n".encode() * 20,
        "not a scan",
    ),
    "bomb.png": (bomb_bytes(), "image of 30000×30000 pixels (900 megapixels) is larger than"),
}
# Found only when the pages are decoded for OCR: quarantined by the worker, not by intake.
DAMAGED_FILES: dict[str, tuple[bytes, str]] = {
    "damaged.tif": (corrupt_tiff_bytes(), "ocr: damaged.tif: truncated or corrupt image"),
}


def write_bad_files(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, (content, _) in (BAD_FILES | DAMAGED_FILES).items():
        (folder / name).write_bytes(content)
