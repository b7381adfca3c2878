"""The stages one by one: describe, classify, package (and reading a package back), ocr."""

from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from archive_schema.identifiers import sha256_file
from archive_schema.models import Document, OriginalFile, Page, Source
from archive_schema.schedule_files import sample_schedule
from ocr.layout import PageLayout, read_page
from pipelines.ingest.intake import DocumentSource
from pipelines.ingest.stages.classify import classify
from pipelines.ingest.stages.describe import describe
from pipelines.ingest.stages.ocr import ocr
from pipelines.package.read import load_package
from pipelines.package.write import package
from pipelines.store import Lock, StoreError, open_store
from tests.bad_files import pdf_bytes
from tests.conftest import make_settings
from tests.layout_builder import HEIGHT, LEFT_COLUMN, WIDTH, centred, header_rows


def header_page(number_symbol: str, date_line: str, mark: str | None = None) -> PageLayout:
    lines = [
        *header_rows(["ỦY BAN NHÂN DÂN"], number_symbol, date_line),
        centred("V/v cấp giấy phép", LEFT_COLUMN, 465),
    ]
    if mark:
        lines.append(centred(mark, LEFT_COLUMN, 530))
    return read_page(1, WIDTH, HEIGHT, 300, lines)


def original(name: str) -> OriginalFile:
    return OriginalFile(name=name, sha256="0" * 64, size=1, media_type="image/png", pages=1)


def new_document() -> Document:
    return Document(id="d", batch_id="b", source_name="a.tif")


def test_describe_manifest_wins_and_every_field_says_where_it_came_from() -> None:
    doc = new_document()
    page = header_page("12/UBND-VX", "Hà Nội, ngày 5 tháng 3 năm 2021")
    manifest = {"number_symbol": "13/UBND-VX", "dossier_code": "G09.2021.01.001", "ordinal": 4}
    describe(doc, [page], manifest)
    assert (doc.number_symbol, doc.number, doc.notation) == ("13/UBND-VX", "13", "UBND-VX")
    assert (doc.doc_type, doc.issue_date, doc.code) == (
        "Công văn",
        date(2021, 3, 5),
        "G09.2021.01.001.004",
    )
    assert doc.sources == {
        "number_symbol": Source.MANIFEST,
        "dossier_code": Source.MANIFEST,
        "ordinal": Source.MANIFEST,
        "number": Source.DERIVED,
        "notation": Source.DERIVED,
        "code": Source.DERIVED,
        "doc_type": Source.OCR,
        "issue_date": Source.OCR,
        "place": Source.OCR,
        "issuing_agency": Source.OCR,
        "subject": Source.OCR,
    }
    assert doc.events[-1].stage == "describe"


def test_describe_secret_mark_closes_access_and_future_date_is_dropped() -> None:
    doc = new_document()
    describe(doc, [header_page("1/UBND-VP", "Huế, ngày 1 tháng 1 năm 2999", mark="MẬT")], {})
    assert (doc.secrecy, doc.access_level, doc.sources["access_level"]) == (
        "MẬT",
        "secret",
        Source.DERIVED,
    )
    assert doc.issue_date is None
    assert "issue date 2999-01-01 read by OCR is implausible" in doc.events[-1].detail


def test_classify_counts_from_the_dossier_end_year_and_reports_unclassified() -> None:
    doc = new_document()
    doc.doc_type, doc.subject, doc.issue_date, doc.dossier_end_year = (
        "Công văn",
        "V/v treo cờ",
        date(2006, 2, 22),
        2008,
    )
    classify(doc, sample_schedule())
    assert doc.retention is not None and doc.retention.review_from == date(
        2019, 1, 1
    )  # 2008 + 10 + 1
    stranger = new_document()
    stranger.doc_type = "Giấy mời"
    classify(stranger, sample_schedule())
    assert stranger.retention is not None and stranger.retention.status == "unclassified"
    assert "a records officer must assign one" in stranger.events[-1].detail


def test_package_is_verified_and_a_damaged_one_is_refused(tmp_path: Path) -> None:
    scan = tmp_path / "a.png"
    Image.new("RGB", (50, 50), "white").save(scan)
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(pdf_bytes())
    scanned = original("a.png").model_copy(
        update={"sha256": sha256_file(scan), "size": scan.stat().st_size}
    )
    source = DocumentSource(name="a.png", id="d", files=(scan,), originals=(scanned,))
    doc = new_document()
    doc.pages = [Page(number=1, text="Trang một", confidence=90)]
    store = open_store((tmp_path / "archive").as_uri())
    layout = read_page(1, 50, 50, 300, [])
    package(
        doc, list(zip(source.files, source.originals, strict=True)), pdf, [layout], store, Lock()
    )
    assert load_package(store, "d") == doc
    assert sorted(store.keys("records/d/")) == [
        "records/d/METS.xml",
        "records/d/documentation/README.txt",
        "records/d/metadata/descriptive/dc.xml",
        "records/d/metadata/descriptive/record.json",
        "records/d/metadata/preservation/premis.xml",
        "records/d/representations/original/data/a.png",
        "records/d/representations/pdfa/data/d.pdf",
        "records/d/representations/text/data/page-0001.layout.json",
        "records/d/representations/text/data/page-0001.txt",
        "records/d/schemas/record.schema.json",
    ]
    store.put("records/d/representations/text/data/page-0001.txt", b"altered")
    with pytest.raises(StoreError, match="does not match its checksum"):
        load_package(store, "d")
    assert load_package(store, "other") is None


def test_ocr_flags_a_blank_page_for_review(tmp_path: Path) -> None:
    blank = tmp_path / "blank.png"
    Image.new("RGB", (1654, 2339), "white").save(blank, dpi=(200, 200))
    source = DocumentSource(
        name="blank.png", id="d", files=(blank,), originals=(original("blank.png"),)
    )
    doc = new_document()
    ocr(doc, source, tmp_path / "out.pdf", make_settings(tmp_path / "home"))
    assert [(p.text, p.needs_review) for p in doc.pages] == [("", True)]
    assert "page 1 need review" in doc.events[-1].detail
