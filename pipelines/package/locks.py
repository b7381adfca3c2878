"""The locks of a record's objects in the store (S3 Object Lock): retained until the
record's review date, permanent records for years ahead, unclassified or held ones under
legal hold."""

from datetime import date

from archive_schema.catalog import Catalog
from archive_schema.models import Document
from archive_schema.review import legal_holds
from pipelines.store import Lock


def record_lock(doc: Document, permanent_years: int, held: bool = False) -> Lock:
    """The lock of a record's objects: retained until its review date ("Xem xét hủy") while
    it is still to come, a permanent one for `permanent_years`; an unclassified or held
    record under legal hold."""
    retention = doc.retention
    classified = retention is not None and retention.status != "unclassified"
    until = None
    if retention is not None and retention.permanent:
        until = years_ahead(permanent_years)
    elif retention is not None and retention.review_from and retention.review_from > date.today():
        until = retention.review_from
    return Lock(retain_until=until, legal_hold=held or not classified)


def held_record_lock(catalog: Catalog, doc: Document, permanent_years: int) -> Lock:
    """The record's lock with its legal holds as the catalog has them now."""
    with catalog.session() as session:
        held = bool(legal_holds(session, [doc.id]))
    return record_lock(doc, permanent_years, held)


def kept_for_ever(permanent_years: int) -> Lock:
    """The lock of what is never destroyed: the records of acceptances and destructions."""
    return Lock(retain_until=years_ahead(permanent_years))


def years_ahead(years: int) -> date:
    today = date.today()
    return today.replace(year=today.year + years, day=min(today.day, 28))
