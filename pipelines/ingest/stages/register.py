"""Register: the record's catalog rows (document, pages, files, events) in one transaction."""

from archive_schema.catalog import Catalog
from archive_schema.models import Document, Status


def register(doc: Document, catalog: Catalog) -> None:
    doc.status = Status.REGISTERED
    doc.record(
        "register", "ok", f"{doc.page_count} pages, {len(doc.originals)} originals in the catalog"
    )
    catalog.register(doc)
