"""Rebuild: the catalog and the search index recreated from the archive store alone (after
losing the catalog's database), each record from its package, checked against its METS,
each batch from the report kept beside it, and the fonds and dossiers from theirs."""

from collections.abc import Callable
from dataclasses import dataclass, field

from archive_schema.catalog import Catalog
from archive_schema.errors import UserError
from archive_schema.fonds import Archives
from archive_schema.models import Event, Status
from pipelines.archive import Archive
from pipelines.ingest.report import BatchReport
from pipelines.package.layout import METS_FILE, dossier_prefix, package_prefix, report_key
from pipelines.package.parents import stored_dossiers, stored_fonds
from pipelines.package.read import REPAIR_HINT, load_package, packages_in
from pipelines.store import UNREADABLE, Store


class RebuildFailed(UserError):
    """Some packages could not be read back; the others were restored."""


@dataclass
class Rebuilt:
    restored: int = 0
    units: int = 0  # fonds and dossiers restored
    present: int = 0  # already in the catalog, left as they are
    indexed: int = 0
    damaged: list[str] = field(default_factory=list)


def rebuild(archive: Archive, progress: Callable[[int, int], None] | None = None) -> Rebuilt:
    """Restore into the catalog every record the store has a finished package of and the
    catalog lacks, then rebuild the index; `progress(done, total)` follows the records."""
    store, catalog = archive.store, archive.catalog
    units, orphans = Archives(catalog).restore(stored_fonds(store), stored_dossiers(store))
    result = Rebuilt(units=units)
    result.damaged += [
        f"{dossier_prefix(code)}: its fonds has no package in the store; open the fonds again"
        " (sohoa dossier add-fonds), then run `sohoa rebuild` again"
        for code in orphans
    ]
    finished, unfinished = packages_in(store)
    ids = sorted(finished)
    result.damaged += [
        f"{package_prefix(i)}: no {METS_FILE} (lost, or the package was never finished);"
        f" {REPAIR_HINT}, then run `sohoa rebuild` again"
        for i in sorted(unfinished)
    ]
    batches = {batch.id for batch in catalog.batches()}
    for done, document_id in enumerate(ids, start=1):
        if catalog.status(document_id) is not None:
            result.present += 1
        else:
            try:
                doc = load_package(store, document_id)
            except UNREADABLE as error:
                result.damaged.append(f"{error}; {REPAIR_HINT}")
                continue
            assert doc is not None  # listed as finished
            if doc.batch_id not in batches:
                _restore_batch(store, catalog, doc.batch_id)
                batches.add(doc.batch_id)
            restored = Event(stage="rebuild", outcome="ok", detail=f"restored from {store.url}")
            if doc.status == Status.MERGED:  # its pages are another record's: kept as it was
                doc.events.append(restored)
                catalog.register(doc)
            else:
                doc.status = Status.REGISTERED
                catalog.register(doc)
                catalog.mark_archived(doc.id, restored)
            result.restored += 1
        if progress:
            progress(done, len(ids))
    result.indexed = archive.search.rebuild(catalog.documents())
    if result.damaged:
        raise RebuildFailed(
            f"{result.restored} records restored, {result.present} were there,"
            f" {result.indexed} indexed; {len(result.damaged)} packages are damaged and"
            " were not restored:\n" + "\n".join(result.damaged)
        )
    return result


def _restore_batch(store: Store, catalog: Catalog, batch_id: str) -> None:
    """The batch as its report describes it; a batch without one is named by the store."""
    key = report_key(batch_id)
    if not store.exists(key):
        catalog.start_batch(batch_id, f"restored from {store.url}")
        catalog.finish_batch(batch_id, "archived", {}, [])
        return
    with store.open(key) as data:
        report = BatchReport.model_validate_json(data.read())
    catalog.start_batch(batch_id, report.source)
    catalog.finish_batch(batch_id, report.status, report.model_dump(mode="json"), [])
