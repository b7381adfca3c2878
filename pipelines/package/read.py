"""Reading a package back: which packages the store holds (finished, or without their
METS), the files a METS lists, and the record, checked against the METS's checksums."""

from lxml import etree
from pydantic import ValidationError

from archive_schema.catalog import Catalog
from archive_schema.identifiers import sha256_stream
from archive_schema.models import Document
from ocr.layout import PageLayout
from pipelines.package.layout import (
    LAYOUT_SUFFIX,
    METS_FILE,
    RECORD,
    RECORDS,
    original_key,
    package_prefix,
    page_key,
)
from pipelines.package.mets import PackageFile, listed_files
from pipelines.store import Store, StoreDamaged, StoreRefused

REPAIR_HINT = "`sohoa verify --repair` writes it again when the package's files match"


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


def package_files(store: Store, document_id: str) -> list[PackageFile]:
    """The files the package's METS lists, by their store keys; none when unfinished."""
    prefix = package_prefix(document_id)
    if not store.exists(prefix + METS_FILE):
        return []
    with store.open(prefix + METS_FILE) as mets:
        try:
            listed = listed_files(mets.read())
        except (etree.XMLSyntaxError, TypeError, ValueError, IndexError) as error:
            raise StoreDamaged(f"{prefix + METS_FILE}: not a readable METS ({error})") from error
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
            raise StoreDamaged(f"{f.path} does not match its checksum in {prefix + METS_FILE}")
    with store.open(prefix + RECORD) as record:
        return Document.model_validate_json(record.read())


def data_files(doc: Document) -> list[PackageFile]:
    """The record's scans, PDF/A, text and layout as the catalog knows them, by store key;
    each once (an electronic original in PDF/A is its own access copy)."""
    originals = [
        PackageFile(original_key(doc.id, o.name), o.sha256, o.size, o.media_type, o.puid)
        for o in [*doc.originals, *doc.superseded]
    ]
    kept = {f.path for f in originals}
    return originals + [
        PackageFile(f.key, f.sha256, f.size, f.media_type) for f in doc.files if f.key not in kept
    ]


def page_layout(store: Store, doc: Document, number: int) -> PageLayout | None:
    """The layout OCR left of page `number` (word boxes, the way back to the scan); None
    for a record without one (an electronic original)."""
    key = page_key(doc.id, number) + LAYOUT_SUFFIX
    if not any(f.key == key for f in doc.files):
        return None
    with store.open(key) as data:
        return PageLayout.model_validate_json(data.read())


def stored_sha256(store: Store, key: str) -> str:
    """The SHA-256 of an object as the store holds it now."""
    with store.open(key) as data:
        return sha256_stream(data)


def current_record(store: Store, catalog: Catalog, document_id: str) -> Document:
    """The record as it is now, to write its package again: the catalog's, which has every
    change made since (its description or a page's text corrected, its retention, its
    events, the files written again); the package's own when the catalog has lost it."""
    in_catalog = next(catalog.documents(ids=[document_id]), None)
    if in_catalog is not None:
        in_catalog.events = catalog.events(document_id)
        return in_catalog
    try:
        with store.open(package_prefix(document_id) + RECORD) as record:
            return Document.model_validate_json(record.read())
    except (StoreRefused, StoreDamaged, ValidationError):
        raise StoreDamaged(
            f"{package_prefix(document_id)}: no readable {RECORD} and no record in the"
            " catalog: ingest its batch again"
        ) from None
