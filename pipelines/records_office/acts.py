"""The records office's acts on archived records (reclassification, legal holds), carried
from the catalog to the package, the locks and the index (pipelines.record_changes)."""

from collections.abc import Collection

from archive_schema.review import Review
from archive_schema.schedules import Schedules, ScheduleVersion
from pipelines.archive import Archive
from pipelines.record_changes import record_changed


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
