"""Signatures validated again (`sohoa verify`): each signed original read back from the
store and its signatures validated as at intake, against the trust roots configured now.
A certificate that has expired since, or roots that changed, change the verdict; the
catalog, the record's package and its index entry follow, with an event."""

from collections.abc import Callable
from dataclasses import dataclass, field

from archive_schema.models import Event
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
        with archive.store.open(original_key(doc.id, doc.originals[0].name)) as original:
            now = signatures_of(original.read(), roots)
        result.checked += len(now)
        result.not_valid += sum(1 for s in now if s.status != "valid")
        before = {s.field: s.status for s in doc.signatures}
        changes = [
            f"{s.field}: {before.get(s.field, 'none')} -> {s.status} ({s.detail})"
            for s in now
            if before.get(s.field) != s.status
        ]
        outcome = "ok" if all(s.status == "valid" for s in now) else "failed"
        detail = "; ".join(changes) or "validated again: unchanged"
        archive.catalog.set_signatures(
            doc.id, now, Event(stage="signatures", outcome=outcome, detail=detail)
        )
        if changes:
            result.changed += [f"records/{doc.id}/ {change}" for change in changes]
            moved.append(doc.id)
        if progress:
            progress(done, len(signed))
    record_changed(archive, moved)
    return result
