"""Signatures validated again (`sohoa verify`): each signed original, and each copy the
agency signed, read back from the store and its signatures validated as at intake, against
the trust roots configured now.
A certificate that has expired since, or roots that changed, change the verdict; the
catalog, the record's package and its index entry follow, with an event."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from archive_schema.models import Document, Event
from pipelines.archive import Archive
from pipelines.package.layout import original_key
from pipelines.record_changes import record_changed
from pipelines.signatures.validation import signatures_of, trust_roots


@dataclass
class Revalidated:
    checked: int = 0
    changed: list[str] = field(default_factory=list)  # what changed, a line each
    not_valid: int = 0  # signatures that are not valid now


def revalidate(archive: Archive, progress: Callable[[int, int], None] | None = None) -> Revalidated:
    roots = trust_roots(archive.settings.trust_roots)
    signed = [doc for doc in archive.catalog.documents() if doc.signatures]
    result = Revalidated()
    moved = []
    for done, doc in enumerate(signed, start=1):
        now = []
        for on, key in _signed_files(doc):
            with archive.store.open(key) as data:
                now += [s.model_copy(update={"on": on}) for s in signatures_of(data.read(), roots)]
        result.checked += len(now)
        result.not_valid += sum(1 for s in now if s.status != "valid")
        before = {(s.on, s.field): s.status for s in doc.signatures}
        changes = [
            f"{s.field}: {before.get((s.on, s.field), 'none')} -> {s.status} ({s.detail})"
            for s in now
            if before.get((s.on, s.field)) != s.status
        ]
        outcome = "ok" if all(s.status == "valid" for s in now) else "failed"
        detail = "; ".join(changes) or "validated again: unchanged"
        evt = Event(stage="signatures", outcome=outcome, detail=detail)
        archive.catalog.set_signatures(doc.id, now, evt)
        if changes:
            result.changed += [f"records/{doc.id}/ {change}" for change in changes]
            moved.append(doc.id)
        if progress:
            progress(done, len(signed))
    record_changed(archive, moved)
    return result


def _signed_files(doc: Document) -> list[tuple[Literal["original", "copy"], str]]:
    """The keys of the record's signed files: its electronic original, its signed copy."""
    kinds = {s.on for s in doc.signatures}
    found: list[tuple[Literal["original", "copy"], str]] = []
    if "original" in kinds:
        found.append(("original", original_key(doc.id, doc.originals[0].name)))
    if "copy" in kinds:
        found.append(("copy", next(f.key for f in doc.files if f.role == "pdfa")))
    return found
