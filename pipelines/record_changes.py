"""A change the catalog made to archived records (a correction, a reclassification, a
hold), carried to their packages (record, Dublin Core, PREMIS and METS written again), the
locks of their objects in the store, and the search index."""

from archive_schema.review import legal_holds
from pipelines.archive import Archive
from pipelines.package.layout import package_prefix
from pipelines.package.locks import record_lock
from pipelines.package.read import current_record
from pipelines.package.write import describe_package


def record_changed(archive: Archive, ids: list[str]) -> None:
    """Carry what the catalog now says of records `ids` to their packages, locks and index
    entries (a retention is lengthened, never shortened: see S3Store.protect). An S3
    store keeps the earlier metadata as older versions of its objects; in any store the
    PREMIS events keep what each correction replaced."""
    if not ids:
        return
    store, catalog, settings = archive.store, archive.catalog, archive.settings
    with catalog.session() as session:
        held = {h.document_id for h in legal_holds(session, ids)}
    for doc in (current_record(store, catalog, i) for i in ids):
        lock = record_lock(doc, settings.object_lock_permanent_years, held=doc.id in held)
        describe_package(store, doc, doc.events, lock)
        for key in list(store.keys(package_prefix(doc.id))):
            store.protect(key, lock)
    index_again(archive, ids)


def index_again(archive: Archive, ids: list[str]) -> None:
    """Index records again after the catalog changed them."""
    if ids:
        archive.search.index(archive.catalog.documents(ids=ids))
