"""Repair of a package whose METS.xml is lost or unreadable: when every data file (scans,
PDF/A, text, layout) still matches the checksum its record gives, the package's metadata
and its METS are written again from the record (the package's record.json brought up to
date by the catalog, or the catalog's alone). A package whose files differ is not touched:
its batch must be ingested again."""

from collections.abc import Callable
from dataclasses import dataclass, field

from archive_schema.catalog import Catalog
from archive_schema.models import Event, Status
from pipelines.archive import Archive
from pipelines.package.layout import METS_FILE, package_prefix
from pipelines.package.locks import held_record_lock
from pipelines.package.read import (
    current_record,
    data_files,
    package_files,
    packages_in,
    stored_sha256,
)
from pipelines.package.write import describe_package
from pipelines.store import UNREADABLE, Store, StoreDamaged


@dataclass
class Repaired:
    repaired: list[str] = field(default_factory=list)  # the ids
    refused: list[str] = field(default_factory=list)  # why each one could not be


def damaged_packages(store: Store) -> set[str]:
    """The ids of the packages with no METS, or one that cannot be read."""
    finished, unfinished = packages_in(store)
    unreadable = set()
    for document_id in finished:
        try:
            package_files(store, document_id)
        except StoreDamaged:
            unreadable.add(document_id)
    return unfinished | unreadable


def repair_packages(
    archive: Archive, progress: Callable[[int, int], None] | None = None
) -> Repaired:
    store, catalog, settings = archive.store, archive.catalog, archive.settings
    result = Repaired()
    damaged = sorted(damaged_packages(store))
    for done, document_id in enumerate(damaged, start=1):
        try:
            repair(store, catalog, document_id, settings.object_lock_permanent_years)
        except UNREADABLE as error:
            result.refused.append(str(error))
        else:
            result.repaired.append(document_id)
        if progress:
            progress(done, len(damaged))
    return result


def repair(store: Store, catalog: Catalog, document_id: str, permanent_years: int) -> None:
    """Write the package's metadata and METS again; StoreError says why it cannot be."""
    prefix = package_prefix(document_id)
    doc = current_record(store, catalog, document_id)
    wrong = [
        f.path
        for f in data_files(doc)
        if not store.exists(f.path) or stored_sha256(store, f.path) != f.sha256
    ]
    if wrong:
        raise StoreDamaged(
            f"{prefix}: not repaired: {', '.join(wrong)} missing or changed; ingest its batch again"
        )
    repaired = Event(stage="repair", outcome="ok", detail=f"{METS_FILE} written again")
    doc.events.append(repaired)
    describe_package(store, doc, doc.events, held_record_lock(catalog, doc, permanent_years))
    if catalog.status(document_id) == Status.ARCHIVED:
        catalog.add_events(document_id, doc.batch_id, [repaired])
