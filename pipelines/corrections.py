"""The archivist's corrections of fields and of pages' text (archive_schema.checking),
carried from the catalog to the record's package and its index entry; and where each field
stands on a page, for the review screen to mark it on the scan."""

from collections.abc import Collection, Mapping

from archive_schema.access import User
from archive_schema.checking import Checking
from archive_schema.claims import changing
from archive_schema.fonds import Archives
from archive_schema.models import Document
from pipelines.archive import Archive
from pipelines.filing import filed
from pipelines.package.locks import record_lock
from pipelines.package.read import page_layout
from pipelines.package.write import replace_page_text
from pipelines.record_changes import record_changed

Share = tuple[float, float, float, float]  # left, top, right, bottom, as shares of the page


def checking(archive: Archive) -> Checking:
    return Checking(archive.catalog, archive.settings.review_quality)


def correct(
    archive: Archive,
    document_id: str,
    revision: int,
    given: Mapping[str, str],
    user: str,
    address: str,
) -> list[str]:
    """Save the archivist's values (audited, the record checked), then write the package's
    metadata again and index the record again; returns the fields changed."""
    with changing(archive.catalog, [document_id]):
        left = Archives(archive.catalog).filed_in([document_id])
        changed = checking(archive).correct(document_id, revision, given, user, address)
        record_changed(archive, [document_id])
        filed(archive, [document_id], left)
        return changed


def correct_many(
    archive: Archive,
    ids: Collection[str],
    name: str,
    text: str,
    user: User,
    address: str,
) -> list[str]:
    """One field set for many records the user may read (audited, each in its history),
    their packages and index entries written again; returns the records changed."""
    with changing(archive.catalog, ids):
        found = checking(archive)
        left = Archives(archive.catalog).filed_in(ids)
        changed = found.correct_many(ids, name, text, user.name, address, user.readable_levels)
        record_changed(archive, changed)
        filed(archive, changed, left)
        return changed


def renumber(
    archive: Archive, dossier_code: str, ordinals: Mapping[str, str], user: User, address: str
) -> list[str]:
    """The order of a dossier's documents (their codes follow), carried to their packages
    and index entries; returns the records changed."""
    with changing(archive.catalog, list(ordinals)):
        found = checking(archive)
        changed = found.renumber(dossier_code, ordinals, user.name, address, user.readable_levels)
        record_changed(archive, changed)
        filed(archive, changed)
        return changed


def correct_page(
    archive: Archive,
    document_id: str,
    revision: int,
    number: int,
    text: str,
    user: str,
    address: str,
) -> bool:
    """Save the archivist's text of page `number` (audited), write the page's text file of
    the package again, then its metadata and METS, and index the record again; True when
    the text changed."""
    with changing(archive.catalog, [document_id]):
        if (
            checking(archive).correct_page(document_id, revision, number, text, user, address)
            is None
        ):
            return False
        catalog, store = archive.catalog, archive.store
        doc = next(catalog.documents(ids=[document_id]))
        written = replace_page_text(
            store, doc, number, record_lock(doc, archive.settings.object_lock_permanent_years)
        )
        catalog.replace_file(document_id, written)
        record_changed(archive, [document_id])
        return True


def field_places(archive: Archive, doc: Document, number: int) -> dict[str, list[Share]]:
    """Where on page `number` each of the record's fields was read: the boxes of the words
    that read most like its value."""
    layout = page_layout(archive.store, doc, number)
    if layout is None:
        return {}
    places: dict[str, list[Share]] = {}
    for name, value in doc.model_dump(include=set(doc.sources)).items():
        values = value if isinstance(value, list) else [value]
        boxes = [box for v in values if isinstance(v, str) for box in layout.where(v)]
        if boxes:
            places[name] = boxes
    return places
