"""Package: the record written to the archive store as an E-ARK CSIP package (TT 05/2025),
every file verified after writing.

    records/<id>/METS.xml                             every file below, with its SHA-256
    records/<id>/metadata/descriptive/dc.xml          the description in Dublin Core
    records/<id>/metadata/descriptive/record.json     the whole record, as sohoa reads it
    records/<id>/metadata/preservation/premis.xml     the files' fixity and the events
    records/<id>/documentation/README.txt             what is where, for a reader without sohoa
    records/<id>/schemas/record.schema.json           the JSON schema of record.json
    records/<id>/representations/original/data/…      the original scans, by path in the batch
    records/<id>/representations/pdfa/data/<code>.pdf the PDF/A (named by the document code
                                                      when there is one, as TT 05/2025 names
                                                      digitised files)
    records/<id>/representations/text/data/…          the text and layout of every page

The METS is written last: a package without it is unfinished and is written again by the
next run. Every object gets the record's lock: retained until its review date.
"""

import hashlib
import json
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

from lxml import etree

from archive_schema.models import Document, Event, StoredFile
from ocr.layout import PageLayout
from pipelines.ingest.formats import sha256_file, sha256_stream
from pipelines.ingest.intake import DocumentSource
from pipelines.package.mets import PackageFile, dublin_core, listed_files, mets_document, premis
from pipelines.package.xmp import write_record_metadata
from pipelines.store import Lock, Store, StoreError

RECORDS = "records/"
METS_FILE = "METS.xml"
RECORD = "metadata/descriptive/record.json"
DUBLIN_CORE = "metadata/descriptive/dc.xml"
PREMIS_FILE = "metadata/preservation/premis.xml"
README = "documentation/README.txt"
PDF, TEXT, JSON, XML = "application/pdf", "text/plain", "application/json", "application/xml"
SCHEMA = "schemas/record.schema.json"
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


def package_prefix(document_id: str) -> str:
    return f"{RECORDS}{document_id}/"


def finished_packages(store: Store) -> set[str]:
    """The ids of the documents whose package is finished (its METS written)."""
    return packages_in(store)[0]


def packages_in(store: Store) -> tuple[set[str], set[str]]:
    """The ids of the finished packages in the store, and of those without a METS (being
    written, left by a crash, or whose METS was lost), in one listing."""
    finished: set[str] = set()
    seen: set[str] = set()
    for key in store.keys(RECORDS):
        document_id = key.removeprefix(RECORDS).split("/")[0]
        seen.add(document_id)
        if key == package_prefix(document_id) + METS_FILE:
            finished.add(document_id)
    return finished, seen - finished


def original_key(document_id: str, name: str) -> str:
    """Where an original scan is kept: under its path inside the batch."""
    return f"{package_prefix(document_id)}representations/original/data/{name}"


def record_lock(doc: Document, permanent_years: int, held: bool = False) -> Lock:
    """The lock of a record's objects: retained until its review date ("Xem xét hủy") while
    it is still to come, a permanent one for `permanent_years`; an unclassified or held
    record under legal hold."""
    retention = doc.retention
    classified = retention is not None and retention.status != "unclassified"
    until = None
    if retention is not None and retention.permanent:
        until = years_ahead(permanent_years)
    elif retention is not None and retention.review_from and retention.review_from > date.today():
        until = retention.review_from
    return Lock(retain_until=until, legal_hold=held or not classified)


def years_ahead(years: int) -> date:
    today = date.today()
    return today.replace(year=today.year + years, day=min(today.day, 28))


def package(
    doc: Document,
    source: DocumentSource,
    pdf: Path,
    layouts: list[PageLayout],
    store: Store,
    lock: Lock,
) -> None:
    prefix = package_prefix(doc.id)
    data = f"{prefix}representations/"
    write_record_metadata(pdf, doc)
    for path, original in zip(source.files, source.originals, strict=True):
        _put(store, original_key(doc.id, original.name), path, lock, original.media_type)
    pdf_key = f"{data}pdfa/data/{doc.code or doc.id}.pdf"
    files = [_stored(store, pdf_key, pdf, "pdfa", lock, PDF)]
    for page, layout in zip(doc.pages, layouts, strict=True):
        name = f"{data}text/data/page-{page.number:04d}"
        files.append(_stored(store, f"{name}.txt", page.text.encode(), "text", lock, TEXT))
        layout_json = layout.model_dump_json().encode()
        files.append(_stored(store, f"{name}.layout.json", layout_json, "layout", lock, JSON))
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


def describe_package(store: Store, doc: Document, events: list[Event], lock: Lock) -> None:
    """Write the metadata, documentation and METS of a package whose data files are in the
    store; written again when the record changes (reclassified, held), its METS last."""
    prefix = package_prefix(doc.id)
    data = [replace(f, path=f.path.removeprefix(prefix)) for f in data_files(doc)]
    record = _put(store, prefix + RECORD, doc.model_dump_json(indent=2).encode(), lock, JSON)
    dc = _put(store, prefix + DUBLIN_CORE, dublin_core(doc), lock, XML)
    readme = _put(store, prefix + README, README_TEXT.encode(), lock, TEXT)
    schema_json = json.dumps(Document.model_json_schema(), indent=2, ensure_ascii=False)
    schema = _put(store, prefix + SCHEMA, schema_json.encode(), lock, JSON)
    listed = [*data, record, dc, readme, schema]
    preservation = _put(store, prefix + PREMIS_FILE, premis(doc, listed, events), lock, XML)
    groups: dict[str, list[PackageFile]] = {"Documentation": [readme], "Schemas": [schema]}
    for f in data:
        groups.setdefault(f"Representations/{f.path.split('/')[1]}", []).append(f)
    created = next((e.at for e in events if e.stage == "package"), datetime.now(UTC))
    metadata = {"descriptive": [dc, record], "preservation": [preservation]}
    _put(store, prefix + METS_FILE, mets_document(doc, created, metadata, groups), lock, XML)


def package_files(store: Store, document_id: str) -> list[PackageFile]:
    """The files the package's METS lists, by their store keys; none when unfinished."""
    prefix = package_prefix(document_id)
    if not store.exists(prefix + METS_FILE):
        return []
    with store.open(prefix + METS_FILE) as mets:
        try:
            listed = listed_files(mets.read())
        except (etree.XMLSyntaxError, TypeError, ValueError, IndexError) as error:
            raise StoreError(f"{prefix + METS_FILE}: not a readable METS ({error})") from error
    return [PackageFile(prefix + f.path, f.sha256, f.size, f.media_type) for f in listed]


def load_package(store: Store, document_id: str) -> Document | None:
    """The record of a finished package, after checking every file against the checksum
    its METS records; None when there is no finished package."""
    prefix = package_prefix(document_id)
    files = package_files(store, document_id)
    if not files:
        return None
    for f in files:
        if stored_sha256(store, f.path) != f.sha256:
            raise StoreError(f"{f.path} does not match its checksum in {prefix + METS_FILE}")
    with store.open(prefix + RECORD) as record:
        return Document.model_validate_json(record.read())


def data_files(doc: Document) -> list[PackageFile]:
    """The record's scans, PDF/A, text and layout as the catalog knows them, by store key."""
    originals = [
        PackageFile(original_key(doc.id, o.name), o.sha256, o.size, o.media_type)
        for o in doc.originals
    ]
    return originals + [PackageFile(f.key, f.sha256, f.size, f.media_type) for f in doc.files]


def _stored(
    store: Store, key: str, source: Path | bytes, role: str, lock: Lock, media_type: str
) -> StoredFile:
    f = _put(store, key, source, lock, media_type)
    return StoredFile(role=role, key=key, sha256=f.sha256, size=f.size, media_type=media_type)


def _put(store: Store, key: str, source: Path | bytes, lock: Lock, media_type: str) -> PackageFile:
    """Write, read back, and compare: a store that loses or alters bytes is caught here.
    The path returned is inside the package."""
    if isinstance(source, bytes):
        sha256, size = hashlib.sha256(source).hexdigest(), len(source)
    else:
        sha256, size = sha256_file(source), source.stat().st_size
    store.put(key, source, lock, sha256)
    if stored_sha256(store, key) != sha256:
        raise StoreError(f"{key} read back from {store.url} differs from what was written")
    return PackageFile(key.split("/", 2)[2], sha256, size, media_type)


def stored_sha256(store: Store, key: str) -> str:
    """The SHA-256 of an object as the store holds it now."""
    with store.open(key) as data:
        return sha256_stream(data)
