"""The two copies of the archive compared (SOHOA_REPLICA_URL), package by package: every
object hashed on both sides. Where they differ, or one side lacks it, the copy that matches
the checksum recorded of it (by the catalog or by its package's METS) is written over the
other, with the same lock, as an event of its record and a row of the audit log. An object
no copy of which matches is lost; copies that differ with nothing recorded to tell which is
right are left for the operator. A record another process is changing is compared next time.
"""

import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from archive_schema.audit import AuditLog
from archive_schema.claims import Claims
from archive_schema.identifiers import sha256_stream
from archive_schema.models import Document, Event, Status
from pipelines.archive import Archive
from pipelines.package.layout import (
    BATCHES,
    DISPOSALS,
    DOSSIERS,
    FONDS,
    METS_FILE,
    RECORDS,
    acceptance_record_key,
)
from pipelines.package.locks import held_record_lock, kept_for_ever
from pipelines.package.mets import listed_files
from pipelines.package.read import data_files, stored_sha256
from pipelines.store import UNREADABLE, Lock, Store, StoreDamaged
from pipelines.store.replicated import ReplicatedStore, put_checked

PACKAGES = (RECORDS, DOSSIERS, FONDS)  # whose METS lists every object
ROOTS = (*PACKAGES, BATCHES, DISPOSALS)
Hashes = tuple[str | None, ...]  # an object's SHA-256 on each side; None: missing or unreadable


@dataclass
class ReplicaAudit:
    compared: int = 0  # objects
    repaired: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    undecided: list[str] = field(default_factory=list)
    busy: list[str] = field(default_factory=list)  # records being changed: compared next time

    @property
    def problems(self) -> list[str]:
        return self.lost + self.undecided

    def failure(self, url: str) -> str:
        return (
            f"{len(self.problems)} problems between {url} and its replica ({self.compared}"
            f" objects compared: {len(self.lost)} lost, {len(self.undecided)} undecided):\n"
            + "\n".join(self.problems)
        )


def audit_replica(
    archive: Archive, progress: Callable[[int, int], None] | None = None
) -> ReplicaAudit | None:
    """Compare and repair the two copies (None without a replica); `progress(done, total)`
    follows the packages."""
    store = archive.store
    if not isinstance(store, ReplicatedStore):
        return None
    sides = (store.primary, store.replica)
    packages: dict[str, set[str]] = {}
    for side in sides:
        for root in ROOTS:
            for key in side.keys(root):
                packages.setdefault("/".join(key.split("/")[:2]) + "/", set()).add(key)
    audit = ReplicaAudit()
    claims = Claims(archive.catalog)
    for done, (prefix, keys) in enumerate(sorted(packages.items()), start=1):
        record = prefix.split("/")[1] if prefix.startswith(RECORDS) else None
        if record is not None and not claims.take([record]):
            audit.busy.append(f"{prefix}: being changed by another process; compared next time")
            continue
        try:
            _reconcile(archive, sides, prefix, sorted(keys), audit)
        finally:
            if record is not None:
                claims.release([record])
        if progress:
            progress(done, len(packages))
    return audit


def _reconcile(
    archive: Archive, sides: tuple[Store, Store], prefix: str, keys: list[str], audit: ReplicaAudit
) -> None:
    hashes = {key: tuple(_sha256(side, key) for side in sides) for key in keys}
    audit.compared += len(keys)
    differing = [key for key, found in hashes.items() if found[0] is None or found[0] != found[1]]
    if not differing:
        return
    doc = _record(archive, prefix)
    catalogued = {f.path: f.sha256 for f in data_files(doc)} if doc else {}
    recorded = _recorded(sides, prefix, catalogued, hashes)
    events = []
    for key in differing:
        found = hashes[key]
        if key.endswith("/" + METS_FILE):  # it lists the others: the copy that describes them
            trusted = [_describes(side, key, hashes, catalogued) for side in sides]
        elif key in recorded:
            trusted = [sha in recorded[key] for sha in found]
        elif prefix.startswith(PACKAGES):  # not part of the package: never spread
            audit.undecided.append(f"{key}: listed by no METS ({_state(sides, found)})")
            continue
        else:  # nothing recorded: the only copy there is (a batch's report…)
            trusted = [True, True]
        good = {sha for sha, ok in zip(found, trusted, strict=True) if ok and sha is not None}
        if len(good) == 1:
            sha = good.pop()
            detail = _copy(archive, sides, key, found.index(sha), sha, doc)
            audit.repaired.append(detail)
            events.append(Event(stage="replica", outcome="ok", detail=detail))
        elif not good:
            detail = f"{key}: lost, no copy matches its recorded SHA-256 ({_state(sides, found)})"
            audit.lost.append(detail)
            events.append(Event(stage="replica", outcome="failed", detail=detail))
        else:
            audit.undecided.append(
                f"{key}: the two copies differ and nothing recorded tells which is right"
                f" ({_state(sides, found)}); compare them, delete the wrong one and run"
                " `sohoa verify` again"
            )
    if doc is not None and events:
        archive.catalog.add_events(doc.id, doc.batch_id, events)


def _sha256(side: Store, key: str) -> str | None:
    try:
        return stored_sha256(side, key)
    except UNREADABLE:
        return None


def _state(sides: tuple[Store, Store], found: Hashes) -> str:
    return ", ".join(
        f"{side.url}: {sha[:12] if sha else 'missing or unreadable'}"
        for side, sha in zip(sides, found, strict=True)
    )


def _record(archive: Archive, prefix: str) -> Document | None:
    if not prefix.startswith(RECORDS):
        return None
    ids = [prefix.split("/")[1]]
    catalog = archive.catalog
    return next(catalog.documents(ids=ids), None) or next(
        catalog.documents(Status.MERGED, ids=ids), None
    )


def _recorded(
    sides: tuple[Store, Store],
    prefix: str,
    catalogued: dict[str, str],
    hashes: dict[str, Hashes],
) -> dict[str, set[str]]:
    """The checksums recorded of each object of the package: by the catalog, and by either
    copy of its METS that describes the package."""
    recorded = {key: {sha} for key, sha in catalogued.items()}
    mets = prefix + METS_FILE
    for side in sides:
        if _describes(side, mets, hashes, catalogued):
            for key, sha in _listed(side, mets):
                recorded.setdefault(key, set()).add(sha)
    return recorded


def _listed(side: Store, mets: str) -> Iterable[tuple[str, str]]:
    prefix = mets.removesuffix(METS_FILE)
    with side.open(mets) as data:
        return [(prefix + f.path, f.sha256) for f in listed_files(data.read())]


def _describes(
    side: Store, mets: str, hashes: dict[str, Hashes], catalogued: dict[str, str]
) -> bool:
    """Whether this copy of a METS can be read, lists the files the catalog has of the
    record (something, for a dossier or fonds), and each file it lists is, on one side or
    the other, as it says."""
    try:
        listed = dict(_listed(side, mets))
    except (*UNREADABLE, etree.XMLSyntaxError, TypeError, ValueError, IndexError):
        return False
    return (
        bool(listed)
        and catalogued.keys() <= listed.keys()
        and all(sha in hashes.get(key, ()) for key, sha in listed.items())
    )


def _copy(
    archive: Archive,
    sides: tuple[Store, Store],
    key: str,
    healthy: int,
    sha: str,
    doc: Document | None,
) -> str:
    """Write the healthy copy over the other, read it back; returns what was done."""
    source, target = sides[healthy], sides[1 - healthy]
    with tempfile.TemporaryDirectory(prefix="sohoa-replica-") as folder:
        copy = Path(folder) / "object"
        with source.open(key) as data, copy.open("wb") as out:
            if sha256_stream(data, out) != sha:  # changed since it was compared
                raise StoreDamaged(f"{key} in {source.url} changed while it was copied")
        put_checked(target, key, copy, _lock(archive, key, doc), sha)
    detail = f"{key}: damaged or missing in {target.url}, written again from {source.url}"
    AuditLog(archive.catalog).record(None, "repair_copy", detail)
    return detail


def _lock(archive: Archive, key: str, doc: Document | None) -> Lock | None:
    """The lock the object was written with: its record's, for ever for the records of
    acceptances and destructions, none for the rest."""
    years = archive.settings.object_lock_permanent_years
    if doc is not None:
        return held_record_lock(archive.catalog, doc, years)
    batch = key.split("/")[1]
    if key.startswith(DISPOSALS) or key == acceptance_record_key(batch):
        return kept_for_ever(years)
    return None
