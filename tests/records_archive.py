"""A small archive for the records office's tests: records archived straight into a real
catalog, store and search index (no OCR), as ingest leaves them."""

import hashlib
from datetime import date
from typing import Any

from fpdf import FPDF

import pipelines.archive
from archive_schema.models import Document, Event, Page, StoredFile
from archive_schema.schedules import Schedules
from indexing.base import SearchQuery
from pipelines.package.layout import package_prefix
from pipelines.package.locks import record_lock
from pipelines.package.write import describe_package
from pipelines.settings import Settings

EVERYONE = frozenset({"public", "internal", "restricted", "secret"})


class Archive(pipelines.archive.Archive):
    """A few archived records, each with its package in the store and its index entry."""

    def __init__(self, settings: Settings):
        super().__init__(settings)
        self.version = Schedules(self.catalog).current()

    def add(
        self,
        doc_id: str,
        doc_type: str,
        subject: str,
        year: int | None,
        access_level: str = "internal",
        pages: int = 1,
        flagged: bool = False,
        **fields: Any,
    ) -> str:
        doc = Document(
            id=doc_id,
            batch_id="b1",
            source_name=f"{doc_id}.tif",
            doc_type=doc_type,
            subject=subject,
            issue_date=date(year, 5, 1) if year else None,
            access_level=access_level,
            pages=[
                Page(number=n, text=f"{subject} trang {n}", confidence=90, needs_review=flagged)
                for n in range(1, pages + 1)
            ],
            **fields,
        )
        doc.retention = self.version.schedule.classify(doc, year)
        pdf = f"{package_prefix(doc_id)}representations/pdfa/data/{doc_id}.pdf"
        content = pdf_of(doc)
        lock = record_lock(doc, self.settings.object_lock_permanent_years)
        self.store.put(pdf, content, lock)
        sha256 = hashlib.sha256(content).hexdigest()
        doc.files = [
            StoredFile(
                role="pdfa", key=pdf, sha256=sha256, size=len(content), media_type="application/pdf"
            )
        ]
        doc.package = package_prefix(doc_id)
        doc.record("package", "ok", "written by the test")
        describe_package(self.store, doc, doc.events, lock)
        if not self.catalog.batches(["b1"]):
            self.catalog.start_batch("b1", "test")
        self.catalog.register(doc)
        self.catalog.mark_archived(doc_id, Event(stage="archive", outcome="ok"))
        self.search.index(self.catalog.documents(ids=[doc_id]))
        self.close()  # no connection of this process left open on the index's files
        return doc_id

    def searchable(self, text: str) -> set[str]:
        hits = self.search.search(SearchQuery(text=text, access_levels=EVERYONE)).hits
        self.close()
        return {hit.document_id for hit in hits}


def sample_archive(settings: Settings) -> "Archive":
    """Five records: one due for review, one not yet, a permanent one, one without a date,
    one no row of the sample schedule takes."""
    archive = Archive(settings)
    archive.add(  # 10 years: due 2021
        "letter2010", "Công văn", "V/v treo cờ tổ quốc", 2010, dossier_code="H32.2010.04"
    )
    archive.add(  # due 2027: not yet; its subject read by OCR, with doubt
        "letter2016",
        "Công văn",
        "V/v lịch trực Tết",
        2016,
        sources={"subject": "ocr", "doc_type": "ocr"},
        field_confidence={"subject": 62.0, "doc_type": 88.0},
    )
    archive.add("decision", "Quyết định", "Về việc giá bán xi măng", 2001)  # permanent
    archive.add("undated", "Công văn", "V/v họp giao ban", None)  # end year unknown
    archive.add("invitation", "Giấy mời", "Mời dự hội nghị", 2012)  # no row takes it
    return archive


def pdf_of(doc: Document) -> bytes:
    """A real PDF of the record's pages, each with its text."""
    pdf = FPDF(format="A4")
    pdf.add_font("sans", fname="/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf")
    pdf.set_font("sans", size=16)
    for page in doc.pages:
        pdf.add_page()
        pdf.multi_cell(0, 10, f"{doc.doc_type}\n{page.text}")
    return bytes(pdf.output())
