"""`sohoa serve` for the tests, on a free loopback port with its own SOHOA_HOME; users made
with `sohoa user add`; and Chromium, driven by Playwright, saving a picture of each page."""

import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.airflow_setup import free_port
from tests.conftest import ROOT

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
    log = home / "serve.log"
    home.mkdir(parents=True, exist_ok=True)
    with log.open("w") as output:
        server = subprocess.Popen(
            [SOHOA, "serve", "--port", str(port)],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(url, server, log)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


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


def _wait(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    for _ in range(150):
        if server.poll() is not None:
            raise RuntimeError(f"sohoa serve stopped:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/login", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"sohoa serve did not answer:\n{log.read_text()}")
