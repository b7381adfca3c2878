"""End to end: a generated batch of corpus documents through every stage, real components."""

import json
import os
from collections.abc import Callable
from pathlib import Path

import pikepdf

from archive_schema.catalog import Catalog
from archive_schema.identifiers import sha256_stream
from archive_schema.models import Document
from archive_schema.vietnamese import fold
from archive_schema.vocab import cleared_for
from indexing import open_search
from indexing.base import SearchQuery
from pipelines.archive import Archive
from pipelines.ingest import worker
from pipelines.ingest.report import Outcome
from pipelines.ingest.runner import _workers, ingest
from pipelines.package.layout import RECORD, original_key, package_prefix
from pipelines.package.read import package_files
from pipelines.package.xmp import NAMESPACE
from pipelines.settings import Settings
from tests.conftest import Ingested, sohoa


def archived(ingested: Ingested) -> dict[str, Document]:
    """Archived documents by their name in the batch."""
    return {doc.source_name: doc for doc in Catalog(ingested.settings.database_url).documents()}


def test_ocr_workers_yield_the_processor_to_readers() -> None:
    """The pool's workers (and their tesseract) run at a lower priority than `sohoa serve`,
    so that a batch being archived does not slow readers' searches on the same machine."""
    pool = _workers(Settings(home=Path("unused"), workers=1))
    with pool:
        assert pool.submit(os.nice, 0).result() == worker.NICENESS == 10


def test_every_document_is_archived(ingested: Ingested) -> None:
    report = ingested.report
    assert report.ok, report.model_dump_json(indent=2)
    assert [d.status for d in report.documents] == [Outcome.ARCHIVED] * 5
    assert sum(d.pages for d in report.documents) == ingested.batch.page_count == 6


def test_metadata_read_from_the_scans_matches_ground_truth(ingested: Ingested) -> None:
    docs = archived(ingested)
    for sample in ingested.batch.documents:
        doc, truth = docs[sample.name], sample.truth
        assert (doc.doc_type, doc.number_symbol, str(doc.issue_date)) == (
            truth["doc_type"],
            truth["number_symbol"],
            truth["issue_date"],
        ), sample.name
        assert doc.sources["number_symbol"] == "ocr"
        assert doc.sources["dossier_code"] == "manifest"  # the manifest's archival context
        read = {field for field, source in doc.sources.items() if source == "ocr"}
        assert set(doc.field_confidence) == read  # how far each can be trusted, for review
        assert all(0 <= confidence <= 100 for confidence in doc.field_confidence.values())


def test_records_are_classified_and_coded(ingested: Ingested) -> None:
    docs = archived(ingested)
    decision = docs["002.tif"]
    assert decision.code == "H32.1998.01.TH.001"
    assert decision.retention is not None and (
        decision.retention.row,
        decision.retention.permanent,
    ) == ("1.2", True)
    planning = docs["004"].retention
    assert planning is not None and (planning.years, str(planning.review_from)) == (5, "2008-01-01")


def test_accentless_query_finds_the_right_document_first(ingested: Ingested) -> None:
    search = open_search(ingested.settings.search_url)
    for sample in ingested.batch.documents:
        words = fold(str(sample.truth["subject"])).replace("v/v", "").split()[:6]
        hits = search.search(SearchQuery(" ".join(words), cleared_for("secret"))).hits
        assert hits and archived(ingested)[sample.name].id == hits[0].document_id, (
            sample.name,
            words,
        )
    search.close()


def test_every_pdf_is_valid_pdfa_2b_with_the_record_in_xmp(
    ingested: Ingested, verapdf: Callable[[list[Path]], dict[Path, str]]
) -> None:
    root = Path(ingested.settings.home / "archive")
    pdfs = sorted(root.glob("records/*/representations/pdfa/data/*.pdf"))
    assert len(pdfs) == 5
    assert set(verapdf(pdfs).values()) == {"PASS"}
    docs = {doc.id: doc for doc in archived(ingested).values()}
    for pdf_path in pdfs:
        doc = docs[pdf_path.parents[3].name]  # records/<id>/representations/pdfa/data/
        with pikepdf.open(pdf_path) as pdf:
            meta = pdf.open_metadata()
            assert meta["dc:title"] == doc.subject
            assert meta[f"{{{NAMESPACE}}}numberSymbol"] == doc.number_symbol
            assert meta[f"{{{NAMESPACE}}}documentId"] == doc.id


def test_package_holds_verified_originals_text_and_metadata(ingested: Ingested) -> None:
    store = Archive(ingested.settings).store
    for sample in ingested.batch.documents:
        doc = archived(ingested)[sample.name]
        prefix = package_prefix(doc.id)
        listed = package_files(store, doc.id)
        for f in listed:
            with store.open(f.path) as data:
                assert sha256_stream(data) == f.sha256
        names = {f.path.removeprefix(prefix) for f in listed}
        pages = range(1, doc.page_count + 1)
        assert {f"representations/text/data/page-{n:04d}.txt" for n in pages} <= names
        for original in doc.originals:
            with store.open(original_key(doc.id, original.name)) as data:
                assert data.read() == (ingested.batch.path / original.name).read_bytes()
        with store.open(prefix + RECORD) as data:
            assert Document.model_validate_json(data.read()).number_symbol == doc.number_symbol


def test_ingesting_again_adds_nothing(ingested: Ingested) -> None:
    store_keys = set(Archive(ingested.settings).store.keys("records/"))
    again = ingest(ingested.batch.path, Archive(ingested.settings))
    assert again.ok
    assert [d.status for d in again.documents] == [Outcome.ALREADY_ARCHIVED] * 5
    assert set(Archive(ingested.settings).store.keys("records/")) == store_keys
    assert len(archived(ingested)) == 5


def test_cli_search_and_export(ingested: Ingested) -> None:
    found = sohoa(ingested.settings.home, "search", "gia ban xi mang", "--json")
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["hits"][0]["number_symbol"] == "11/1998/QĐ .UB"
    exported = sohoa(ingested.settings.home, "export", "--jsonl")
    records = [json.loads(line) for line in exported.stdout.splitlines()]
    assert len(records) == 5
    assert {
        "id",
        "doc_type",
        "number_symbol",
        "issue_date",
        "pages",
        "text",
        "retention",
        "sources",
    } <= set(records[0])
    assert [r["issue_date"] for r in records] == sorted(r["issue_date"] for r in records)
