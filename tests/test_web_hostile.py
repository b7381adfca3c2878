"""Hostile requests against a real `sohoa serve`: posts refused before their body is read
(without a session, from a role that may not upload, beyond a role's cap), odd parameters
and paths answered with the site's own Vietnamese pages, never a 500 or raw JSON."""

import re
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote, urlparse

import httpx
import pytest

from archive_schema.catalog import Catalog
from archive_schema.schedule_files import read_schedule
from archive_schema.schedules import Schedules
from tests.conftest import make_settings
from tests.records_archive import sample_archive
from tests.web_server import add_user, form_token, logged_in_client, web_server
from web.services import _kept_secret

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


ODD = ("²", "٣", "-1", "0", "99999999999999999999999", "1e3", "%00", "..%2F..", "x" * 3000)


def test_odd_parameters_and_paths_are_answered_with_the_sites_pages(
    site: tuple[str, Path],
) -> None:
    url, _ = site
    officer = logged_in_client(url, "thu", PASSWORD)
    pages = [
        *(f"/?q=treo&page={v}" for v in ODD),
        *(f"/?q=treo&year={v}" for v in ODD),
        *(f"/retention/review?year={v}" for v in ODD),
        *(f"/documents/letter2010?page={v}" for v in ODD),
        *(f"/documents/letter2010/pages/{v}.jpg" for v in ODD),
        *(f"/disposals/{v}" for v in ODD),
        *(f"/retention/versions/{v}" for v in ODD),
        *(f"/retention/versions/{v}/export.csv" for v in ODD),
        "/retention/versions/1/export.pdf",
        "/no/such/page",
        "/static/../web-secret-key",
        "/documents/",
    ]
    for path in pages:
        answer = officer.get(f"{url}{path}")
        assert answer.status_code in (200, 303, 400, 404), (path, answer.status_code)
        if answer.status_code != 303:
            assert answer.headers["content-type"].startswith("text/html"), path
            assert '"detail"' not in answer.text and "Traceback" not in answer.text, path
            assert '<html lang="vi">' in answer.text, path
    not_found = officer.get(f"{url}/no/such/page")
    assert not_found.status_code == 404 and "Không có trang hoặc tài liệu này." in not_found.text
    wrong_method = officer.put(f"{url}/")
    assert wrong_method.status_code == 405 and "không nhận yêu cầu" in wrong_method.text
    token = form_token(officer, f"{url}/retention")
    missing = officer.post(f"{url}/disposals/1/vote", data={"csrf": token})
    assert missing.status_code in (400, 403) and '"detail"' not in missing.text


@pytest.mark.parametrize("name", ["Lịch bảo quản 2025", 'Lịch "mới" (bản 2)'])
def test_any_schedule_name_exports(site: tuple[str, Path], name: str) -> None:
    url, home = site
    schedules = Schedules(Catalog(make_settings(home).database_url))
    table = f"Điều khoản,Tên nhóm hồ sơ tài liệu,Thời hạn bảo quản\n1.1,{name},10\n"
    schedule = read_schedule(name, table.replace('"', "'").encode(), "lich.csv")
    saved = schedules.save(name, schedule, "thu", f"đặt tên {name}")
    officer = logged_in_client(url, "thu", PASSWORD)
    for suffix in ("csv", "xlsx"):
        answer = officer.get(f"{url}/retention/versions/{saved.version}/export.{suffix}")
        assert answer.status_code == 200, answer.text
        header = answer.headers["content-disposition"]
        assert header.startswith('attachment; filename="') and header.count('"') == 2
        assert (
            f"filename*=UTF-8''{quote(saved.schedule.name.replace('@', '-v'), safe='')}" in header
        )


def test_an_idle_connection_is_kept_past_a_readers_pause(site: tuple[str, Path]) -> None:
    """A reader's next click after a pause reuses the connection: had the server closed it
    meanwhile (uvicorn's 5 s), the click could meet it closing and be lost."""
    where = urlparse(site[0])
    request = f"GET /login HTTP/1.1\r\nHost: {where.netloc}\r\n\r\n".encode()
    with socket.create_connection((where.hostname, where.port), timeout=20) as connection:
        connection.sendall(request)
        assert whole_answer(connection).startswith(b"HTTP/1.1 200")
        time.sleep(8)
        connection.setblocking(False)
        with pytest.raises(BlockingIOError):  # nothing to read, and not closed (b"")
            connection.recv(1, socket.MSG_PEEK)
        connection.setblocking(True)
        connection.sendall(request)
        assert whole_answer(connection).startswith(b"HTTP/1.1 200")


def whole_answer(connection: socket.socket) -> bytes:
    """One HTTP answer read to its last byte (its headers, then Content-Length bytes)."""
    answer = b""
    while b"\r\n\r\n" not in answer:
        answer += connection.recv(65536)
    head, body = answer.split(b"\r\n\r\n", 1)
    length = re.search(rb"content-length: *(\d+)", head, re.IGNORECASE)
    assert length is not None
    while len(body) < int(length.group(1)):
        body += connection.recv(65536)
    return answer


def test_servers_started_together_on_a_new_home_keep_one_key(tmp_path: Path) -> None:
    """`sohoa serve`'s processes start at once: each must sign sessions with the same key,
    or a reader's next request, answered by another process, finds them logged out."""

    def kept(path: Path, together: threading.Barrier) -> str:
        together.wait()
        return _kept_secret(path)

    for attempt in range(20):
        path = tmp_path / str(attempt) / "web-secret-key"
        with ThreadPoolExecutor(8) as servers:
            keys = set(servers.map(kept, [path] * 8, [threading.Barrier(8)] * 8))
        assert len(keys) == 1 and len(keys.pop()) > 40
        assert path.stat().st_mode & 0o777 == 0o600
        assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_a_fault_of_the_server_is_its_page_and_the_connection_stays(
    site: tuple[str, Path],
) -> None:
    """Last of the module: it breaks the search index under the running server."""
    url, home = site
    reader = logged_in_client(url, "minh", PASSWORD)
    (home / "search.db").write_bytes(b"not a database " * 1000)
    for name in ("search.db-wal", "search.db-shm"):
        (home / name).unlink(missing_ok=True)
    broken = reader.get(f"{url}/?q=treo+co")
    assert broken.status_code == 500
    assert "Đã có lỗi ở máy chủ" in broken.text and "Traceback" not in broken.text
    assert broken.headers["content-security-policy"].startswith("default-src 'self'")
    assert reader.get(f"{url}/documents/letter2010").status_code == 200  # the same connection
