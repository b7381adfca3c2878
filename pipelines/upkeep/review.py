"""The daily review of retention: records whose period has run out become due for review."""

from datetime import date

from archive_schema.catalog import Catalog
from pipelines.records_office.acts import index_again
from pipelines.settings import Settings


def review_due(settings: Settings, today: date) -> list[str]:
    """Mark "Xem xét hủy" the archived records whose retention period ended before today,
    in the catalog and in the search index (its retention status facet)."""
    catalog = Catalog(settings.database_url)
    marked = catalog.mark_due_for_review(today)
    index_again(settings, catalog, marked)
    return marked
