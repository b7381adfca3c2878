"""Fonds and dossiers kept in the archive store as parent packages (pipelines.package.parents),
so that they outlive the catalog like the records do: a fonds opened, a dossier opened or
edited, and every change of which documents a dossier holds or of their order is carried
to the packages of the dossiers and fonds concerned. A dossier given a row of the retention
schedule passes it to its documents: their period counts from the year the dossier ends
(the year of its last document), whenever they were filed."""

from collections.abc import Iterable

from archive_schema.errors import UserError
from archive_schema.fonds import Archives, Fonds
from archive_schema.review import Review
from archive_schema.schedules import Schedules
from pipelines.archive import Archive
from pipelines.package.parents import write_dossier, write_fonds
from pipelines.record_changes import record_changed


def add_fonds(archive: Archive, given: dict[str, str], user: str, address: str) -> Fonds:
    fonds = Archives(archive.catalog).add_fonds(given, user, address)
    write_fonds(archive.store, fonds, [])
    return fonds


def save_dossier(
    archive: Archive, given: dict[str, str], user: str, address: str, new: bool
) -> str:
    """Open (`new`) or edit a dossier (archive_schema.fonds); its documents follow its
    retention; its package is written, and those of the fonds it left and joined."""
    archives = Archives(archive.catalog)
    left = [] if new else [_fonds_of(archives, given.get("code", ""))]
    code = archives.save_dossier(given, user, address, new)
    filed(archive, [], [code], [f for f in left if f])
    return code


def filed(
    archive: Archive,
    ids: Iterable[str],
    dossiers: Iterable[str | None] = (),
    fonds: Iterable[str] = (),
) -> None:
    """Documents `ids` were filed, changed or destroyed, in their dossiers and in `dossiers`
    (those they left): the documents of each one with a retention row take its retention
    (their packages, locks and index entries follow), then the packages of the dossiers and
    of their fonds, and of `fonds`, are written again. A code no dossier was opened under
    is passed over."""
    store, catalog = archive.store, archive.catalog
    archives = Archives(catalog)
    codes = sorted({code for code in [*archives.filed_in(list(ids)), *dossiers] if code})
    if not codes and not fonds:
        return
    version = Schedules(catalog).current()
    touched = set(fonds)
    everything = {f.code: f for f in archives.fonds()}
    for code in codes:
        try:
            dossier = archives.dossier(code)
        except UserError:
            continue
        if dossier.retention_row:
            ends = dossier.end.year if dossier.end else None
            followed = Review(catalog).follow_dossier(code, dossier.retention_row, ends, version)
            record_changed(archive, followed)
        write_dossier(store, dossier, everything[dossier.fonds_code], archives.filed(code))
        touched.add(dossier.fonds_code)
    for code in sorted(touched & set(everything)):
        write_fonds(store, everything[code], archives.dossier_codes(code))


def _fonds_of(archives: Archives, code: str) -> str | None:
    try:
        return archives.dossier(code).fonds_code
    except UserError:
        return None
