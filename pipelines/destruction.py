"""Executing an approved destruction: each record leaves the search index first, then the
archive store (its checksum list first, so that no half-deleted package counts as
finished), then the catalog; the destruction record (biên bản) is kept in the store.

A failure half way leaves the proposal "executing" and its remaining records out of reach
(status destroying, not searchable, tombstoned): executing it again finishes the work.
"""

from collections.abc import Callable

from archive_schema.access import User
from archive_schema.catalog import Catalog
from archive_schema.disposal import Disposals, Proposal
from pipelines.destruction_record import destruction_record
from pipelines.settings import Settings
from pipelines.stages.package import CHECKSUMS, package_prefix
from pipelines.store import Store, open_store

DISPOSALS = "disposals/"  # where destruction records are kept in the archive store


def execute(
    settings: Settings,
    number: int,
    user: User,
    address: str = "",
    progress: Callable[[int, int], None] | None = None,
    store: Store | None = None,
) -> Proposal:
    """Destroy the records of approved proposal `number`; `progress(done, total)` follows."""
    catalog = Catalog(settings.database_url)
    disposals = Disposals(catalog, settings.disposal_quorum)
    remaining = disposals.begin(number, user, address)
    store = store or open_store(settings.storage_url)
    search = settings.search()
    try:
        for done, document_id in enumerate(remaining, start=1):
            search.delete(document_id)
            _delete_package(store, document_id)
            disposals.destroyed(number, document_id)
            if progress:
                progress(done, len(remaining))
    finally:
        search.close()
    proposal = disposals.proposal(number)
    key = f"{DISPOSALS}{number}/bien-ban-huy-{number}.pdf"
    store.put(key, destruction_record(proposal, disposals.tombstones(number), user.name))
    return disposals.finish(number, key, user, address)


def _delete_package(store: Store, document_id: str) -> None:
    prefix = package_prefix(document_id)
    store.delete(prefix + CHECKSUMS)
    for key in list(store.keys(prefix)):
        store.delete(key)
