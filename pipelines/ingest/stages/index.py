"""Index: the record's pages and metadata made searchable; only then is it archived."""

from archive_schema.catalog import Catalog
from archive_schema.models import Document, Event, Status
from indexing.base import SearchBackend


def index(doc: Document, search: SearchBackend, catalog: Catalog) -> None:
    search.index([doc])
    doc.status = Status.ARCHIVED
    catalog.mark_archived(
        doc.id, Event(stage="index", outcome="ok", detail=f"{doc.page_count} pages searchable")
    )
