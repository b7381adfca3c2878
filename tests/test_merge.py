"""Merge on records OCRed for real: a two-page letter scanned as two files joined into one
record, its package whole (checksums, METS, a PDF/A veraPDF passes), its second page found
by search under it; the other record out of search, kept merged in catalog and store, and
still merged after a rebuild; what cannot be merged is refused, nothing changed."""

import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from lxml import etree

from archive_schema.claims import BUSY, Claims, changing
from archive_schema.errors import UserError
from archive_schema.models import Status
from indexing.base import SearchQuery
from pipelines.archive import Archive
from pipelines.corrections import checking, correct
from pipelines.ingest.runner import ingest
from pipelines.merge import merge
from pipelines.package.layout import METS_FILE, package_prefix
from pipelines.package.read import load_package
from pipelines.split import split
from pipelines.upkeep.fixity import audit_fixity
from pipelines.upkeep.rebuild import rebuild
from samples.batch import render
from tests.conftest import make_settings
from tests.records_archive import EVERYONE


@pytest.fixture
def separated(tmp_path: Path) -> Iterator[tuple[Archive, dict[str, str]]]:
    """Letter 010's two pages scanned as two files, beside letter 004: three records."""
    batch = tmp_path / "batch"
    batch.mkdir()
    first, second = (image for image, _ in render("010", 200, "clean", 3))
    first.save(batch / "cv-010-a.png", dpi=(200, 200))
    second.save(batch / "cv-010-b.png", dpi=(200, 200))
    next(image for image, _ in render("004", 200, "clean", 3)).save(batch / "cv-004.png")
    archive = Archive(make_settings(tmp_path / "home"))
    entries = ingest(batch, archive).documents
    ids = {Path(e.name).stem: e.id for e in entries if e.id}
    assert sorted(ids) == ["cv-004", "cv-010-a", "cv-010-b"]
    yield archive, ids
    archive.close()


def test_two_records_of_one_letter_merged_are_one_whole_record(
    separated: tuple[Archive, dict[str, str]],
    tmp_path: Path,
    mets_schema: etree.XMLSchema,
    verapdf: Callable[[list[Path]], dict[Path, str]],
) -> None:
    archive, ids = separated
    head, tail = ids["cv-010-a"], ids["cv-010-b"]
    [before] = archive.catalog.documents(ids=[tail])
    words = " ".join(before.pages[0].text.split()[3:9])
    merged = merge(archive, [head, tail], "lan", "127.0.0.1")
    [doc] = archive.catalog.documents(ids=[head])
    assert doc.page_count == 2 and [p.number for p in doc.pages] == [1, 2]
    assert doc.pages[1].text == before.pages[0].text
    assert [o.name for o in doc.originals] == ["cv-010-a.png", "cv-010-b.png"]
    assert doc.number_symbol == merged.number_symbol == "6087/BYT-KCB"
    assert archive.catalog.status(tail) == Status.MERGED
    kept = load_package(archive.store, head)  # every file against its METS checksum
    assert kept is not None and kept.page_count == 2
    for record in (head, tail):
        mets_schema.assertValid(etree.parse(archive.store.open(package_prefix(record) + METS_FILE)))
    absorbed = load_package(archive.store, tail)
    assert absorbed is not None and absorbed.status == Status.MERGED
    pdf = tmp_path / "merged.pdf"
    pdf.write_bytes(archive.store.open(next(f.key for f in doc.files if f.role == "pdfa")).read())
    assert "PASS" in verapdf([pdf])[pdf]
    hits = archive.search.search(SearchQuery(text=words, access_levels=EVERYONE)).hits
    assert [hit.document_id for hit in hits] == [head]
    assert checking(archive).merged_into(tail) == head
    assert [(c.field, c.new) for c in checking(archive).history(head)] == [
        ("merge", {"from": [tail]})
    ]
    assert [e.stage for e in archive.catalog.events(tail)][-1] == "merge"
    assert audit_fixity(archive).checked > 0  # the merged record's package is checked too


def test_a_merged_record_stays_merged_when_the_catalog_is_rebuilt(
    separated: tuple[Archive, dict[str, str]],
) -> None:
    archive, ids = separated
    merge(archive, [ids["cv-010-a"], ids["cv-010-b"]], "lan", "")
    settings = archive.settings
    archive.close()
    for lost in [*settings.home.glob("catalog.db*"), *settings.home.glob("search.db*")]:
        lost.unlink()
    again = Archive(settings)
    try:
        assert rebuild(again).restored == 3
        assert again.catalog.status(ids["cv-010-b"]) == Status.MERGED
        assert again.catalog.document_ids() == {ids["cv-010-a"], ids["cv-004"]}
        [head] = again.catalog.documents(ids=[ids["cv-010-a"]])
        assert head.page_count == 2
    finally:
        again.close()


def test_the_parts_of_a_split_merged_again_keep_their_scan_once(
    separated: tuple[Archive, dict[str, str]],
) -> None:
    archive, ids = separated
    record = merge(archive, [ids["cv-010-a"], ids["cv-010-b"]], "lan", "").id
    [part] = split(archive, record, [2], "lan", "")
    merge(archive, [record, part], "lan", "")
    [doc] = archive.catalog.documents(ids=[record])
    assert doc.page_count == 2
    assert [o.name for o in doc.originals] == ["cv-010-a.png", "cv-010-b.png"]


@pytest.mark.parametrize(
    ("chosen", "said"),
    [
        (["cv-010-a"], "ít nhất hai văn bản khác nhau"),
        (["cv-010-a", "cv-010-a"], "ít nhất hai văn bản khác nhau"),
        (["cv-010-a", "nothing"], "không còn trong kho"),
    ],
)
def test_what_cannot_be_merged_is_refused_and_nothing_changes(
    separated: tuple[Archive, dict[str, str]], chosen: list[str], said: str
) -> None:
    archive, ids = separated
    with pytest.raises(UserError) as refused:
        merge(archive, [ids.get(name, "0" * 32) for name in chosen], "lan", "")
    assert refused.value.vi is not None and said in refused.value.vi
    assert archive.catalog.document_ids() == set(ids.values())
    assert all(d.page_count == 1 for d in archive.catalog.documents())


def test_records_of_two_batches_are_not_merged(
    separated: tuple[Archive, dict[str, str]], tmp_path: Path
) -> None:
    archive, ids = separated
    other = tmp_path / "other"
    other.mkdir()
    next(image for image, _ in render("016", 200, "clean", 3)).save(other / "cv-016.png")
    [entry] = ingest(other, archive).documents
    assert entry.id
    with pytest.raises(UserError) as refused:
        merge(archive, [ids["cv-004"], entry.id], "lan", "")
    assert refused.value.vi is not None and "cùng một lô" in refused.value.vi
    assert archive.catalog.status(entry.id) == Status.ARCHIVED


def test_records_another_act_is_changing_are_not_merged_until_it_is_done(
    separated: tuple[Archive, dict[str, str]],
) -> None:
    """A re-scan, split or correction under way holds its record: a merge of it at the same
    time, from this process or another, is refused and changes nothing; a hold left by a
    process that died does not count."""
    archive, ids = separated
    head, tail = ids["cv-010-a"], ids["cv-010-b"]
    with changing(archive.catalog, [tail]):
        with pytest.raises(UserError) as refused:
            merge(archive, [head, tail], "lan", "")
        assert refused.value.vi == BUSY
        assert archive.catalog.status(tail) == Status.ARCHIVED
        with pytest.raises(UserError):
            correct(archive, tail, 0, {"subject": "Sửa cùng lúc"}, "lan", "")
    dead = Claims(archive.catalog, f"{socket.gethostname()}:{2**22 + 7}#rescan")
    assert dead.take([tail]) == {tail}  # no process has that pid: its hold does not count
    merge(archive, [head, tail], "lan", "")
    assert archive.catalog.status(tail) == Status.MERGED
