"""Fixity: every archived object hashed again and compared with the SHA-256 that both the
catalog and the package's METS recorded; each check is an event of its record. Objects
under records/ that no record lists are reported as unexpected. The packages of dossiers
and fonds are checked against their METS."""

from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree

from archive_schema.errors import UserError
from archive_schema.models import Document, Event, Status
from pipelines.archive import Archive
from pipelines.package.layout import DOSSIERS, FONDS, METS_FILE, RECORDS, package_prefix
from pipelines.package.mets import listed_files
from pipelines.package.read import REPAIR_HINT, data_files, package_files, stored_sha256
from pipelines.store import UNREADABLE, Store


class FixityFailed(UserError):
    """Archived objects are missing, altered or unexpected; the message lists them."""


@dataclass
class FixityAudit:
    checked: int = 0
    missing: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # packages the catalog has no record of
    strays: list[str] = field(default_factory=list)  # left by writes killed half way

    @property
    def problems(self) -> list[str]:
        return (
            self.missing
            + self.changed
            + [f"{k}: listed by no record" for k in self.unexpected]
            + [
                f"{package_prefix(i)}: a package the catalog has no record of; `sohoa rebuild`"
                " restores it"
                for i in self.unknown
            ]
            + [
                f"{k}: left by a write that was killed half way; `sohoa verify --repair` removes it"
                for k in self.strays
            ]
        )


def audit_fixity(
    archive: Archive, progress: Callable[[int, int], None] | None = None
) -> FixityAudit:
    """Check every object of every archived (or merged) record; `progress(done, total)` follows the
    records. Raises FixityFailed, listing the problems, when anything is wrong."""
    store, catalog = archive.store, archive.catalog
    documents = [*catalog.documents(), *catalog.documents(Status.MERGED)]  # both kept whole
    present = set(store.keys(RECORDS))
    expected: set[str] = set()
    damaged: set[str] = set()  # whose METS is lost: their other files are not unexpected
    audit = FixityAudit()
    for done, doc in enumerate(documents, start=1):
        recorded, events = _recorded(store, doc, present, audit)
        if events:
            damaged.add(doc.id)
        events += [_check(store, key, sha, present, audit) for key, sha in recorded.items()]
        catalog.add_events(doc.id, doc.batch_id, events)
        audit.checked += len(events)
        expected |= recorded.keys()
        if progress:
            progress(done, len(documents))
    archived = {doc.id for doc in documents} - damaged
    for key in sorted(present - expected):
        # a record still being archived or destroyed is not yet, or no longer, complete
        if (id_ := key.split("/")[1]) in archived:
            audit.unexpected.append(key)
        elif id_ not in damaged and catalog.status(id_) is None and id_ not in audit.unknown:
            audit.unknown.append(id_)
    audit.checked += _check_parents(store, audit)
    audit.strays = store.strays()
    if audit.problems:
        raise FixityFailed(
            f"{len(audit.problems)} problems in {store.url} ({audit.checked} objects checked:"
            f" {len(audit.missing)} missing, {len(audit.changed)} changed,"
            f" {len(audit.unexpected) + len(audit.unknown)} unexpected,"
            f" {len(audit.strays)} left by killed writes):\n" + "\n".join(audit.problems)
        )
    return audit


def _check_parents(store: Store, audit: FixityAudit) -> int:
    """Check the files of each dossier's and fonds' package; returns how many."""
    present = {key for root in (DOSSIERS, FONDS) for key in store.keys(root)}
    checked = 0
    for mets in sorted(key for key in present if key.endswith("/" + METS_FILE)):
        prefix = mets.removesuffix(METS_FILE)
        try:
            with store.open(mets) as data:
                listed = listed_files(data.read())
        except (*UNREADABLE, etree.XMLSyntaxError) as error:
            audit.changed.append(f"{mets}: not a readable METS ({error})")
            continue
        for f in listed:
            _check(store, prefix + f.path, {"the METS": f.sha256}, present, audit)
            checked += 1
    return checked


def _recorded(
    store: Store, doc: Document, present: set[str], audit: FixityAudit
) -> tuple[dict[str, dict[str, str]], list[Event]]:
    """Each object of the record, with the SHA-256 each source (the catalog, the METS)
    recorded; a lost or unreadable METS is a failed check of its own."""
    recorded = {f.path: {"the catalog": f.sha256} for f in data_files(doc)}
    mets = package_prefix(doc.id) + METS_FILE
    if mets not in present:
        lost = f"{mets}: missing, the package cannot be checked; {REPAIR_HINT}"
        audit.missing.append(lost)
        return recorded, [Event(stage="fixity", outcome="failed", detail=lost)]
    try:
        listed = package_files(store, doc.id)
    except UNREADABLE as error:
        audit.changed.append(f"{error}; {REPAIR_HINT}")
        return recorded, [Event(stage="fixity", outcome="failed", detail=str(error))]
    recorded[mets] = {}  # the METS holds the checksums; whether it is there is checked
    for f in listed:
        recorded.setdefault(f.path, {})["the METS"] = f.sha256
    return recorded, []


def _check(
    store: Store, key: str, recorded: dict[str, str], present: set[str], audit: FixityAudit
) -> Event:
    if key not in present:
        detail = f"{key}: missing from {store.url}"
        audit.missing.append(detail)
        return Event(stage="fixity", outcome="failed", detail=detail)
    try:
        actual = stored_sha256(store, key)
    except UNREADABLE as error:
        actual = f"unreadable ({error})"
    differing = [f"{source} recorded {sha}" for source, sha in recorded.items() if sha != actual]
    if differing:
        detail = f"{key}: SHA-256 is {actual}, " + ", ".join(differing)
        audit.changed.append(detail)
        return Event(stage="fixity", outcome="failed", detail=detail)
    return Event(stage="fixity", outcome="ok", detail=f"{key}: SHA-256 matches")
