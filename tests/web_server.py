"""`sohoa serve` for the tests, on a free loopback port with its own SOHOA_HOME; users made
with `sohoa user add`; and Chromium, driven by Playwright, saving a picture of each page."""

import os
import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.conftest import ROOT
from tests.services import answers, free_port, running

SOHOA = ROOT / ".venv" / "bin" / "sohoa"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
SCREENSHOTS = ROOT / "var" / "screenshots"


def add_user(home: Path, name: str, role: str, password: str, *options: str) -> None:
    added = subprocess.run(
        [SOHOA, "user", "add", name, "--role", role, "--password-stdin", *options],
        input=password + "\n",
        env=os.environ | {"SOHOA_HOME": str(home)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert added.returncode == 0, added.stderr


@contextmanager
def web_server(home: Path, **settings: str) -> Iterator[str]:
    """Yields the server's URL; stops it (SIGINT, as uvicorn wants) afterwards."""
    port = free_port()
    env = os.environ | {"SOHOA_HOME": str(home), "SOHOA_WORKERS": "2", **settings}
    home.mkdir(parents=True, exist_ok=True)
    url = f"http://127.0.0.1:{port}"
    login_page = answers(f"{url}/login", lambda answer: answer.status_code == 200)
    with running([SOHOA, "serve", "--port", str(port)], env, home / "serve.log", login_page, 60):
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


def logged_in_page(browser: Browser, url: str, name: str, password: str) -> Page:
    """A page of a new browser context, logged in as `name`."""
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{url}/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    expect(page.locator("form.who")).to_contain_text(name)
    return page


def shot(page: Page, name: str) -> None:
    """A picture of the whole page, for the README."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def logged_in_client(url: str, name: str, password: str) -> httpx.Client:
    """An HTTP client with the session of `name`, as a browser would have after logging in."""
    client = httpx.Client(follow_redirects=False, timeout=60)
    token = form_token(client, f"{url}/login")
    answer = client.post(f"{url}/login", data={"csrf": token, "name": name, "password": password})
    assert answer.status_code == 303, answer.text
    return client


def form_token(client: httpx.Client, page: str) -> str:
    """The CSRF token of the forms of `page`."""
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(page).text)
    assert found is not None, page
    return found.group(1)
