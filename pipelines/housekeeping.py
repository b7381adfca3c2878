"""The archive's upkeep, run on a schedule: retention review, fixity audit, reindexing."""

from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from datetime import date

from archive_schema.catalog import Catalog
from archive_schema.disposal import Disposals
from archive_schema.errors import UserError
from archive_schema.models import Document, Event
from archive_schema.review import Review
from archive_schema.schedules import Schedules, ScheduleVersion
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
    """Mark "Xem xét hủy" the archived records whose retention period ended before today,
    in the catalog and in the search index (its retention status facet)."""
    catalog = Catalog(settings.database_url)
    marked = catalog.mark_due_for_review(today)
    _index_again(settings, catalog, marked)
    return marked


def assign_row(
    settings: Settings, catalog: Catalog, ids: Collection[str], row: str, user: str, address: str
) -> tuple[list[str], ScheduleVersion]:
    """Reclassify records under `row` of the newest schedule, in the catalog (audited) and in
    the index; returns them and the version."""
    version = Schedules(catalog).current()
    done = Review(catalog).reclassify(ids, row, version, user, address)
    _index_again(settings, catalog, done)
    return done, version


def _index_again(settings: Settings, catalog: Catalog, ids: list[str]) -> None:
    """Index records again after the catalog changed them (their retention)."""
    if ids:
        search = settings.search()
        try:
            search.index(catalog.documents(ids=ids))
        finally:
            search.close()


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


def reindex(settings: Settings, progress: Callable[[int, int], None] | None = None) -> int:
    """Rebuild the search index from the packages in the archive store, the source of
    truth, while searches go on in the old one; the retention status the catalog has
    since set (review) is kept. `progress(done, total)` follows it. Returns how many
    records were indexed."""
    store = open_store(settings.storage_url)
    catalog = Catalog(settings.database_url)
    statuses = catalog.retention_statuses()
    destroyed = {stone.document_id for stone in Disposals(catalog).tombstones()}
    listed = finished_packages(store) - destroyed  # a destruction under way is not undone
    damaged: list[str] = []

    def packages(ids: set[str]) -> Iterator[Document]:
        for done, document_id in enumerate(sorted(ids), start=1):
            try:
                doc = load_package(store, document_id)
            except StoreError as error:
                damaged.append(str(error))
                continue
            if doc is not None and doc.retention and document_id in statuses:
                doc.retention.status = statuses[document_id]  # type: ignore[assignment]
            if progress:
                progress(done, len(ids))
            if doc is not None:
                yield doc

    search = settings.search()
    try:
        count = search.rebuild(packages(listed))
        late = finished_packages(store) - listed - destroyed  # archived while it ran
        search.index(packages(late))
    finally:
        search.close()
    if damaged:
        raise ReindexFailed(
            f"{len(damaged)} packages are damaged and were not indexed:\n" + "\n".join(damaged)
        )
    return count + len(late)


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
