"""Reading copies against a real `sohoa serve` and Chromium: a reader cleared for a
restricted record reads it on screen only, as page images the server renders with their
name and the time across them, never kept in a cache; the file itself (PDF, download,
DIP) is refused and the refusal audited; staff still open the PDF."""

import io
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser, expect

from archive_schema.audit import AuditLog
from archive_schema.catalog import Catalog
from tests.conftest import make_settings
from tests.records_archive import sample_archive
from tests.web_server import add_user, browser, logged_in_client, logged_in_page, shot, web_server

__all__ = ["browser"]  # the fixture
PASSWORD = "mat-khau-2026-dai"
RECORD = "restricted01"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    home = tmp_path_factory.mktemp("reading") / "home"
    archive = sample_archive(make_settings(home))
    archive.add(RECORD, "Công văn", "V/v kế hoạch thanh tra", 2019, "restricted", pages=2)
    add_user(home, "doc", "reader", PASSWORD, "--clearance", "restricted")
    add_user(home, "lan", "archivist", PASSWORD)
    with web_server(home) as url:
        yield url, home


def test_a_restricted_record_is_read_on_screen_only(
    site: tuple[str, Path], browser: Browser, tmp_path: Path
) -> None:
    url, home = site
    page = logged_in_page(browser, url, "doc", PASSWORD)
    page.goto(f"{url}/documents/{RECORD}")
    expect(page.locator("figure.reading img")).to_be_visible()
    assert page.locator("iframe").count() == 0
    assert page.locator(f"a[href^='/documents/{RECORD}/pdf']").count() == 0
    shot(page, "reading-copy")
    page.click("text=Trang sau →")
    expect(page.locator("figure.reading nav")).to_contain_text("Trang 2 / 2")

    reader = logged_in_client(url, "doc", PASSWORD)
    for path in ("pdf", "download", "package"):
        refused = reader.get(f"{url}/documents/{RECORD}/{path}")
        assert refused.status_code == 403, path
        assert "chỉ được đọc trên màn hình" in refused.text
        assert b"%PDF" not in refused.content
    image = reader.get(f"{url}/documents/{RECORD}/pages/1.jpg")
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
    assert image.headers["cache-control"] == "no-store"
    for missing in (0, 3):
        assert reader.get(f"{url}/documents/{RECORD}/pages/{missing}.jpg").status_code == 404
    picture = Image.open(io.BytesIO(image.content))
    band = tmp_path / "band.png"
    width, height = picture.size
    picture.crop((0, height - height // 20, width, height)).save(band)
    read = subprocess.run(
        ["tesseract", str(band), "-", "-l", "vie"], capture_output=True, text=True, check=True
    ).stdout
    assert "doc" in read and "Bản đọc" in read, read  # the reader's name, across the page

    staff = logged_in_client(url, "lan", PASSWORD)
    pdf = staff.get(f"{url}/documents/{RECORD}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    denied = AuditLog(Catalog(make_settings(home).database_url)).entries(action="denied")
    assert {e.target for e in denied if e.user == "doc"} >= {
        f"{RECORD} /documents/{RECORD}/{path}" for path in ("pdf", "download", "package")
    }
