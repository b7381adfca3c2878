"""A record delivered to a user as an E-ARK DIP: its package, every file checked against
its METS on the way, in a ZIP that unpacks to one folder named by the record's id. A
PDF/A copy the agency has not signed is marked "BẢN SAO" (an uncertified copy, TT
05/2025), and the DIP's METS gives its new checksum; one the agency signed is a certified
copy and goes as it is, as does an electronic original."""

import hashlib
import zipfile
from pathlib import Path

from archive_schema.errors import UserError
from archive_schema.identifiers import sha256_stream
from archive_schema.models import Status
from pipelines.archive import Archive
from pipelines.package.layout import METS_FILE, original_key, package_prefix
from pipelines.package.mets import PackageFile, as_dip
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
    uncertified = _uncertified_copy(archive, document_id)
    changed = []
    try:
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as dip:
            for f in files:
                name = f"{document_id}/{f.path.removeprefix(prefix)}"
                if f.path == uncertified:
                    marked = _marked(store.open(f.path).read(), f)
                    dip.writestr(name, marked)
                    digest = hashlib.sha256(marked).hexdigest()
                    changed.append(
                        PackageFile(f.path.removeprefix(prefix), digest, len(marked), f.media_type)
                    )
                    continue
                with store.open(f.path) as data, dip.open(name, "w", force_zip64=True) as out:
                    digest = sha256_stream(data, copy_to=out)
                if digest != f.sha256:
                    raise StoreDamaged(f"{f.path} does not match its checksum in {METS_FILE}")
            with store.open(prefix + METS_FILE) as mets:
                dip.writestr(f"{document_id}/{METS_FILE}", as_dip(mets.read(), changed))
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def _uncertified_copy(archive: Archive, document_id: str) -> str | None:
    """The key of the record's PDF/A copy when the agency has not signed it; None when it
    did, or when the record's PDF is its electronic original."""
    [doc] = archive.catalog.documents(ids=[document_id])
    pdfa = next((f for f in doc.files if f.role == "pdfa"), None)
    originals = {original_key(doc.id, o.name) for o in doc.originals}
    signed = any(e.stage == "sign" for e in archive.catalog.events(document_id))
    return None if pdfa is None or pdfa.key in originals or signed else pdfa.key


def _marked(data: bytes, f: PackageFile) -> bytes:
    if hashlib.sha256(data).hexdigest() != f.sha256:
        raise StoreDamaged(f"{f.path} does not match its checksum in {METS_FILE}")
    from pipelines.package.copy_mark import marked_copy  # pikepdf: not at the web's start

    return marked_copy(data)
