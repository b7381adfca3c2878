"""Hostile requests against a real `sohoa serve`: posts refused before their body is read
(without a session, from a role that may not upload, beyond a role's cap), odd parameters
and paths answered with the site's own Vietnamese pages, never a 500 or raw JSON."""

import re
import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest

from tests.conftest import make_settings
from tests.records_archive import sample_archive
from tests.web_server import add_user, form_token, logged_in_client, web_server

PASSWORD = "mat-khau-2026-dai"
GIB = 1 << 30


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    home = tmp_path_factory.mktemp("hostile") / "home"
    sample_archive(make_settings(home))
    for name, role in (("minh", "reader"), ("lan", "archivist"), ("thu", "records_officer")):
        add_user(home, name, role, PASSWORD)
    with web_server(home, SOHOA_UPLOAD_MAX_MB="8") as url:
        yield url, home


def answer_to_headers_only(url: str, path: str, length: int, cookie: str = "") -> int:
    """Send a post's headers announcing `length` bytes, and none of the body: the status
    the server answers with (it must not wait for the body)."""
    where = urlparse(url)
    with socket.create_connection((where.hostname, where.port), timeout=20) as connection:
        connection.sendall(
            (
                f"POST {path} HTTP/1.1\r\nHost: {where.netloc}\r\n"
                "Content-Type: multipart/form-data; boundary=x\r\n"
                f"Content-Length: {length}\r\n{cookie}\r\n"
            ).encode()
        )
        connection.sendall(b"--x\r\n")  # the start of a body that never comes
        return int(connection.recv(4096).decode("latin-1").split(" ", 2)[1])


def cookie_of(client: httpx.Client) -> str:
    return "Cookie: " + "; ".join(f"{k}={v}" for k, v in client.cookies.items()) + "\r\n"


def test_posts_are_refused_before_their_body_is_read(site: tuple[str, Path]) -> None:
    url, home = site
    within_cap = 4 << 20  # the archivists' cap is 8 MiB here
    assert answer_to_headers_only(url, "/uploads", within_cap) == 401
    assert answer_to_headers_only(url, "/retention/import", within_cap) == 401
    assert answer_to_headers_only(url, "/disposals/1/execute", 100) == 401
    assert answer_to_headers_only(url, "/login", 1 << 20) == 413
    reader = cookie_of(logged_in_client(url, "minh", PASSWORD))
    assert answer_to_headers_only(url, "/uploads", within_cap, reader) == 403
    assert answer_to_headers_only(url, "/retention/import", within_cap, reader) == 403
    assert answer_to_headers_only(url, "/", 2 << 20, reader) == 413  # a form: 1 MiB
    officer = cookie_of(logged_in_client(url, "thu", PASSWORD))
    assert answer_to_headers_only(url, "/uploads", within_cap, officer) == 403
    assert answer_to_headers_only(url, "/retention/import", 6 << 20, officer) == 413
    archivist = cookie_of(logged_in_client(url, "lan", PASSWORD))
    assert answer_to_headers_only(url, "/uploads", 9 << 20, archivist) == 413
    assert not (home / "uploads").exists()  # nothing was written


def test_refusals_are_pages_in_vietnamese(site: tuple[str, Path]) -> None:
    url, _ = site
    anonymous = httpx.post(f"{url}/uploads", content=b"x" * 100)
    assert anonymous.status_code == 401 and "Hãy đăng nhập" in anonymous.text
    reader = logged_in_client(url, "minh", PASSWORD)
    token = form_token(reader, f"{url}/")
    refused = reader.post(f"{url}/uploads", data={"csrf": token}, files={"files": ("a.tif", b"x")})
    assert refused.status_code == 403 and "<html" in refused.text
    assert re.search(r"không được gửi", refused.text)
