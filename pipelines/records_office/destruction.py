"""Executing an approved destruction: each record leaves the search index first, then the
archive store (its METS first, so that no half-deleted package counts as finished), then
the catalog; the destruction record (biên bản) is kept in the store.

The store deletes only what it allows: an object under S3 Object Lock retention or legal
hold stays, and so does its record. Every record the store refused, or failed, is listed at
the end and the proposal stays "executing", its remaining records out of reach (status
destroying, not searchable): executing it again finishes the work.
"""

from collections.abc import Callable

from archive_schema.access import User
from archive_schema.disposal import Disposals, Proposal
from archive_schema.errors import UserError
from pipelines.archive import Archive
from pipelines.filing import filed
from pipelines.package.layout import METS_FILE, destruction_record_key, package_prefix
from pipelines.package.locks import kept_for_ever
from pipelines.records_office.destruction_record import destruction_record
from pipelines.store import Store, StoreRefused


class DestructionIncomplete(UserError):
    """The archive store kept some records of a destruction; the message lists them."""


def execute(
    archive: Archive,
    number: int,
    user: User,
    address: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> Proposal:
    """Destroy the records of approved proposal `number`; `progress(done, total)` follows."""
    settings, store = archive.settings, archive.store
    disposals = Disposals(archive.catalog, settings.disposal_quorum)
    remaining = disposals.begin(number, user, address)
    kept: list[str] = []
    for done, document_id in enumerate(remaining, start=1):
        archive.search.delete(document_id)
        try:
            _delete_package(store, document_id)
        except StoreRefused as error:
            kept.append(f"{document_id}: {error}")
        else:
            disposals.destroyed(number, document_id)
        if progress:
            progress(done, len(remaining))
    filed(archive, remaining)  # the dossiers they leave
    if kept:
        raise DestructionIncomplete(
            f"{len(kept)} of {len(remaining)} records of proposal {number} are still in"
            f" {store.url}; execute it again once the store allows it:\n" + "\n".join(kept)
        )
    proposal = disposals.proposal(number)
    key = destruction_record_key(number)
    record = destruction_record(proposal, disposals.tombstones(number), user.name)
    store.put(key, record, kept_for_ever(settings.object_lock_permanent_years))
    return disposals.finish(number, key, user, address)


def _delete_package(store: Store, document_id: str) -> None:
    """Delete the METS first (a refusal there leaves the package whole), then the rest;
    raises StoreRefused listing every object the store kept."""
    prefix = package_prefix(document_id)
    store.delete(prefix + METS_FILE)
    refused = []
    for key in list(store.keys(prefix)):
        try:
            store.delete(key)
        except StoreRefused as error:
            refused.append(str(error))
    if refused:
        raise StoreRefused("\n".join(refused))
