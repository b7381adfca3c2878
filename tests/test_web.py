"""The web application in a real browser (Chromium driven by Playwright) against
`sohoa serve`: an archivist uploads a batch and watches it finish, a reader searches
without accents, opens the hit at its page and downloads it; what is above a reader stays
hidden; markup in OCR text is inert; forms need their token; failed logins lock; every act
is in the audit log. A picture of each page is saved in var/screenshots."""

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import httpx
import lxml.html
import pytest
from playwright.sync_api import Browser, Dialog, Page, expect

from archive_schema.audit import AuditLog
from archive_schema.catalog import Catalog
from archive_schema.models import Document
from archive_schema.models import Page as PageText
from pipelines.archive import Archive
from pipelines.ingest.batch import archive_record
from pipelines.settings import Settings
from samples.batch import write_batch, write_separated
from tests.bad_files import corrupt_tiff_bytes
from tests.web_server import (
    add_user,
    browser,
    form_token,
    logged_in_client,
    logged_in_page,
    shot,
    web_server,
)

__all__ = ["browser"]  # the fixture
PASSWORDS = {
    "lan": "lan-luu-tru-2026",
    "minh": "minh-tra-cuu-2026",
    "thu": "thu-so-noi-vu-2026",
    "khoa": "khoa-tra-cuu-2026",
}
XSS = "<script>alert('ocr')</script> Công văn khẩn <img src=x onerror=alert('img')>"
PROCESSING = 600_000  # ms a batch of three documents may take on a slow machine


@dataclass
class Site:
    url: str
    home: Path
    batch_zip: Path
    xss_id: str
    documents: dict[str, str] = field(default_factory=dict)  # name in the batch → id


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("web")
    home = root / "home"
    for name, role in (
        ("lan", "archivist"),
        ("minh", "reader"),
        ("thu", "records_officer"),
        ("khoa", "reader"),
    ):
        add_user(home, name, role, PASSWORDS[name])
    batch = write_batch(root / "lo-12", ("002", "004"), dpi=300, condition="light", seed=9)
    (batch.path / "hong.tif").write_bytes(corrupt_tiff_bytes())
    first, second = (doc.name for doc in batch.documents)
    (batch.path / "manifest.csv").write_text(
        f"file,access_level\n{first},internal\n{second},restricted\nhong.tif,internal\n",
        encoding="utf-8",
    )
    batch_zip = root / "lo-12.zip"
    with zipfile.ZipFile(batch_zip, "w") as zipped:
        for path in sorted(batch.path.rglob("*")):
            if path.is_file():
                zipped.write(path, path.relative_to(batch.path).as_posix())
    with web_server(home, SOHOA_UPLOAD_MAX_MB="40") as url:
        yield Site(url, home, batch_zip, _archive_markup(home))


def _archive_markup(home: Path) -> str:
    """A record whose OCR text is markup, archived as the pipeline archives any record."""
    settings = Settings(home=home)
    doc = Document(
        id="xss0000000000000000000000000000",
        batch_id="manual",
        source_name="xss.tif",
        doc_type="Công văn",
        issue_date=date(2024, 2, 2),
        issuing_agency="BỘ Y TẾ",
        subject="<b>in đậm</b> thông báo",
        pages=[PageText(number=1, text=XSS, confidence=90)],
    )
    with Archive(settings) as archive:
        archive.catalog.start_batch(doc.batch_id, "văn bản do bài kiểm thử tạo")
        archive_record(doc, doc.source_name, archive.catalog, archive.search)
    return doc.id


def logged_in(browser: Browser, site: Site, name: str) -> Page:
    return logged_in_page(browser, site.url, name, PASSWORDS[name])


@pytest.fixture(scope="module")
def uploaded(site: Site, browser: Browser) -> Site:
    """The archivist uploads the zip and follows it on its page until it is done."""
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{site.url}/uploads/new")
    shot(page, "login")
    page.fill("input[name=name]", "lan")
    page.fill("input[name=password]", PASSWORDS["lan"])
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Tải lên lô tài liệu")  # back where she was going
    shot(page, "upload")
    page.set_input_files("input[name=files]", str(site.batch_zip))
    page.click("form[action='/uploads'] button")
    expect(page.locator("h1")).to_contain_text("lo-12.zip")
    expect(page.locator("table.stages")).to_contain_text("Đang nhận dạng", timeout=PROCESSING)
    shot(page, "upload-progress")
    expect(page.locator("[data-state]")).to_have_text("Hoàn thành, có lỗi", timeout=PROCESSING)
    shot(page, "upload-finished")
    rows = page.locator("table.stages tbody tr")
    for index in range(rows.count()):
        link = rows.nth(index).locator("a")
        if link.count():
            site.documents[link.inner_text()] = link.get_attribute("href").rsplit("/", 1)[1]  # type: ignore[union-attr]
    page.context.close()
    return site


def test_the_upload_shows_each_document_and_the_failure_with_its_reason(
    uploaded: Site, browser: Browser
) -> None:
    assert len(uploaded.documents) == 2
    page = logged_in(browser, uploaded, "lan")
    page.goto(f"{uploaded.url}/batches")
    shot(page, "batches")
    expect(page.locator("table.uploads")).to_contain_text("lo-12.zip")
    page.click("table.uploads a")
    failed = page.locator("table.stages tr.failed")
    expect(failed).to_contain_text("hong.tif")
    expect(failed).to_contain_text("ảnh bị cắt cụt hoặc hỏng")  # the reason OCR gave
    page.click("text=Báo cáo của lô")
    expect(page.locator("h1")).to_contain_text("Báo cáo lô")
    expect(page.locator("table")).to_contain_text("Cách ly")
    expect(page.locator("ul.quarantine")).to_contain_text("hong.tif")
    shot(page, "batch-report")
    page.go_back()
    page.locator("table.stages tr.failed button").click()  # run it again
    expect(page.locator("[data-state]")).to_have_text("Hoàn thành, có lỗi", timeout=PROCESSING)
    assert "rerun" in {e.action for e in AuditLog(Catalog(_db(uploaded))).entries(user="lan")}


def test_a_reader_searches_without_accents_opens_the_page_and_downloads(
    uploaded: Site, browser: Browser
) -> None:
    page = logged_in(browser, uploaded, "minh")
    page.fill("input[name=q]", "gia ban xi mang")
    page.press("input[name=q]", "Enter")
    hit = page.locator("li.hit")
    expect(hit).to_have_count(1)
    expect(hit.locator("mark").first).to_have_text("GIÁ")
    expect(hit.locator("p.why")).to_have_text("Khớp ở: trích yếu, nội dung trang 1")
    shot(page, "search")
    hit.locator("a.title").click()
    expect(page.locator("h1")).to_contain_text("11/1998")
    assert page.locator("iframe.viewer").get_attribute("src").endswith("/pdf#page=1")  # type: ignore[union-attr]
    page.wait_for_timeout(1500)  # the browser's PDF viewer draws the page
    shot(page, "document")
    with page.expect_download() as download:
        page.click("text=Tải bản PDF/A")
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    assert download.value.suggested_filename.endswith(".pdf")


def test_a_restricted_document_is_out_of_a_readers_reach(uploaded: Site, browser: Browser) -> None:
    hidden = next(i for name, i in uploaded.documents.items() if not name.startswith("002"))
    reader = logged_in(browser, uploaded, "minh")
    reader.goto(f"{uploaded.url}/?q=quy+hoach+khu+kinh+te")
    expect(reader.locator("p.total")).to_contain_text("0 văn bản")
    shot(reader, "search-empty")
    for path in ("", "/pdf", "/download", "/package"):
        answer = reader.goto(f"{uploaded.url}/documents/{hidden}{path}")
        assert answer is not None and answer.status == 404
    expect(reader.locator("h1")).to_have_text("Không tìm thấy")
    shot(reader, "not-found")
    officer = logged_in(browser, uploaded, "thu")
    officer.goto(f"{uploaded.url}/?q=quy+hoach+khu+kinh+te")
    expect(officer.locator("li.hit")).to_have_count(1)
    officer.locator("a.title").click()
    expect(officer.locator("h1")).to_contain_text("7259")


def test_markup_in_ocr_text_and_metadata_is_inert(uploaded: Site, browser: Browser) -> None:
    page = logged_in(browser, uploaded, "minh")
    dialogs: list[str] = []

    def dismissed(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismissed)
    page.goto(f"{uploaded.url}/?q=cong+van+khan")
    expect(page.locator("li.hit .snippet")).to_contain_text("<script>alert('ocr')</script>")
    expect(page.locator("li.hit .subject")).to_have_text("<b>in đậm</b> thông báo")
    page.goto(f"{uploaded.url}/documents/{uploaded.xss_id}")
    expect(page.locator("p.subject")).to_contain_text("<b>in đậm</b>")
    page.wait_for_timeout(500)
    assert dialogs == []
    assert page.locator("img[src=x], b").count() == 0


def test_forms_without_their_token_are_refused(uploaded: Site) -> None:
    client = logged_in_client(uploaded.url, "lan", PASSWORDS["lan"])
    for path in ("/logout", "/uploads", f"/uploads/{'0' * 32}/rerun"):
        refused = client.post(f"{uploaded.url}{path}", data={"csrf": "forged"})
        assert refused.status_code == 403, path
        assert "Biểu mẫu đã hết hạn" in refused.text
    foreign = httpx.post(
        f"{uploaded.url}/login", data={"name": "lan", "password": PASSWORDS["lan"]}
    )
    assert foreign.status_code == 403


def test_repeated_failed_logins_lock_the_account(uploaded: Site, browser: Browser) -> None:
    page = browser.new_context().new_page()
    for _ in range(5):
        page.goto(f"{uploaded.url}/login")
        page.fill("input[name=name]", "khoa")
        page.fill("input[name=password]", "not-the-password")
        page.click("button[type=submit]")
        expect(page.locator(".error")).to_have_text("Sai tên đăng nhập hoặc mật khẩu.")
    page.fill("input[name=password]", PASSWORDS["khoa"])  # the right one, too late
    page.click("button[type=submit]")
    expect(page.locator(".error")).to_contain_text("tạm khóa")


def test_uploads_are_checked_before_anything_is_kept(uploaded: Site, tmp_path: Path) -> None:
    client = logged_in_client(uploaded.url, "lan", PASSWORDS["lan"])
    slip = tmp_path / "slip.zip"
    with zipfile.ZipFile(slip, "w") as zipped:
        zipped.writestr("../../etc/cron.d/evil", b"* * * * * root true")
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("001.tif", b"\0" * (64 << 20))
    text = tmp_path / "scan.jpg"
    text.write_text("not an image")
    for upload, message in (
        (slip, "../../etc/cron.d/evil"),
        (bomb, "001.tif: tỉ lệ nén"),
        (text, "scan.jpg: là text/plain"),
    ):
        refused = client.post(
            f"{uploaded.url}/uploads",
            data={"csrf": form_token(client, f"{uploaded.url}/uploads/new")},
            files={"files": (upload.name, upload.read_bytes())},
        )
        assert refused.status_code == 400 and message in refused.text
    large = client.post(
        f"{uploaded.url}/uploads",
        data={"csrf": form_token(client, f"{uploaded.url}/uploads/new")},
        files={"files": ("big.tif", b"\0" * (41 << 20))},
    )
    assert large.status_code == 413
    kept = [p.name for p in (uploaded.home / "uploads").iterdir()]
    assert len(kept) == 1  # only the good upload


def test_a_reader_may_not_upload(uploaded: Site) -> None:
    client = logged_in_client(uploaded.url, "minh", PASSWORDS["minh"])
    assert client.get(f"{uploaded.url}/uploads/new").status_code == 403
    assert client.get(f"{uploaded.url}/batches").status_code == 403


def test_every_act_is_in_the_audit_log(uploaded: Site) -> None:
    reader = logged_in_client(uploaded.url, "minh", PASSWORDS["minh"])
    shown = next(i for name, i in uploaded.documents.items() if name.startswith("002"))
    for path in ("/?q=gia+ban+xi+mang", f"/documents/{shown}", f"/documents/{shown}/download"):
        assert reader.get(f"{uploaded.url}{path}").status_code == 200, path
    dip = reader.get(f"{uploaded.url}/documents/{shown}/package")
    assert dip.status_code == 200 and dip.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(dip.content)) as package:
        assert f"{shown}/METS.xml" in package.namelist()
    stranger = httpx.Client()
    token = form_token(stranger, f"{uploaded.url}/login")
    stranger.post(f"{uploaded.url}/login", data={"csrf": token, "name": "nobody", "password": "x"})
    entries = AuditLog(Catalog(_db(uploaded))).entries()
    acts = {(e.user, e.action) for e in entries}
    assert {
        ("lan", "login"),
        ("lan", "upload"),
        ("minh", "login"),
        ("minh", "search"),
        ("minh", "view"),
        ("minh", "download"),
        ("minh", "download_package"),
        (None, "login_failed"),
    } <= acts
    assert all(e.address == "127.0.0.1" for e in entries if e.action != "add_user")  # web acts
    searches = [e.target for e in entries if e.action == "search" and e.user == "minh"]
    assert "gia ban xi mang" in searches


def _db(site: Site) -> str:
    return Settings(home=site.home).database_url


ENGLISH = re.compile(
    r"\b(the|is|are|not|and|of|with|archived|quarantined|failed|pages?|error|reader|archivist"
    r"|records_officer|council|admin|proposal|row|column|file://)\b",
    re.IGNORECASE,
)


def visible_text(html: str) -> str:
    """What a person reads on a page: not the technical details staff may unfold, nor the
    code, the scripts or the values of the form fields."""
    tree = lxml.html.fromstring(html)
    for hidden in tree.xpath("//details|//code|//script|//style|//input|//select|//textarea"):
        hidden.drop_tree()
    return " ".join(tree.body.text_content().split())


def test_every_page_a_user_sees_is_in_vietnamese(uploaded: Site) -> None:
    failed_batch = next(b.id for b in Catalog(_db(uploaded)).batches() if b.status == "problems")
    shown = next(i for name, i in uploaded.documents.items() if name.startswith("002"))
    pages = {
        "lan": [
            "/",
            "/?q=gia+ban",
            "/uploads/new",
            "/batches",
            f"/batches/{failed_batch}",
            f"/documents/{shown}",
            "/retention",
            "/no/such/page",
        ],
        "minh": ["/", "/?q=xi+mang&year=1998", f"/documents/{shown}", "/batches", "/audit"],
        "thu": [
            "/retention",
            "/retention/review",
            "/disposals",
            "/audit",
            "/batches",
            f"/batches/{failed_batch}",
            f"/documents/{shown}",
            "/disposals/1",
        ],
    }
    for name, paths in pages.items():
        client = logged_in_client(uploaded.url, name, PASSWORDS[name])
        for path in paths:
            answer = client.get(f"{uploaded.url}{path}")
            text = visible_text(answer.text)
            found = ENGLISH.findall(text)
            assert not found, (name, path, found, text[:2000])
            assert "/tmp/" not in text and "file://" not in text, (name, path)


def test_a_box_uploaded_to_be_cut_at_its_blank_pages_is_archived_as_its_documents(
    uploaded: Site, browser: Browser, tmp_path: Path
) -> None:
    box = write_separated(tmp_path / "hop", ("006", "004"), dpi=200, condition="light")
    scans = box.path / box.documents[0].name
    first, second = (len(doc.page_texts) for doc in box.documents)
    page = logged_in(browser, uploaded, "lan")
    page.goto(f"{uploaded.url}/uploads/new")
    page.set_input_files("input[name=files]", str(scans))
    page.check("input[name=split_at_blank]")
    page.click("form[action='/uploads'] button")
    expect(page.locator("[data-state]")).to_have_text("Hoàn thành", timeout=PROCESSING)
    expect(page.locator("table.stages tbody tr")).to_have_count(2)
    for pages in (f"1-{first}", f"{first + 2}-{first + 1 + second}"):
        expect(page.locator("table.stages")).to_contain_text(f"{scans.name} (trang {pages})")
