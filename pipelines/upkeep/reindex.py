"""Reindexing: the search index rebuilt from the packages in the archive store."""

from collections.abc import Callable, Iterator

from archive_schema.disposal import Disposals
from archive_schema.errors import UserError
from archive_schema.models import Document
from pipelines.archive import Archive
from pipelines.package.layout import METS_FILE, package_prefix
from pipelines.package.read import REPAIR_HINT, finished_packages, load_package
from pipelines.store import UNREADABLE


class ReindexFailed(UserError):
    """Some packages in the store could not be read back; the rest were indexed."""


def reindex(archive: Archive, progress: Callable[[int, int], None] | None = None) -> int:
    """Rebuild the search index from the packages in the archive store, the source of
    truth, while searches go on in the old one; the retention status the catalog has
    since set (review) is kept. `progress(done, total)` follows it. Returns how many
    records were indexed."""
    store, catalog = archive.store, archive.catalog
    statuses = catalog.retention_statuses()
    destroyed = {s.document_id for s in Disposals(catalog).tombstones() if s.bars_archiving}
    listed = finished_packages(store) - destroyed  # a destruction under way is not undone
    damaged: list[str] = []

    def packages(ids: set[str]) -> Iterator[Document]:
        for done, document_id in enumerate(sorted(ids), start=1):
            try:
                doc = load_package(store, document_id)
            except UNREADABLE as error:
                damaged.append(f"{error}; {REPAIR_HINT}")
                continue
            if doc is not None and doc.retention and document_id in statuses:
                doc.retention.status = statuses[document_id]  # type: ignore[assignment]
            if progress:
                progress(done, len(ids))
            if doc is not None:
                yield doc

    count = archive.search.rebuild(packages(listed))
    finished = finished_packages(store)
    late = finished - listed - destroyed  # archived while it ran
    archive.search.index(packages(late))
    damaged += [
        f"{package_prefix(i)}: archived, but its {METS_FILE} is missing: {REPAIR_HINT}, then"
        " run `sohoa reindex` again"
        for i in sorted(catalog.document_ids() - finished)
    ]
    if damaged:
        raise ReindexFailed(
            f"{count + len(late)} records indexed; {len(damaged)} packages are damaged and"
            " were not:\n" + "\n".join(damaged)
        )
    return count + len(late)
