import re
from pathlib import Path

import pytest
from PIL import Image

from pipelines.ingest.formats import UnreadableScan, identify
from tests.bad_files import BAD_FILES, image_bytes, pdf_bytes, write_bad_files


@pytest.mark.parametrize(
    ("name", "content", "media_type", "pages"),
    [
        ("scan.tif", image_bytes("TIFF", frames=3), "image/tiff", 3),
        ("scan.jpeg", image_bytes("JPEG"), "image/jpeg", 1),
        ("scan.png", image_bytes("PNG"), "image/png", 1),
        ("scan.pdf", pdf_bytes(), "application/pdf", 1),
        ("misnamed.pdf", image_bytes("PNG"), "image/png", 1),  # content decides, not the name
    ],
)
def test_scans_are_identified_by_content(
    tmp_path: Path, name: str, content: bytes, media_type: str, pages: int
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    scan = identify(path)
    assert (scan.media_type, scan.pages) == (media_type, pages)


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_unreadable_files_say_why(tmp_path: Path, name: str) -> None:
    write_bad_files(tmp_path)
    with pytest.raises(UnreadableScan, match=re.escape(BAD_FILES[name][1])):
        identify(tmp_path / name)


def test_text_renamed_jpg_names_its_real_content(tmp_path: Path) -> None:
    write_bad_files(tmp_path)
    with pytest.raises(UnreadableScan) as error:
        identify(tmp_path / "notes.jpg")
    assert "named '.jpg'" in str(error.value) and "text" in str(error.value)


def test_pillows_own_guard_stays_in_place(tmp_path: Path) -> None:
    limit = Image.MAX_IMAGE_PIXELS
    write_bad_files(tmp_path)
    with pytest.raises(UnreadableScan, match="900 megapixels"):
        identify(tmp_path / "bomb.png")
    assert Image.MAX_IMAGE_PIXELS == limit is not None


def test_a_lower_limit_from_the_settings(tmp_path: Path) -> None:
    (tmp_path / "scan.png").write_bytes(image_bytes("PNG", size=(3000, 2000)))
    with pytest.raises(UnreadableScan, match="6 megapixels"):
        identify(tmp_path / "scan.png", max_megapixels=5)
