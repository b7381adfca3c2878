"""A box scanned in one go, a blank sheet between each two documents, cut at its blank pages
when the batch or its manifest asks: each document archived on its own from its own pages,
described from its own header, the file kept whole beside each; the blank pages in none;
a second run adds nothing. Without the choice, the file stays one document."""

from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from archive_schema.vocab import cleared_for
from indexing.base import SearchQuery
from pipelines.archive import Archive
from pipelines.ingest.intake import intake
from pipelines.ingest.report import Outcome
from pipelines.ingest.runner import ingest
from samples.batch import SampleBatch, write_separated
from tests.conftest import make_settings

ROWS = {"1.2"}


@pytest.fixture(scope="module")
def box(tmp_path_factory: pytest.TempPathFactory) -> SampleBatch:
    """Công văn 004 (one page), the back of a printed sheet, công văn 010 (two pages)."""
    root = tmp_path_factory.mktemp("box")
    return write_separated(root / "hop", ["004", "010"], dpi=300, condition="medium", sheet="back")


def test_a_box_cut_at_its_blank_page_is_archived_as_its_documents(
    box: SampleBatch, tmp_path: Path
) -> None:
    with Archive(make_settings(tmp_path / "home")) as archive:
        report = ingest(box.path, archive, split_at_blank=True)
        assert report.ok, report.documents
        name = box.documents[0].name
        assert [(d.name, d.status, d.pages) for d in report.documents] == [
            (f"{name} (trang 1-1)", Outcome.ARCHIVED, 1),
            (f"{name} (trang 3-4)", Outcome.ARCHIVED, 2),
        ]
        assert report.warnings == [f"{name}: cut at blank pages 2 into 2 documents"]
        docs = {d.source_name: d for d in archive.catalog.documents()}
        first, second = docs[f"{name} (trang 1-1)"], docs[f"{name} (trang 3-4)"]
        for doc, sample in ((first, box.documents[0]), (second, box.documents[1])):
            assert doc.number_symbol == sample.truth["number_symbol"]
            assert [o.name for o in doc.originals] == [name] and doc.originals[0].pages == 4
            pdfa = next(f for f in doc.files if f.role == "pdfa")
            with archive.store.open(pdfa.key) as data, pikepdf.open(data) as pdf:
                assert len(pdf.pages) == doc.page_count
        assert second.pages[1].text.split()[:3] != first.pages[0].text.split()[:3]
        words = " ".join(str(box.documents[1].truth["subject"]).split()[2:7])
        found = archive.search.search(SearchQuery(words, cleared_for("secret"), limit=3))
        assert found.hits and found.hits[0].document_id == second.id

        again = ingest(box.path, archive, split_at_blank=True)
        assert {d.status for d in again.documents} == {Outcome.ALREADY_ARCHIVED}
        assert len(list(archive.catalog.documents())) == 2


def test_without_the_choice_the_box_is_one_document(box: SampleBatch, tmp_path: Path) -> None:
    received = intake(box.path, tmp_path / "work", ROWS)
    assert [(d.name, d.pages, d.page_count) for d in received.documents] == [
        (box.documents[0].name, (), 4)
    ]


def test_the_manifest_row_decides_for_its_file(box: SampleBatch, tmp_path: Path) -> None:
    name = box.documents[0].name
    manifest = box.path / "manifest.csv"
    try:
        manifest.write_text(
            f"Tệp,Tách tại trang trắng,Mã hồ sơ,Trích yếu\n{name},có,H32.2013.01,Hộp 4\n",
            encoding="utf-8",
        )
        cut = intake(box.path, tmp_path / "one", ROWS)
        assert [d.pages for d in cut.documents] == [(1,), (3, 4)]
        assert len({d.id for d in cut.documents}) == 2
        # the box's context goes to each document; what one document says of itself, to none
        assert [d.manifest for d in cut.documents] == [{"dossier_code": "H32.2013.01"}] * 2

        manifest.write_text(f"file,split_at_blank\n{name},không\n", encoding="utf-8")
        whole = intake(box.path, tmp_path / "two", ROWS, split_at_blank=True)
        assert [d.pages for d in whole.documents] == [()]

        manifest.write_text(f"file,split_at_blank\n{name},có lẽ\n", encoding="utf-8")
        wrong = intake(box.path, tmp_path / "three", ROWS)
        assert [r.reason_vi for r in wrong.rejected] == [
            "manifest.csv dòng 2, cột Tách tại trang trắng: 'có lẽ' không phải có hay không;"
            " hãy ghi có hoặc không"
        ]
    finally:
        manifest.unlink()


def test_a_file_of_blank_pages_only_is_kept_whole(tmp_path: Path) -> None:
    batch = tmp_path / "trang"
    batch.mkdir()
    sheet = Image.new("L", (1240, 1754), 255)
    sheet.save(batch / "trang.tif", save_all=True, append_images=[sheet], dpi=(150, 150))
    received = intake(batch, tmp_path / "work", ROWS, split_at_blank=True)
    assert [(d.name, d.pages) for d in received.documents] == [("trang.tif", ())]
    assert [w.vi for w in received.warnings] == [
        "trang.tif: mọi trang đều trắng; lưu trữ nguyên tệp, không tách"
    ]
