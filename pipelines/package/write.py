"""Writing a package: the record to the archive store as an E-ARK CSIP package (TT 05/2025),
every file read back and checked after writing. The METS is written last: a package without
it is unfinished and is written again by the next run. Every object gets the record's lock."""

import hashlib
import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from archive_schema.identifiers import sha256_file
from archive_schema.models import Document, Event, OriginalFile, StoredFile
from ocr.layout import PageLayout
from pipelines.package.layout import (
    DUBLIN_CORE,
    JSON,
    LAYOUT_SUFFIX,
    METS_FILE,
    PDF,
    PREMIS_FILE,
    README,
    RECORD,
    SCHEMA,
    TEXT,
    TEXT_SUFFIX,
    XML,
    original_key,
    package_prefix,
    page_key,
    pdfa_key,
)
from pipelines.package.mets import PackageFile, dublin_core, mets_document, premis
from pipelines.package.read import data_files, stored_sha256
from pipelines.package.xmp import write_record_metadata
from pipelines.store import Lock, Store, StoreDamaged

if TYPE_CHECKING:
    from pipelines.signatures.signing import AgencySigner

README_TEXT = """\
Gói tài liệu lưu trữ (E-ARK CSIP, Thông tư 05/2025/TT-BNV) / An archival package.

METS.xml                         lists every file with its size and SHA-256 checksum
metadata/descriptive/dc.xml      the description of the record in Dublin Core
metadata/descriptive/record.json the complete record (schema: schemas/record.schema.json)
metadata/preservation/premis.xml PREMIS 3: the files' fixity and what was done to them
representations/original/data/   the scans as received
representations/pdfa/data/       the searchable PDF/A, its metadata in XMP
representations/text/data/       the recognised text and layout of every page
"""


def package(
    doc: Document,
    originals: Sequence[tuple[Path, OriginalFile]],
    pdf: Path | None,
    layouts: list[PageLayout],
    store: Store,
    lock: Lock,
    signer: "AgencySigner | None" = None,
) -> None:
    """Write the record's package; `pdf`, its PDF/A copy, signed by the agency's `signer`
    when there is one, is None for an electronic original in PDF/A, which is its own
    access copy and is never altered."""
    prefix = package_prefix(doc.id)
    for path, original in originals:  # each scan, where it is now and as the batch had it
        put_verified(store, original_key(doc.id, original.name), path, lock, original.media_type)
    if pdf is None:
        first = doc.originals[0]
        files = [
            StoredFile(
                role="pdfa",
                key=original_key(doc.id, first.name),
                sha256=first.sha256,
                size=first.size,
                media_type=PDF,
            )
        ]
    else:
        write_record_metadata(pdf, doc)
        if signer is not None:  # last: nothing may change the copy once it is signed
            from pipelines.signatures.signing import sign_copy  # pyHanko: only to sign

            detail, signed = sign_copy(pdf, signer)
            doc.record("sign", "ok", detail)
            doc.signatures = [*(s for s in doc.signatures if s.on == "original"), signed]
        files = [_stored(store, pdfa_key(doc.id, doc.code), pdf, "pdfa", lock, PDF)]
    for page, layout in zip(doc.pages, layouts, strict=True):
        name = page_key(doc.id, page.number)
        text = page.text.encode()
        files.append(_stored(store, name + TEXT_SUFFIX, text, "text", lock, TEXT))
        layout_json = layout.model_dump_json().encode()
        files.append(_stored(store, name + LAYOUT_SUFFIX, layout_json, "layout", lock, JSON))
    doc.files = files
    doc.pdf_sha256 = files[0].sha256
    doc.package = prefix
    total = sum(f.size for f in files) + sum(o.size for o in doc.originals)
    doc.record(
        "package",
        "ok",
        f"{len(files) + len(doc.originals)} files, {total / 1e6:.1f} MB written to"
        f" {store.url} and verified",
    )
    describe_package(store, doc, doc.events, lock)


def replace_page_text(store: Store, doc: Document, number: int, lock: Lock) -> StoredFile:
    """Write page `number`'s text (as `doc` now has it) over the package's; the new file."""
    text = next(page.text for page in doc.pages if page.number == number)
    return _stored(store, page_key(doc.id, number) + TEXT_SUFFIX, text.encode(), "text", lock, TEXT)


def describe_package(store: Store, doc: Document, events: list[Event], lock: Lock) -> None:
    """Write the metadata, documentation and METS of a package whose data files are in the
    store; written again when the record changes (reclassified, held), its METS last."""
    prefix = package_prefix(doc.id)
    data = [replace(f, path=f.path.removeprefix(prefix)) for f in data_files(doc)]
    record = put_verified(
        store, prefix + RECORD, doc.model_dump_json(indent=2).encode(), lock, JSON
    )
    dc = put_verified(store, prefix + DUBLIN_CORE, dublin_core(doc), lock, XML)
    readme = put_verified(store, prefix + README, README_TEXT.encode(), lock, TEXT)
    schema = put_verified(store, prefix + SCHEMA, _record_schema(), lock, JSON)
    listed = [*data, record, dc, readme, schema]
    preservation = put_verified(store, prefix + PREMIS_FILE, premis(doc, listed, events), lock, XML)
    groups: dict[str, list[PackageFile]] = {"Documentation": [readme], "Schemas": [schema]}
    for f in data:
        groups.setdefault(f"Representations/{f.path.split('/')[1]}", []).append(f)
    created = next((e.at for e in events if e.stage == "package"), datetime.now(UTC))
    metadata = {"descriptive": [dc, record], "preservation": [preservation]}
    put_verified(
        store, prefix + METS_FILE, mets_document(doc, created, metadata, groups), lock, XML
    )


@cache
def _record_schema() -> bytes:
    """The JSON schema of record.json (pydantic takes 13 ms to make it)."""
    return json.dumps(Document.model_json_schema(), indent=2, ensure_ascii=False).encode()


def _stored(
    store: Store, key: str, source: Path | bytes, role: str, lock: Lock, media_type: str
) -> StoredFile:
    f = put_verified(store, key, source, lock, media_type)
    return StoredFile(role=role, key=key, sha256=f.sha256, size=f.size, media_type=media_type)


def put_verified(
    store: Store, key: str, source: Path | bytes, lock: Lock | None, media_type: str
) -> PackageFile:
    """Write, read back, and compare: a store that loses or alters bytes is caught here.
    The path returned is inside the package."""
    if isinstance(source, bytes):
        sha256, size = hashlib.sha256(source).hexdigest(), len(source)
    else:
        sha256, size = sha256_file(source), source.stat().st_size
    store.put(key, source, lock, sha256)
    if stored_sha256(store, key) != sha256:
        raise StoreDamaged(f"{key} read back from {store.url} differs from what was written")
    return PackageFile(key.split("/", 2)[2], sha256, size, media_type)
