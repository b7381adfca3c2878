"""A record delivered to a user as an E-ARK DIP: its package, every file checked against
its METS on the way, in a ZIP that unpacks to one folder named by the record's id."""

import zipfile
from pathlib import Path

from archive_schema.errors import UserError
from archive_schema.identifiers import sha256_stream
from archive_schema.models import Status
from pipelines.archive import Archive
from pipelines.package.layout import METS_FILE, package_prefix
from pipelines.package.mets import as_dip
from pipelines.package.read import package_files
from pipelines.store import StoreDamaged


def export_package(archive: Archive, document_id: str, output: Path) -> Path:
    """Write the DIP of an archived record to `output` (a .zip file, or a folder to put
    `<id>.zip` in); returns the file written. Nothing is left behind on failure."""
    catalog, store = archive.catalog, archive.store
    if catalog.status(document_id) is not Status.ARCHIVED:
        raise UserError(f"no archived record {document_id}", "Tài liệu này không còn trong kho.")
    files = package_files(store, document_id)
    if not files:
        raise StoreDamaged(f"{document_id}: no finished package in {store.url}")
    target = output / f"{document_id}.zip" if output.is_dir() else output
    partial = target.with_name(target.name + ".part")
    prefix = package_prefix(document_id)
    try:
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as dip:
            for f in files:
                name = f"{document_id}/{f.path.removeprefix(prefix)}"
                with store.open(f.path) as data, dip.open(name, "w", force_zip64=True) as out:
                    digest = sha256_stream(data, copy_to=out)
                if digest != f.sha256:
                    raise StoreDamaged(f"{f.path} does not match its checksum in {METS_FILE}")
            with store.open(prefix + METS_FILE) as mets:
                dip.writestr(f"{document_id}/{METS_FILE}", as_dip(mets.read()))
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return target
