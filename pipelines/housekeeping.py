"""The archive's upkeep, run on a schedule: retention review, fixity audit, reindexing."""

from dataclasses import dataclass, field
from datetime import date

from archive_schema.catalog import Catalog
from archive_schema.errors import UserError
from archive_schema.models import Document, Event
from indexing import open_search
from pipelines.settings import Settings
from pipelines.stages.package import (
    finished_packages,
    load_package,
    original_key,
    stored_sha256,
)
from pipelines.store import Store, StoreError, open_store


class FixityFailed(UserError):
    """Archived objects are missing or altered; the message lists them."""


class ReindexFailed(UserError):
    """Some packages in the store could not be read back; the rest were indexed."""


@dataclass
class FixityAudit:
    checked: int = 0
    problems: list[str] = field(default_factory=list)


def review_due(settings: Settings, today: date) -> list[str]:
    """Mark "Xem xét hủy" the archived records whose retention period ended before today."""
    return Catalog(settings.database_url).mark_due_for_review(today)


def audit_fixity(settings: Settings) -> FixityAudit:
    """Hash every archived object again and compare with the SHA-256 the catalog recorded;
    each check is an event of its record. Raises FixityFailed when anything is wrong."""
    store = open_store(settings.storage_url)
    catalog = Catalog(settings.database_url)
    audit = FixityAudit()
    for doc in catalog.documents():
        events = [_check(store, key, sha256) for key, sha256 in _recorded_objects(doc)]
        catalog.add_events(doc.id, doc.batch_id, events)
        audit.checked += len(events)
        audit.problems += [e.detail for e in events if e.outcome == "failed"]
    if audit.problems:
        raise FixityFailed(
            f"{len(audit.problems)} of {audit.checked} archived objects failed the fixity"
            " check:\n" + "\n".join(audit.problems)
        )
    return audit


def reindex(settings: Settings) -> int:
    """Rebuild the search index from the packages in the archive store, the source of truth;
    entries whose package is gone are removed. Returns how many documents were indexed."""
    store = open_store(settings.storage_url)
    search = open_search(settings.search_url)
    ids = finished_packages(store)
    damaged = []
    try:
        for document_id in sorted(ids):
            try:
                doc = load_package(store, document_id)
            except StoreError as error:
                damaged.append(str(error))
                continue
            if doc is not None:
                search.index([doc])
        for stale in search.document_ids() - ids:
            search.delete(stale)
    finally:
        search.close()
    if damaged:
        raise ReindexFailed(
            f"{len(damaged)} packages are damaged and were not indexed:\n" + "\n".join(damaged)
        )
    return len(ids)


def _recorded_objects(doc: Document) -> list[tuple[str, str]]:
    """(store key, SHA-256) of every object of the record the catalog knows."""
    originals = [(original_key(doc.id, o.name), o.sha256) for o in doc.originals]
    return originals + [(f.key, f.sha256) for f in doc.files]


def _check(store: Store, key: str, expected: str) -> Event:
    try:
        actual = stored_sha256(store, key)
    except StoreError:
        return Event(stage="fixity", outcome="failed", detail=f"{key}: missing from {store.url}")
    if actual != expected:
        detail = f"{key}: SHA-256 is {actual}, the catalog recorded {expected}"
        return Event(stage="fixity", outcome="failed", detail=detail)
    return Event(stage="fixity", outcome="ok", detail=f"{key}: SHA-256 matches")
