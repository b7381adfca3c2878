"""Born-digital PDFs (văn bản điện tử) as e-office software exports them: their pages of
text are read from the PDF and never OCRed, their header described from that text; a page
that is a scan among them is OCRed; the original is archived byte for byte as the
authentic record, with a PDF/A access copy beside it unless it is PDF/A itself."""

import io
from collections.abc import Callable, Iterator
from pathlib import Path

import img2pdf
import pikepdf
import pypdfium2
import pytest

from archive_schema.identifiers import sha256_file
from archive_schema.models import Document
from ocr.convert import digital_to_pdfa
from pipelines.archive import Archive
from pipelines.ingest.runner import ingest
from pipelines.package.layout import METS_FILE, original_key, package_prefix
from pipelines.package.mets import listed_files
from pipelines.package.read import load_package
from samples.batch import render
from samples.corpus import document
from samples.electronic import electronic_pdf
from tests.conftest import make_settings

Validate = Callable[[list[Path]], dict[Path, str]]


def pdf_text(path: Path, number: int) -> str:
    with pypdfium2.PdfDocument(path) as pdf:
        return " ".join(pdf[number - 1].get_textpage().get_text_range().split())


@pytest.fixture(scope="module")
def archived(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Archive, Path]]:
    """Công văn 010 exported by e-office software; 004 exported with a scanned page of 016
    after it; 016 exported as PDF/A."""
    root = tmp_path_factory.mktemp("electronic")
    batch = root / "batch"
    batch.mkdir()
    (batch / "cv-010.pdf").write_bytes(electronic_pdf("010"))
    scan, _ = render("016", 300, "medium", 1)[0]
    buffer = io.BytesIO()
    scan.convert("L").save(buffer, "JPEG", quality=85, dpi=(300, 300))
    with (
        pikepdf.open(io.BytesIO(electronic_pdf("004"))) as mixed,
        pikepdf.open(io.BytesIO(img2pdf.convert(buffer.getvalue()))) as scanned,
    ):
        mixed.pages.extend(scanned.pages)
        mixed.save(batch / "cv-004-kem-ban-quet.pdf")
    (root / "cv-016.pdf").write_bytes(electronic_pdf("016"))
    digital_to_pdfa(root / "cv-016.pdf", batch / "cv-016-pdfa.pdf")
    archive = Archive(make_settings(root / "home"))
    report = ingest(batch, archive)
    assert report.ok, report.documents
    yield archive, batch
    archive.close()


def by_name(archive: Archive) -> dict[str, Document]:
    return {doc.source_name: doc for doc in archive.catalog.documents()}


def test_a_born_digital_pdf_is_read_from_its_own_text_and_kept_as_it_came(
    archived: tuple[Archive, Path], tmp_path: Path, verapdf: Validate
) -> None:
    archive, batch = archived
    doc = by_name(archive)["cv-010.pdf"]
    assert doc.confidence_level == "original electronic"
    assert " ".join(doc.pages[0].text.split()) == pdf_text(batch / "cv-010.pdf", 1)
    assert doc.pages[0].confidence == 100 and not doc.pages[0].needs_review
    truth = document("010").truth
    assert (doc.number_symbol, doc.doc_type) == (truth["number_symbol"], "Công văn")
    assert str(doc.issue_date) == truth["issue_date"]
    ocr = next(e.detail for e in archive.catalog.events(doc.id) if e.stage == "ocr")
    assert "read from the PDF's own text" in ocr
    [original] = doc.originals
    assert original.sha256 == sha256_file(batch / "cv-010.pdf")  # the authentic record
    with archive.store.open(original_key(doc.id, original.name)) as kept:
        assert kept.read() == (batch / "cv-010.pdf").read_bytes()
    copy = tmp_path / "copy.pdf"
    pdfa = next(f for f in doc.files if f.role == "pdfa")
    assert pdfa.key != original_key(doc.id, original.name)
    copy.write_bytes(archive.store.open(pdfa.key).read())
    assert verapdf([copy]) == {copy: "PASS"}  # made PDF/A without its action on opening


def test_a_scanned_page_among_pages_of_text_is_ocred_and_only_it(
    archived: tuple[Archive, Path],
) -> None:
    archive, batch = archived
    doc = by_name(archive)["cv-004-kem-ban-quet.pdf"]
    assert doc.confidence_level == "original electronic" and doc.page_count == 2
    text, scanned = doc.pages
    assert " ".join(text.text.split()) == pdf_text(batch / "cv-004-kem-ban-quet.pdf", 1)
    assert text.confidence == 100
    assert "3397" in scanned.text and scanned.confidence < 100  # read by OCR
    assert doc.number_symbol == document("004").truth["number_symbol"]


def test_a_pdfa_original_is_its_own_access_copy(archived: tuple[Archive, Path]) -> None:
    archive, batch = archived
    doc = by_name(archive)["cv-016-pdfa.pdf"]
    [original] = doc.originals
    pdfa = next(f for f in doc.files if f.role == "pdfa")
    assert pdfa.key == original_key(doc.id, original.name)  # no copy made, nothing altered
    assert original.sha256 == sha256_file(batch / "cv-016-pdfa.pdf")
    assert load_package(archive.store, doc.id) is not None  # every file against its METS
    mets = archive.store.open(package_prefix(doc.id) + METS_FILE).read()
    assert [f.path for f in listed_files(mets)].count(
        f"representations/original/data/{original.name}"
    ) == 1
    assert doc.number_symbol == document("016").truth["number_symbol"]
