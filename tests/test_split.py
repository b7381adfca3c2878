"""Split on a record OCRed for real: one TIFF of three letters cut into three records, each
described from its own header, its package whole (checksums, METS, a PDF/A veraPDF passes)
and found by search; a cut at a page that does not exist is refused, nothing changed."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from lxml import etree

from archive_schema.errors import UserError
from indexing.base import SearchQuery
from pipelines.archive import Archive
from pipelines.corrections import checking
from pipelines.ingest.runner import ingest
from pipelines.package.layout import METS_FILE, package_prefix
from pipelines.package.read import load_package
from pipelines.split import split
from samples.batch import render
from tests.conftest import make_settings
from tests.records_archive import EVERYONE


@pytest.fixture
def three_letters(tmp_path: Path) -> Iterator[tuple[Archive, str]]:
    """One TIFF of four pages: letters 004 (one page), 016 (one) and 010 (two)."""
    pages = [
        image
        for corpus_id in ("004", "016", "010")
        for image, _ in render(corpus_id, 200, "clean", 3)
    ]
    batch = tmp_path / "batch"
    batch.mkdir()
    pages[0].save(
        batch / "hop-3-van-ban.tif", save_all=True, append_images=pages[1:], dpi=(200, 200)
    )
    archive = Archive(make_settings(tmp_path / "home"))
    [entry] = ingest(batch, archive).documents
    assert entry.id and entry.pages == 4
    yield archive, entry.id
    archive.close()


def test_a_file_of_three_letters_split_gives_three_records_each_whole(
    three_letters: tuple[Archive, str],
    tmp_path: Path,
    mets_schema: etree.XMLSchema,
    verapdf: Callable[[list[Path]], dict[Path, str]],
) -> None:
    archive, record = three_letters
    parts = split(archive, record, [3, 2], "lan", "")
    assert len(parts) == 2
    docs = {d.id: d for d in archive.catalog.documents(ids=[record, *parts])}
    assert [docs[i].page_count for i in (record, *parts)] == [1, 1, 2]
    assert docs[parts[0]].number_symbol == "3397/BKHĐT-QLKTTW"
    assert docs[parts[1]].number_symbol == "6087/BYT-KCB"
    assert docs[parts[1]].pages[0].number == 1 and "Kính gửi" in docs[parts[1]].pages[0].text
    for part in (record, *parts):
        kept = load_package(archive.store, part)  # every file against its METS checksum
        assert kept is not None and kept.originals == docs[record].originals
        mets_schema.assertValid(etree.parse(archive.store.open(package_prefix(part) + METS_FILE)))
    pdf = tmp_path / "part.pdf"
    pdfa = next(f.key for f in docs[parts[1]].files if f.role == "pdfa")
    pdf.write_bytes(archive.store.open(pdfa).read())
    assert "PASS" in verapdf([pdf])[pdf]
    query = SearchQuery(text="tong cong ty khi viet nam", access_levels=EVERYONE)
    assert [hit.document_id for hit in archive.search.search(query).hits] == [parts[0]]
    history = checking(archive).history(parts[0])
    assert [(c.field, c.new) for c in history] == [("split", {"from": record, "at": [2, 3]})]


@pytest.mark.parametrize("at", [[1], [5], [2, 9]])
def test_a_split_at_a_page_that_is_not_there_is_refused(
    three_letters: tuple[Archive, str], at: list[int]
) -> None:
    archive, record = three_letters
    with pytest.raises(UserError) as refused:
        split(archive, record, at, "lan", "")
    assert refused.value.vi is not None and refused.value.vi.startswith("Tách tại trang")
    assert "văn bản có 4 trang" in refused.value.vi
    assert next(archive.catalog.documents(ids=[record])).page_count == 4
    assert len(list(archive.catalog.documents())) == 1
