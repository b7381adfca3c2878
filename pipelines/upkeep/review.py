"""The daily review of retention: records whose period has run out become due for review."""

from datetime import date

from pipelines.archive import Archive
from pipelines.record_changes import index_again


def review_due(archive: Archive, today: date) -> list[str]:
    """Mark "Xem xét hủy" the archived records whose retention period ended before today,
    in the catalog and in the search index (its retention status facet)."""
    marked = archive.catalog.mark_due_for_review(today)
    index_again(archive, marked)
    return marked
