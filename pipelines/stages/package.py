"""Package: the record written to the archive store, every file verified after writing.

`records/<id>/` holds the original scans, the PDF/A (named by the document code when there
is one, as TT 05/2025 names digitised files), the text and layout of every page,
`metadata.json` and `checksums.sha256`. The checksum list is written last: a package without
it is unfinished and is written again by the next run.
"""

import hashlib
from pathlib import Path

from archive_schema.models import Document, StoredFile
from ocr.layout import PageLayout
from pipelines.formats import sha256_file, sha256_stream
from pipelines.stages.intake import DocumentSource
from pipelines.store import Store, StoreError
from pipelines.xmp import write_record_metadata

RECORDS = "records/"
CHECKSUMS = "checksums.sha256"
METADATA = "metadata.json"


def package_prefix(document_id: str) -> str:
    return f"{RECORDS}{document_id}/"


def finished_packages(store: Store) -> set[str]:
    """The ids of the documents whose package is finished (its checksum list written)."""
    return {
        key.removeprefix(RECORDS).split("/")[0]
        for key in store.keys(RECORDS)
        if key.endswith("/" + CHECKSUMS)
    }


def original_key(document_id: str, name: str) -> str:
    """Where an original scan is kept: under its path inside the batch."""
    return f"{package_prefix(document_id)}original/{name}"


def package(
    doc: Document, source: DocumentSource, pdf: Path, layouts: list[PageLayout], store: Store
) -> None:
    prefix = package_prefix(doc.id)
    write_record_metadata(pdf, doc)
    files: list[StoredFile] = []
    for path, original in zip(source.files, source.originals, strict=True):
        files.append(
            _put(store, original_key(doc.id, original.name), path, "original", original.media_type)
        )
    files.append(_put(store, f"{prefix}{doc.code or doc.id}.pdf", pdf, "pdfa", "application/pdf"))
    for page, layout in zip(doc.pages, layouts, strict=True):
        files.append(
            _put(
                store,
                f"{prefix}text/page-{page.number:04d}.txt",
                page.text.encode(),
                "text",
                "text/plain",
            )
        )
        files.append(
            _put(
                store,
                f"{prefix}layout/page-{page.number:04d}.json",
                layout.model_dump_json().encode(),
                "layout",
                "application/json",
            )
        )
    doc.files = [f for f in files if f.role != "original"]
    doc.pdf_sha256 = next(f.sha256 for f in files if f.role == "pdfa")
    doc.package = prefix
    total = sum(f.size for f in files)
    doc.record(
        "package",
        "ok",
        f"{len(files) + 2} files, {total / 1e6:.1f} MB written to {store.url} and verified",
    )
    metadata = _put(
        store,
        prefix + METADATA,
        doc.model_dump_json(indent=2).encode(),
        "metadata",
        "application/json",
    )
    listing = "".join(f"{f.sha256}  {f.key.removeprefix(prefix)}\n" for f in [*files, metadata])
    _put(store, prefix + CHECKSUMS, listing.encode(), "text", "text/plain")


def load_package(store: Store, document_id: str) -> Document | None:
    """The record of a finished package, after checking every file against its checksum;
    None when there is no finished package."""
    prefix = package_prefix(document_id)
    if not store.exists(prefix + CHECKSUMS):
        return None
    with store.open(prefix + CHECKSUMS) as listing:
        lines = listing.read().decode().splitlines()
    for line in lines:
        expected, name = line.split("  ", 1)
        if stored_sha256(store, prefix + name) != expected:
            raise StoreError(f"{prefix + name} does not match its checksum in {prefix + CHECKSUMS}")
    with store.open(prefix + METADATA) as metadata:
        return Document.model_validate_json(metadata.read())


def _put(store: Store, key: str, source: Path | bytes, role: str, media_type: str) -> StoredFile:
    """Write, read back, and compare: a store that loses or alters bytes is caught here."""
    if isinstance(source, bytes):
        sha256, size = hashlib.sha256(source).hexdigest(), len(source)
    else:
        sha256, size = sha256_file(source), source.stat().st_size
    store.put(key, source)
    if stored_sha256(store, key) != sha256:
        raise StoreError(f"{key} read back from {store.url} differs from what was written")
    return StoredFile(role=role, key=key, sha256=sha256, size=size, media_type=media_type)


def stored_sha256(store: Store, key: str) -> str:
    """The SHA-256 of an object as the store holds it now."""
    with store.open(key) as data:
        return sha256_stream(data)
