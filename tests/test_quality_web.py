"""Quality control in a real browser (Chromium, driven by Playwright) against `sohoa serve`,
on a batch of heavy scans OCRed for real: an archivist works through the queue, sees the
field she edits marked on the scan, has an impossible date refused in Vietnamese, saves with
Ctrl+Enter and lands on the next record; the corrected subject is found by search; of two
archivists saving one record, the second is refused; a page's text corrected; the batch,
checked whole, accepted by a third archivist, with its record in PDF/A and its workbook.
Each page is photographed."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from archive_schema.spreadsheets import xlsx_rows
from pipelines.archive import Archive
from pipelines.ingest.runner import ingest
from samples.batch import render, write_batch
from tests.conftest import make_settings
from tests.web_server import add_user, browser, logged_in_page, shot, web_server

__all__ = ["browser"]  # the fixture
PASSWORD = "lan-luu-tru-2026"
PROCESSING = 300_000  # ms: a page OCRed again on a slow machine
CORRECTED = "Về việc kiểm tra chất lượng số hóa tài liệu lưu trữ"


@dataclass
class Site:
    url: str
    batch_id: str
    ids: list[str]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("quality")
    home = root / "home"
    batch = write_batch(root / "batch", ["004", "010", "016"], condition="heavy", seed=3)
    report = ingest(batch.path, Archive(make_settings(home)))
    assert report.batch_id and len(report.documents) == 3
    for name in ("lan", "minh", "hoa"):
        add_user(home, name, "archivist", PASSWORD)
    with web_server(home) as url:
        yield Site(url, report.batch_id, [d.id for d in report.documents if d.id])


def scan_drawn(page: Page) -> None:
    """Wait for the page image, which the server draws from the PDF/A."""
    page.wait_for_function("() => document.querySelector('.page-image img').complete")


def review_first(page: Page, site: Site, wanted: Callable[[], bool]) -> str:
    """The first record of the batch whose review screen is `wanted`, left open."""
    for record in site.ids:
        page.goto(f"{site.url}/quality/{record}")
        if wanted():
            return record
    pytest.fail("no such record in the batch")


def queue(browser: Browser, site: Site, name: str = "lan") -> Page:
    page = logged_in_page(browser, site.url, name, PASSWORD)
    page.goto(f"{site.url}/quality?batch={site.batch_id}")
    return page


def test_an_archivist_corrects_a_record_on_the_scan_and_moves_to_the_next(
    browser: Browser, site: Site
) -> None:
    page = queue(browser, site)
    expect(page.locator("h1")).to_contain_text("Kiểm tra chất lượng")
    expect(page.locator("table.queue tbody tr")).to_have_count(3)
    expect(page.locator("main")).to_contain_text("Đã kiểm tra 0 / 3 văn bản")
    shot(page, "quality-queue")

    page.locator("table.queue tbody tr a").first.click()
    first = page.url.split("/quality/")[1].split("?")[0]
    scan = page.locator(".page-image img")
    expect(scan).to_be_visible()
    scan_drawn(page)
    assert scan.evaluate("image => image.naturalWidth > 500")
    marked = page.locator(".page-image .mark[data-field=issuing_agency]")
    assert marked.count() > 0, "the agency OCR read is marked where it stands on the scan"
    page.locator("label[data-field=issuing_agency] input").focus()
    expect(page.locator(".page-image .mark.active").first).to_be_visible()
    box = marked.first.bounding_box()
    image = scan.bounding_box()
    assert box and image and box["y"] < image["y"] + image["height"] / 4  # in the header
    shot(page, "quality-check")

    page.fill("label[data-field=subject] textarea", CORRECTED)
    page.fill("label[data-field=issue_date] input", "31/02/2024")
    page.keyboard.press("Control+Enter")
    expect(page.locator(".problem")).to_contain_text(
        "Ngày ban hành: '31/02/2024' không phải một ngày có thật"
    )
    expect(page.locator("label[data-field=subject] textarea")).to_have_value(CORRECTED)
    scan_drawn(page)
    shot(page, "quality-refused")

    page.fill("label[data-field=issue_date] input", "05/03/2024")
    page.keyboard.press("Control+Enter")
    page.wait_for_url(lambda url: "/quality/" in url and first not in url)
    second = page.url.split("/quality/")[1].split("?")[0]
    assert second in site.ids and second != first

    page.goto(f"{site.url}/quality/{first}")
    expect(page.locator("section.corrections")).to_contain_text(CORRECTED)
    expect(page.locator("section.corrections")).to_contain_text("05/03/2024")
    expect(page.locator("label[data-field=subject] small.source")).to_have_text(
        "Lưu trữ viên đã sửa"
    )
    page.goto(f"{site.url}/?q=kiem tra chat luong so hoa")
    expect(page.locator(f"a[href^='/documents/{first}']").first).to_be_visible()
    page.goto(f"{site.url}/quality?batch={site.batch_id}")
    expect(page.locator("main")).to_contain_text("Đã kiểm tra 1 / 3 văn bản")
    expect(page.locator("table.queue tbody tr")).to_have_count(2)


def test_of_two_archivists_saving_one_record_the_second_is_refused(
    browser: Browser, site: Site
) -> None:
    record = site.ids[-1]
    lan, minh = queue(browser, site, "lan"), queue(browser, site, "minh")
    for page in (lan, minh):
        page.goto(f"{site.url}/quality/{record}")
    minh.fill("label[data-field=signer_name] input", "Nguyễn Văn Minh")
    minh.click("form.fields button[type=submit]")
    minh.wait_for_url(lambda url: record not in url)
    lan.fill("label[data-field=signer_name] input", "Trần Thị Lan")
    lan.click("form.fields button[type=submit]")
    expect(lan.locator(".problem")).to_contain_text("đã được người khác sửa từ khi bạn mở")
    lan.goto(f"{site.url}/quality/{record}")
    expect(lan.locator("label[data-field=signer_name] input")).to_have_value("Nguyễn Văn Minh")


def test_a_pages_text_corrected_on_the_review_screen_is_what_search_finds(
    browser: Browser, site: Site
) -> None:
    record = site.ids[1]
    page = queue(browser, site)
    page.goto(f"{site.url}/quality/{record}")
    page.click("form.page-text summary")
    box = page.locator("form.page-text textarea")
    box.fill(box.input_value() + "\nGhi chú của lưu trữ viên: bản gốc rách góc")
    page.click("form.page-text button[type=submit]")
    page.wait_for_url(f"{site.url}/quality/{record}?page=1")
    expect(page.locator("section.corrections")).to_contain_text("Văn bản trang 1")
    page.goto(f"{site.url}/?q=ban goc rach goc")
    expect(page.locator(f"a[href^='/documents/{record}']").first).to_be_visible()


def test_a_batch_checked_whole_is_accepted_by_another_archivist_with_its_record(
    browser: Browser, site: Site, tmp_path: Path, verapdf: Callable[[list[Path]], dict[Path, str]]
) -> None:
    lan = queue(browser, site)
    expect(lan.locator("section.acceptance")).to_contain_text("khi mọi văn bản đã được kiểm tra")
    for _ in range(lan.locator("table.queue tbody tr a").count()):
        lan.locator("table.queue tbody tr a").first.click()
        checked = lan.url
        lan.click("form.fields button[type=submit]")
        expect(lan).not_to_have_url(checked)  # saved, not refused
        lan.goto(f"{site.url}/quality?batch={site.batch_id}")
    lan.click("form.accept button")
    expect(lan.locator("main")).to_contain_text(
        "Người nghiệm thu phải là người khác với người đã kiểm tra"
    )
    hoa = queue(browser, site, "hoa")
    expect(hoa.locator("main")).to_contain_text("Đã kiểm tra 3 / 3 văn bản")
    hoa.click("form.accept button")
    expect(hoa.locator("section.acceptance")).to_contain_text("Lô đã được nghiệm thu")
    expect(hoa.locator("section.acceptance")).to_contain_text("3 văn bản")
    shot(hoa, "quality-accepted")
    with hoa.expect_download() as pdf:
        hoa.click("text=Tải biên bản nghiệm thu (PDF/A)")
    record = tmp_path / "bien-ban-nghiem-thu.pdf"
    pdf.value.save_as(record)
    assert "PASS" in verapdf([record])[record]
    with hoa.expect_download() as xlsx:
        hoa.click("text=Bảng kết quả kiểm tra (XLSX)")
    rows = xlsx_rows(Path(xlsx.value.path()).read_bytes())
    assert rows[0][:2] == ["TT", "Số, ký hiệu"] and len([r for r in rows[1:4] if r[0]]) == 3
    assert ["Số văn bản", "3"] in [row[:2] for row in rows]


@pytest.mark.parametrize(
    ("path", "name"),
    [("/batches", "batches"), ("/?q=chung chi hanh nghe", "search"), ("/quality", "quality")],
)
def test_pages_fit_a_phone_with_the_logout_in_reach_and_hits_before_facets(
    browser: Browser, site: Site, path: str, name: str
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{site.url}/login")
    page.fill("input[name=name]", "lan")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(site.url + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    logout = page.locator("form.who button").bounding_box()
    assert logout and logout["x"] + logout["width"] <= 390
    if path.startswith("/?"):
        hit, facets = page.locator(".hit").first.bounding_box(), page.locator(".facets")
        assert hit and hit["y"] < (facets.bounding_box() or {"y": 0})["y"]
    shot(page, f"phone-{name}")
    context.close()


def test_records_ticked_in_the_queue_are_filed_into_one_dossier_at_once(
    browser: Browser, site: Site
) -> None:
    page = queue(browser, site)
    page.goto(f"{site.url}/quality?checked=true&batch={site.batch_id}")
    boxes = page.locator("table.queue input[type=checkbox]")
    ticked = [boxes.nth(n).get_attribute("value") for n in range(2)]
    for n in range(2):
        boxes.nth(n).check()
    page.select_option("fieldset.bulk select[name=field]", "dossier_code")
    page.fill("fieldset.bulk input[name=value]", "H32.2013.01.TH")
    page.click("fieldset.bulk button")
    page.wait_for_url(f"{site.url}/quality?batch={site.batch_id}")
    for record in ticked:
        page.goto(f"{site.url}/documents/{record}")
        expect(page.locator(".metadata")).to_contain_text("H32.2013.01.TH")


def test_a_page_rescanned_on_the_review_screen_is_read_again_and_the_old_scan_kept(
    browser: Browser, site: Site, tmp_path: Path
) -> None:
    record = site.ids[0]
    page = queue(browser, site)
    page.goto(f"{site.url}/quality/{record}")
    new_scan = tmp_path / "trang-1-quet-lai.png"
    image, _ = render("004", 300, "clean", seed=4)[0]
    image.save(new_scan, dpi=(300, 300))
    page.click("form.rescan summary")
    page.set_input_files("form.rescan input[type=file]", str(new_scan))
    page.click("form.rescan button[type=submit]")
    page.wait_for_url(f"{site.url}/quality/{record}?page=1*", timeout=PROCESSING)
    scan_drawn(page)
    page.goto(f"{site.url}/documents/{record}")
    expect(page.locator("section.history")).to_contain_text("Quét lại")
    not_scan = tmp_path / "ghi-chu.jpg"
    not_scan.write_text("không phải ảnh")
    page.goto(f"{site.url}/quality/{record}")
    page.click("form.rescan summary")
    page.set_input_files("form.rescan input[type=file]", str(not_scan))
    page.click("form.rescan button[type=submit]")
    expect(page.locator(".problem")).to_contain_text("ghi-chu.jpg: không phải ảnh quét")


def test_a_fonds_and_a_dossier_are_opened_its_documents_ordered_and_its_list_downloaded(
    browser: Browser, site: Site
) -> None:
    page = queue(browser, site)
    page.goto(f"{site.url}/dossiers")
    expect(page.locator("main")).to_contain_text("Chưa có phông nào")
    page.fill("form.fonds-form input[name=code]", "H33")
    page.fill("form.fonds-form input[name=name]", "Sở Y tế tỉnh Lào Cai")
    page.click("form.fonds-form button")
    page.fill("form.dossier input[name=code]", "H33.2013.02")
    page.fill("form.dossier input[name=title]", "Công văn về cấp chứng chỉ hành nghề năm 2013")
    page.select_option("form.dossier select[name=retention_row]", "1.9")  # công văn: 10 năm
    page.click("form.dossier button")
    page.wait_for_url(f"{site.url}/dossiers/H33.2013.02")
    expect(page.locator("table.filed")).to_contain_text("Hồ sơ chưa có văn bản")

    page.goto(f"{site.url}/quality?checked=true&batch={site.batch_id}")
    for n in range(2):
        page.locator("table.queue input[type=checkbox]").nth(n).check()
    page.select_option("fieldset.bulk select[name=field]", "dossier_code")
    page.fill("fieldset.bulk input[name=value]", "H33.2013.02")
    page.click("fieldset.bulk button")
    page.goto(f"{site.url}/dossiers/H33.2013.02")
    ordinals = page.locator("table.filed input")
    expect(ordinals).to_have_count(2)
    ordinals.nth(0).fill("2")
    ordinals.nth(1).fill("1")
    page.click("form.order button")
    expect(page.locator("table.filed")).to_contain_text("H33.2013.02.001")
    expect(page.locator("table.filed")).to_contain_text("H33.2013.02.002")
    expect(page.locator("p.retention")).to_contain_text("10 năm (điều 1.9 của bảng thời hạn")
    expect(page.locator("p.retention")).to_contain_text("xem xét hủy từ 01/01/20")
    shot(page, "dossier")
    page.goto(f"{site.url}/dossiers")
    expect(page.locator("table.dossiers")).to_contain_text("H33.2013.02")
    shot(page, "dossiers")
    with page.expect_download() as listed:
        page.click("text=Mục lục hồ sơ (PDF/A)")
    assert Path(listed.value.path()).read_bytes().startswith(b"%PDF")


def test_a_record_of_two_letters_is_split_on_the_review_screen(
    browser: Browser, site: Site
) -> None:
    page = queue(browser, site)
    record = review_first(page, site, lambda: page.locator("form.split").count() > 0)
    page.click("form.split summary")
    page.fill("form.split input[name=pages]", "5")
    page.click("form.split button[type=submit]")
    expect(page.locator(".problem")).to_contain_text("Tách tại trang 5: văn bản có 2 trang")
    page.click("form.split summary")
    page.fill("form.split input[name=pages]", "2")
    page.click("form.split button[type=submit]")
    expect(page.locator("section.corrections")).to_contain_text("Tách tại trang 2")
    expect(page.locator(".scan .paging")).to_contain_text("Trang 1 / 1")
    page.goto(f"{site.url}/quality?batch={site.batch_id}")  # both parts, to check again
    links = page.locator("table.queue tbody tr a")
    queued = [links.nth(n).get_attribute("href") for n in range(links.count())]
    assert f"/quality/{record}?batch={site.batch_id}" in queued
    histories = []
    for link in queued:
        page.goto(f"{site.url}{link}")
        histories.append(page.locator("main").inner_text())
    assert sum("Tách từ văn bản khác" in history for history in histories) == 1


def test_the_parts_of_a_split_record_are_merged_back_on_the_review_screen(
    browser: Browser, site: Site
) -> None:
    page = queue(browser, site)
    record = review_first(page, site, lambda: "Tách tại trang" in page.locator("main").inner_text())
    expect(page.locator(".scan .paging")).to_contain_text("Trang 1 / 1")
    page.click("form.merge summary")
    part = page.locator("form.merge label", has_text="(trang 2-2)").locator("input")
    absorbed = part.get_attribute("value")
    part.check()
    shot(page, "quality-merge")
    page.click("form.merge button[type=submit]")
    page.wait_for_url(f"{site.url}/quality/{record}")
    expect(page.locator(".scan .paging")).to_contain_text("Trang 1 / 2")
    expect(page.locator("section.corrections")).to_contain_text("Gộp văn bản")
    page.goto(f"{site.url}/documents/{absorbed}")  # an old link finds where its pages went
    assert page.url == f"{site.url}/documents/{record}"
    expect(page.locator(".metadata")).to_be_visible()
    page.goto(f"{site.url}/quality?batch={site.batch_id}&checked=true")
    expect(page.locator(f"table.queue a[href*='{absorbed}']")).to_have_count(0)
