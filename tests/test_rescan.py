"""Re-scan on a record OCRed for real: a page replaced, then the whole record; the replaced
scans stay in the package, every file matches its METS checksum, the record goes back to the
queue; a scan that is not one, or does not fit, is refused naming it, with nothing changed."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from archive_schema.errors import UserError
from indexing.base import SearchQuery
from pipelines.archive import Archive
from pipelines.corrections import checking, correct
from pipelines.ingest.runner import ingest
from pipelines.package.layout import METS_FILE, original_key, package_prefix
from pipelines.package.read import load_package
from pipelines.rescan import rescan
from samples.batch import render, write_batch
from tests.conftest import make_settings
from tests.records_archive import EVERYONE


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[tuple[Archive, str]]:
    batch = write_batch(tmp_path / "batch", ["010"], dpi=200, condition="clean", seed=2)
    archive = Archive(make_settings(tmp_path / "home"))
    [entry] = ingest(batch.path, archive).documents
    assert entry.id and entry.pages == 2
    yield archive, entry.id
    archive.close()


def scan_of(path: Path, corpus_id: str, page: int) -> Path:
    image, _ = render(corpus_id, 200, "medium", seed=9)[page - 1]
    image.save(path, dpi=(200, 200))
    return path


def test_a_page_then_the_whole_record_rescanned_keep_every_scan_and_their_checksums(
    archive: tuple[Archive, str], tmp_path: Path, mets_schema: etree.XMLSchema
) -> None:
    found, record = archive
    before = next(found.catalog.documents(ids=[record]))
    correct(found, record, checking(found).revision(record), {}, "lan", "")  # checked

    page = rescan(found, record, scan_of(tmp_path / "p2.png", "010", 2), "trang 2.png", 2, "lan")
    assert page.page_count == 2 and len(page.originals) == 2 and page.superseded == []
    assert page.originals[0] == before.originals[0]
    assert page.originals[1].name.endswith("/trang_2.png")
    assert "Bộ trưởng" in page.pages[1].text or "BỘ TRƯỞNG" in page.pages[1].text
    assert record in {line.id for line in checking(found).queue(None, 1, EVERYONE).items}

    whole = rescan(found, record, scan_of(tmp_path / "p1.jpg", "016", 1), "moi.jpg", None, "lan")
    assert whole.page_count == 1 and [o.name for o in whole.superseded] == [
        o.name for o in page.originals
    ]
    kept = load_package(found.store, record)  # every file against the METS's checksum
    assert kept is not None and kept.page_count == 1
    for scan in [*whole.originals, *whole.superseded]:
        assert found.store.exists(original_key(record, scan.name))
    mets = etree.parse(found.store.open(package_prefix(record) + METS_FILE))
    mets_schema.assertValid(mets)
    listed = {href.split("/", 3)[-1] for href in mets.xpath("//@xlink:href", namespaces=XLINK)}
    assert {s.name for s in whole.superseded} <= {path.rsplit("data/", 1)[-1] for path in listed}
    stages = [e.stage for e in found.catalog.events(record)]
    assert stages.count("rescan") == 2
    scans = [(c.field, c.page, c.new) for c in checking(found).history(record)]
    assert scans == [
        ("scan", 2, {"scan": page.originals[1].name, "pages": 1}),
        ("scan", None, {"scan": whole.originals[0].name, "pages": 1}),
    ]
    assert checking(found).figures(whole.batch_id).pages_rescanned == 2
    query = SearchQuery(text="tong cong ty khi viet nam", access_levels=EVERYONE)
    assert [hit.document_id for hit in found.search.search(query).hits] == [record]
    assert next(found.catalog.documents(ids=[record])).pdf_sha256 != before.pdf_sha256


XLINK = {"xlink": "http://www.w3.org/1999/xlink"}


@pytest.mark.parametrize(
    ("name", "content", "page", "said"),
    [
        ("ghi-chu.jpg", b"not an image at all", 1, "ghi-chu.jpg: không phải ảnh quét"),
        ("trang.png", None, 5, "Tài liệu này không có trang 5."),
        ("ca-bo.tif", "two pages", 1, "ca-bo.tif: quét lại một trang cần đúng một ảnh"),
    ],
)
def test_a_rescan_that_is_no_scan_or_does_not_fit_is_refused_and_nothing_changes(
    archive: tuple[Archive, str],
    tmp_path: Path,
    name: str,
    content: bytes | str | None,
    page: int,
    said: str,
) -> None:
    found, record = archive
    path = tmp_path / name
    if content is None:
        scan_of(path, "010", 1)
    elif content == "two pages":
        first, second = (image for image, _ in render("010", 200, "clean", seed=1))
        first.save(path, save_all=True, append_images=[second], dpi=(200, 200))
    else:
        assert isinstance(content, bytes)
        path.write_bytes(content)
    revision = checking(found).revision(record)
    with pytest.raises(UserError) as refused:
        rescan(found, record, path, name, page, "lan")
    assert refused.value.vi is not None and refused.value.vi.startswith(said)
    assert checking(found).revision(record) == revision
    assert "rescan" not in [e.stage for e in found.catalog.events(record)]
