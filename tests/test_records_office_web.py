"""The records office in a real browser (Chromium, driven by Playwright) against
`sohoa serve`: a schedule imported from a spreadsheet (a bad one refused with its rows),
the review list, a record assigned a row, a proposal, two council approvals, execution,
the destruction record, tombstones and the audit log. Each page is photographed."""

import io
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from openpyxl import Workbook
from playwright.sync_api import Browser, Page, expect

from tests.conftest import make_settings
from tests.records_archive import sample_archive
from tests.web_server import add_user, browser, logged_in_page, shot, web_server

PASSWORD = "mat-khau-2026"
__all__ = ["browser"]  # the fixture


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("office") / "home"
    sample_archive(make_settings(home))
    add_user(home, "thu", "records_officer", PASSWORD)
    for member in ("an", "binh"):
        add_user(home, member, "council", PASSWORD)
    with web_server(home) as url:
        yield url


def logged_in(browser: Browser, url: str, name: str) -> Page:
    return logged_in_page(browser, url, name, PASSWORD)


def spreadsheet(path: Path, *rows: list[object]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Điều khoản", "Tên nhóm hồ sơ tài liệu", "Thời hạn bảo quản", "Tên loại"])
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    path.write_bytes(data.getvalue())
    return path


def test_a_schedule_is_imported_and_a_destruction_approved_and_executed(
    site: str, browser: Browser, tmp_path: Path
) -> None:
    officer = logged_in(browser, site, "thu")
    officer.goto(f"{site}/retention")
    expect(officer.locator("table.versions")).to_contain_text("sample-2011@1")
    shot(officer, "retention")
    bad = spreadsheet(
        tmp_path / "bad.xlsx",
        ["1.9", "Công văn trao đổi", "mười năm", "Công văn"],
        ["1.9", "Trùng", 5, None],
    )
    officer.set_input_files("input[name=file]", str(bad))
    officer.fill("input[name=reason]", "TT 10/2022")
    officer.click("form.import button")
    problems = officer.locator(".problems li")
    expect(problems.first).to_contain_text("bad.xlsx: dòng 2: thời hạn 'mười năm'")
    expect(problems.nth(1)).to_contain_text("dòng 3: điều 1.9 đã có ở dòng 2")
    shot(officer, "retention-import-errors")
    good = spreadsheet(
        tmp_path / "tt10.xlsx",
        ["1.2", "Tập lưu nghị quyết, quyết định, chỉ thị của cơ quan", "Vĩnh viễn", "Quyết định"],
        ["1.9", "Công văn trao đổi về những vấn đề chung", 10, "Công văn"],
        ["1.11", "Giấy mời họp", 5, "Giấy mời"],
    )
    officer.set_input_files("input[name=file]", str(good))
    officer.fill("input[name=reason]", "TT 10/2022")
    officer.click("form.import button")
    expect(officer.locator("h1")).to_have_text("Bảng thời hạn tt10@2")
    expect(officer.locator("table.diff tr.added")).to_contain_text("1.11")
    shot(officer, "retention-version")

    officer.goto(f"{site}/retention/review")
    expect(officer.locator("table.review tbody tr")).to_have_count(1)
    by_dossier = officer.locator("table.due-dossiers tbody tr td")
    expect(by_dossier).to_have_text(["H32.2010.04", "(chưa lập hồ sơ)", "1", "01/01/2021"])
    expect(officer.locator("table.unclassified")).to_contain_text("Mời dự hội nghị")
    shot(officer, "review")
    officer.check("table.unclassified input[name=ids]")
    officer.select_option("form.assign select[name=row]", "1.11")
    officer.click("form.assign button")
    expect(officer.locator("table.review tbody tr")).to_have_count(2)  # 2012 + 5 years: due
    for box in officer.locator("table.review input[name=ids]").all():
        box.check()
    officer.fill("form.propose input[name=note]", "Hết giá trị sử dụng")
    officer.click("form.propose button")
    expect(officer.locator("[data-state]")).to_have_text("Chờ Hội đồng xét")
    shot(officer, "proposal")
    proposal = officer.url

    for member in ("an", "binh"):
        council = logged_in(browser, site, member)
        council.goto(proposal)
        council.fill("form.vote input[name=comment]", "Đồng ý")
        council.click("form.vote button[value=true]")
        expect(council.locator("ul.votes")).to_contain_text(f"{member}: đồng ý")
    expect(council.locator("[data-state]")).to_have_text("Đã được duyệt")
    shot(council, "proposal-approved")

    officer.goto(proposal)
    officer.fill("form.execute input[name=confirm]", proposal.rsplit("/", 1)[1])
    officer.click("form.execute button")
    expect(officer.locator("[data-state]")).to_have_text("Đã hủy", timeout=60_000)
    shot(officer, "proposal-executed")
    record = officer.request.get(f"{proposal}/record.pdf")
    assert record.ok and record.body().startswith(b"%PDF")
    officer.goto(f"{site}/disposals")
    expect(officer.locator("table.tombstones tbody tr")).to_have_count(2)
    expect(officer.locator("table.tombstones")).to_contain_text("an, binh")
    shot(officer, "disposals")
    officer.goto(f"{site}/?q=treo+co")
    expect(officer.locator("p.total")).to_contain_text("0 văn bản")
    officer.goto(f"{site}/audit?target=đề+nghị+1")
    actions = officer.locator("table.audit td:nth-child(3)")
    expect(actions).to_have_text(
        ["Đã hủy", "Bắt đầu hủy", "Đồng ý hủy", "Đồng ý hủy", "Đề nghị hủy"]
    )
    shot(officer, "audit")


def test_council_members_and_officers_keep_to_their_part(site: str) -> None:
    from tests.web_server import form_token, logged_in_client

    council = logged_in_client(site, "an", PASSWORD)
    assert council.get(f"{site}/retention/review").status_code == 403
    assert council.get(f"{site}/audit").status_code == 403
    assert council.get(f"{site}/disposals").status_code == 200
    officer = logged_in_client(site, "thu", PASSWORD)
    token = form_token(officer, f"{site}/retention/review")
    refused = officer.post(f"{site}/disposals", data={"csrf": token, "ids": ["decision"]})
    assert refused.status_code == 400 and "bảo quản vĩnh viễn (điều 1.2)" in refused.text
    forged = officer.post(f"{site}/disposals/1/vote", data={"csrf": token, "approve": "true"})
    assert forged.status_code == 403  # an officer is not in the council
    assert httpx.get(f"{site}/retention").status_code == 303  # not logged in: to the login


@pytest.fixture
def office(tmp_path: Path) -> Iterator[str]:
    home = tmp_path / "home"
    archive = sample_archive(make_settings(home))
    archive.add(
        "coded", "Công văn", "V/v kiểm kê kho", 2011, code="H01.05.2011.07", number_symbol="9/VP"
    )
    add_user(home, "thu", "records_officer", PASSWORD)
    for member in ("an", "binh"):
        add_user(home, member, "council", PASSWORD)
    with web_server(home) as url:
        yield url


def test_the_records_offices_safeguards(office: str, browser: Browser) -> None:
    from tests.web_server import form_token, logged_in_client

    officer = logged_in(browser, office, "thu")
    officer.goto(f"{office}/retention/review")
    boxes = officer.locator("table.review input[name=ids]")
    expect(boxes).to_have_count(2)
    for index in range(2):
        expect(boxes.nth(index)).not_to_be_checked()  # nothing proposed by default
    client = logged_in_client(office, "thu", PASSWORD)
    token = form_token(client, f"{office}/retention/review")
    no_note = client.post(f"{office}/disposals", data={"csrf": token, "ids": ["letter2010"]})
    assert no_note.status_code == 400 and "phải có thuyết minh" in no_note.text

    officer.check("table.review input[value=letter2010]")
    officer.fill("form.propose input[name=note]", "Hết giá trị")
    officer.click("form.propose button")
    expect(officer.locator("[data-state]")).to_have_text("Chờ Hội đồng xét")
    proposal = officer.url
    member = logged_in(browser, office, "an")
    expect(member.locator("header nav")).not_to_contain_text("Lô tài liệu")
    member.goto(proposal)
    member.click("form.vote button[value=true]")
    expect(member.locator("p.voted")).to_contain_text("Bạn đã đồng ý")
    expect(member.locator("form.vote")).to_have_count(0)

    officer.goto(proposal)
    officer.fill("form.withdraw input[name=reason]", "Cần thẩm định lại")
    officer.click("form.withdraw button")
    expect(officer.locator("[data-state]")).to_have_text("Đã rút")
    expect(officer.locator("form.execute")).to_have_count(0)

    officer.goto(f"{office}/retention/review")
    officer.check("table.review input[value=letter2010]")
    officer.fill("form.propose input[name=note]", "Hết giá trị, thẩm định xong")
    officer.click("form.propose button")
    second = officer.url
    for name in ("an", "binh"):
        voter = logged_in(browser, office, name)
        voter.goto(second)
        voter.click("form.vote button[value=true]")
        expect(voter.locator("p.voted")).to_be_visible()
    number = second.rsplit("/", 1)[1]
    token = form_token(client, second)
    unconfirmed = client.post(f"{second}/execute", data={"csrf": token})
    assert unconfirmed.status_code == 400 and "Chưa xác nhận" in unconfirmed.text
    officer.goto(second)
    expect(officer.locator("[data-state]")).to_have_text("Đã được duyệt")
    shot(officer, "proposal-confirm")
    officer.fill("form.execute input[name=confirm]", number)
    officer.click("form.execute button")
    expect(officer.locator("[data-state]")).to_have_text("Đã hủy", timeout=60_000)
    officer.goto(f"{office}/disposals")
    officer.fill("form.readmit input[name=reason]", "Tìm thấy bản gốc, Sở Nội vụ đồng ý")
    officer.click("form.readmit button")
    expect(officer.locator("table.tombstones")).to_contain_text("Cho phép ngày")

    officer.goto(f"{office}/retention/review")
    officer.fill("form.hold input[name=document_id]", "H01.05.2011.07")  # the record's code
    officer.fill("form.hold input[name=reason]", "Thanh tra tỉnh yêu cầu")
    officer.click("form.hold button")
    expect(officer.locator("table.held")).to_contain_text("Thanh tra tỉnh yêu cầu")
    officer.goto(f"{office}/documents/letter2016")
    expect(officer.locator("dd.unsure")).to_have_count(1)  # the subject, not the type
    expect(officer.locator("dd.unsure")).to_contain_text("Máy đọc chưa chắc (62/100)")
    officer.fill("form.hold input[name=reason]", "Vụ việc đang giải quyết")
    officer.click("form.hold button")
    expect(officer.locator("form.hold")).to_contain_text("Đang phong tỏa: Vụ việc đang giải quyết")
    unknown = client.post(
        f"{office}/retention/hold",
        data={"csrf": token, "document_id": "H99.99", "reason": "x"},
    )
    assert unknown.status_code == 400 and "Không có tài liệu nào mang mã" in unknown.text
