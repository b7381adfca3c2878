"""Long lists at 100,000 records against a real `sohoa serve`: the audit log, the batches,
the review list and the tombstones come a page at a time, never whole; the audit log by
date range, exported as CSV and XLSX with its acts in Vietnamese, records by number, and
every denied attempt in it."""

import csv
import io
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import lxml.html
import pytest
from openpyxl import load_workbook
from sqlalchemy import insert

from archive_schema.audit import AuditLog, AuditRow
from archive_schema.catalog import BatchRow, Catalog, DocumentRow
from tests.conftest import make_settings
from tests.records_archive import sample_archive
from tests.web_server import add_user, logged_in_client, web_server

PASSWORD = "mat-khau-2026-dai"
MANY = 100_000


def many_rows(home: Path) -> None:
    """100,000 audit entries over 100 days, 100,000 batches, 100,000 records due."""
    catalog = Catalog(make_settings(home).database_url)
    start = datetime(2026, 1, 1, 9, tzinfo=UTC)
    with catalog.engine.begin() as connection:
        connection.execute(
            insert(AuditRow),
            [
                {
                    "at": start + timedelta(minutes=n * 1.44),
                    "user": f"u{n % 7}",
                    "action": "view" if n % 3 else "search",
                    "target": "letter2010" if n % 3 else f'=HYPERLINK("x") {n}',
                    "address": "10.0.0.7",
                }
                for n in range(MANY)
            ],
        )
        connection.execute(
            insert(BatchRow),
            [
                {
                    "id": f"b{n:07d}",
                    "source": f"/srv/lo-{n}",
                    "received_at": start,
                    "status": "archived",
                    "report": None,
                    "finished_at": start,
                }
                for n in range(MANY)
            ],
        )
        connection.execute(
            insert(DocumentRow),
            [
                {
                    "id": f"due{n:09d}",
                    "batch_id": "b0000000",
                    "source_name": f"{n}.tif",
                    "doc_type": "Công văn",
                    "number_symbol": f"{n}/UBND-VP",
                    "recipients": [],
                    "access_level": "internal",
                    "language": "vi",
                    "confidence_level": "digitised",
                    "page_count": 1,
                    "retention_row": "1.9",
                    "retention_years": 10,
                    "retention_permanent": False,
                    "review_from": date(2021, 1, 1),
                    "retention_status": "review",
                    "sources": {},
                    "status": "archived",
                    "registered_at": start,
                    "issue_date": date(2010, 1, 1),
                    "retention_schedule": "sample-2011@1",
                }
                for n in range(MANY)
            ],
        )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    home = tmp_path_factory.mktemp("long") / "home"
    archive = sample_archive(make_settings(home))
    archive.add("secret-one", "Công văn", "V/v mật", 2020, access_level="secret")
    add_user(home, "thu", "records_officer", PASSWORD)
    add_user(home, "lan", "archivist", PASSWORD)
    add_user(home, "minh", "reader", PASSWORD)
    many_rows(home)
    with web_server(home) as url:
        yield url, home


@pytest.mark.parametrize(
    ("path", "rows"),
    [
        ("/audit", "audit"),
        ("/audit?page=1500", "audit"),
        ("/batches", "batches"),
        ("/retention/review", "review"),
        ("/retention/review?page=2001", "review"),
    ],
)
def test_a_long_list_comes_a_page_at_a_time(site: tuple[str, Path], path: str, rows: str) -> None:
    url, _ = site
    client = logged_in_client(url, "thu", PASSWORD)
    started = time.perf_counter()
    answer = client.get(f"{url}{path}")
    took = time.perf_counter() - started
    assert answer.status_code == 200
    tree = lxml.html.fromstring(answer.text)
    count = len(tree.xpath(f"//table[contains(@class, '{rows}')]/tbody/tr"))
    assert 1 <= count <= 50, (path, count)
    (pager,) = tree.xpath("//nav[@class='paging']")
    assert "Trang " in pager.text_content()
    print(f"{path}: {count} rows of {MANY}+ in {took * 1000:.0f} ms")


def test_the_audit_log_by_date_exported_in_vietnamese_without_formulas(
    site: tuple[str, Path],
) -> None:
    url, _ = site
    client = logged_in_client(url, "thu", PASSWORD)
    one_day = "from=2026-01-10&to=10/01/2026"
    page = client.get(f"{url}/audit?{one_day}")
    assert "Trang 1 / 20" in page.text  # a thousand entries a day, fifty a page
    exported = client.get(f"{url}/audit/export.csv?{one_day}&action=search")
    assert exported.status_code == 200
    assert exported.headers["content-disposition"].startswith('attachment; filename="')
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0] == ["Lúc", "Người dùng", "Hành động", "Đối tượng", "Từ địa chỉ"]
    assert len(rows) - 1 == 334  # the searches of that day
    assert {r[2] for r in rows[1:]} == {"Tra cứu"}
    assert all(r[0].startswith("10/01/2026") for r in rows[1:])
    assert all(r[3].startswith("'=HYPERLINK") for r in rows[1:])  # never a live formula
    book = client.get(f"{url}/audit/export.xlsx?{one_day}&action=search")
    sheet = load_workbook(io.BytesIO(book.content)).worksheets[0]
    assert sheet.max_row == 335
    assert {c.data_type for c in sheet["D"][1:]} == {"s"}


def test_denied_attempts_are_in_the_audit_log(site: tuple[str, Path]) -> None:
    url, home = site
    reader = logged_in_client(url, "minh", PASSWORD)
    assert reader.get(f"{url}/retention/review").status_code == 403
    assert reader.get(f"{url}/documents/secret-one").status_code == 404
    archivist = logged_in_client(url, "lan", PASSWORD)
    assert archivist.get(f"{url}/audit").status_code == 403
    log = AuditLog(Catalog(make_settings(home).database_url))
    denied = {(e.user, e.target) for e in log.entries(action="denied", limit=10)}
    assert ("minh", "/retention/review") in denied
    assert ("lan", "/audit") in denied
    assert ("minh", "secret-one /documents/secret-one") in denied
