"""The records office's acts on archived records (reclassification, legal holds), carried
from the catalog to the package (its record, PREMIS and METS written again), the locks of
its objects in the store, and the search index."""

from collections.abc import Collection

from archive_schema.review import Review, legal_holds
from archive_schema.schedules import Schedules, ScheduleVersion
from pipelines.archive import Archive
from pipelines.package.layout import package_prefix
from pipelines.package.locks import record_lock
from pipelines.package.read import current_record
from pipelines.package.write import describe_package


def assign_row(
    archive: Archive, ids: Collection[str], row: str, user: str, address: str
) -> tuple[list[str], ScheduleVersion]:
    """Reclassify records under `row` of the newest schedule (audited); returns them and
    the version. Their objects are then retained until the new review date."""
    version = Schedules(archive.catalog).current()
    done = Review(archive.catalog).reclassify(ids, row, version, user, address)
    record_changed(archive, done)
    return done, version


def hold(archive: Archive, reference: str, reason: str, user: str, address: str) -> str:
    """Put a record (by its id, code or number) under legal hold, and its objects under an
    S3 legal hold; returns its id."""
    review = Review(archive.catalog)
    document_id = review.record_id(reference)
    review.hold(document_id, reason, user, address)
    record_changed(archive, [document_id])
    return document_id


def release(archive: Archive, reference: str, user: str, address: str) -> str:
    review = Review(archive.catalog)
    document_id = review.record_id(reference)
    review.release(document_id, user, address)
    record_changed(archive, [document_id])
    return document_id


def record_changed(archive: Archive, ids: list[str]) -> None:
    """Carry what the catalog now says of records `ids` to their packages, locks and index
    entries (a retention is lengthened, never shortened: see S3Store.protect)."""
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
