"""Sessions and accounts on the web, against a real `sohoa serve` and Chromium: a session
ends on logout (a saved cookie opens nothing), when the user is disabled, their password
or role changes, or an administrator ends it; logins sent at once are all counted, and a
locked name answers like an unknown one; the administrator's pages; `sohoa user …`."""

import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, expect

from archive_schema.audit import AuditLog
from archive_schema.catalog import Catalog
from tests.conftest import make_settings, sohoa
from tests.records_archive import sample_archive
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
PASSWORD = "mat-khau-2026-dai"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    home = tmp_path_factory.mktemp("accounts") / "home"
    sample_archive(make_settings(home))
    for name, role in (("root", "admin"), ("minh", "reader"), ("khoa", "reader")):
        add_user(home, name, role, PASSWORD)
    with web_server(home) as url:
        yield url, home


def opens(client: httpx.Client, url: str) -> bool:
    """Whether the client's session opens the search page (not sent to log in)."""
    return client.get(f"{url}/").status_code == 200


def admin_post(url: str, path: str, **form: str) -> httpx.Response:
    admin = logged_in_client(url, "root", PASSWORD)
    token = form_token(admin, f"{url}/admin/users/minh")
    return admin.post(f"{url}{path}", data={"csrf": token, **form})


def test_a_cookie_saved_before_logout_opens_nothing_after(site: tuple[str, Path]) -> None:
    url, _ = site
    reader = logged_in_client(url, "minh", PASSWORD)
    saved = dict(reader.cookies)
    token = form_token(reader, f"{url}/")
    assert reader.post(f"{url}/logout", data={"csrf": token}).status_code == 303
    replay = httpx.Client(cookies=saved)
    for path in ("/", "/documents/letter2010", "/documents/letter2010/pdf"):
        answer = replay.get(f"{url}{path}")
        assert answer.status_code == 303 and answer.headers["location"].startswith("/login")


@pytest.mark.parametrize(
    ("path", "form"),
    [
        ("/admin/users/minh/state", {"active": "false"}),
        ("/admin/users/minh/rights", {"role": "archivist", "clearance": "internal"}),
        ("/admin/users/minh/rights", {"role": "reader", "clearance": "internal"}),
        ("/admin/users/minh/sessions", {}),
    ],
)
def test_an_administrators_change_ends_the_users_sessions(
    site: tuple[str, Path], path: str, form: dict[str, str]
) -> None:
    url, _ = site
    reader = logged_in_client(url, "minh", PASSWORD)
    assert opens(reader, url)
    assert admin_post(url, path, **form).status_code == 303
    assert not opens(reader, url)
    admin_post(url, "/admin/users/minh/state", active="true")  # back as it was


def test_a_reset_password_must_be_changed_and_ends_the_sessions(
    site: tuple[str, Path], browser: Browser
) -> None:
    url, _ = site
    reader = logged_in_client(url, "minh", PASSWORD)
    admin = logged_in_page(browser, url, "root", PASSWORD)
    admin.goto(f"{url}/admin/users")
    expect(admin.locator("table.users")).to_contain_text("Cán bộ tra cứu")
    shot(admin, "users")
    admin.click("a[href='/admin/users/minh']")
    admin.click("form.reset button")
    temporary = admin.locator("[data-temporary]").inner_text()
    shot(admin, "user")
    assert not opens(reader, url)

    page = browser.new_context().new_page()
    page.goto(f"{url}/login")
    page.fill("input[name=name]", "minh")
    page.fill("input[name=password]", temporary)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Đổi mật khẩu")
    page.goto(f"{url}/?q=treo+co")  # every page waits for the change
    expect(page.locator("h1")).to_have_text("Đổi mật khẩu")
    page.fill("input[name=current]", temporary)
    page.fill("input[name=new]", "khac-han-roi")
    page.fill("input[name=again]", "khac-han-roi-2")
    page.click("form[action='/account/password'] button")
    expect(page.locator(".error")).to_have_text("Hai lần nhập mật khẩu mới không giống nhau.")
    page.fill("input[name=current]", temporary)
    page.fill("input[name=new]", PASSWORD)
    page.fill("input[name=again]", PASSWORD)
    page.click("form[action='/account/password'] button")
    expect(page.locator("form.search")).to_be_visible()


def test_logins_at_once_are_each_counted_and_a_locked_name_is_no_hint(
    site: tuple[str, Path],
) -> None:
    url, _ = site

    def attempt(name: str, password: str) -> str:
        """What the login page says of the attempt."""
        client = httpx.Client(timeout=60)
        token = form_token(client, f"{url}/login")
        answer = client.post(
            f"{url}/login", data={"csrf": token, "name": name, "password": password}
        )
        said = re.search(r'class="error"[^>]*>([^<]*)<', answer.text)
        return f"{answer.status_code} {said.group(1) if said else ''}"

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda _: attempt("khoa", "sai-mat-khau"), range(16)))
        list(pool.map(lambda _: attempt("khong-co-ai", "sai-mat-khau"), range(16)))
    assert "Tài khoản tạm khóa" in attempt("khoa", PASSWORD)  # the right one, too late
    assert "Tài khoản tạm khóa" in attempt("khong-co-ai", PASSWORD)
    assert attempt("khoa", "x") == attempt("khong-co-ai", "x")
    unlocked = admin_post(url, "/admin/users/khoa/unlock")
    assert unlocked.status_code == 303
    assert opens(logged_in_client(url, "khoa", PASSWORD), url)


def test_only_administrators_reach_the_accounts(site: tuple[str, Path]) -> None:
    url, home = site
    reader = logged_in_client(url, "minh", PASSWORD)
    refused = reader.get(f"{url}/admin/users")
    assert refused.status_code == 403 and "Quản trị hệ thống" in refused.text
    denied = AuditLog(Catalog(make_settings(home).database_url)).entries(action="denied")
    assert any(e.user == "minh" and e.target == "/admin/users" for e in denied)


def test_the_command_line_administers_accounts(site: tuple[str, Path]) -> None:
    _, home = site
    listed = sohoa(home, "user", "list")
    assert listed.returncode == 0 and "root" in listed.stdout and "admin" in listed.stdout
    assert sohoa(home, "user", "set-role", "khoa", "archivist").returncode == 0
    assert sohoa(home, "user", "set-clearance", "khoa", "restricted").returncode == 0
    temporary = sohoa(home, "user", "reset-password", "khoa")
    assert temporary.returncode == 0 and len(temporary.stdout.strip()) >= 12
    assert sohoa(home, "user", "disable", "khoa").returncode == 0
    assert "disabled" in sohoa(home, "user", "list").stdout
    assert sohoa(home, "user", "enable", "khoa").returncode == 0
    assert sohoa(home, "user", "unlock", "khoa").returncode == 0
    assert sohoa(home, "user", "sign-out", "khoa").returncode == 0
    missing = sohoa(home, "user", "disable", "nobody")
    assert missing.returncode == 2 and "no user nobody" in missing.stderr
    log = AuditLog(Catalog(make_settings(home).database_url))
    acts = [e for e in log.entries(target="khoa") if e.address == "cli"]
    assert {e.action for e in acts} >= {
        "change_role",
        "change_clearance",
        "reset_password",
        "disable_user",
        "enable_user",
        "unlock_user",
        "end_sessions",
    }
    assert all(e.user and e.user.endswith("@cli") for e in acts)
