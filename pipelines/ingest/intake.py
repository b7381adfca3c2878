"""Intake: from a batch (folder or zip) to the documents it holds, each file hashed and
identified, the manifest reconciled, and what cannot be read set aside with the reason.

A file that holds several documents with a blank sheet between each two (a box scanned in
one go) is cut at its blank pages when the batch or its manifest row asks for it: each run
of pages between blank ones is a document of its own, the blank pages in none, and every
part keeps the file whole among its originals. The first part keeps the file's id, as the
first part of a split on the review screen does (pipelines.split)."""

import os
import re
import zipfile
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path, PurePath, PurePosixPath
from typing import Any

from archive_schema.errors import Said, UserError
from archive_schema.identifiers import batch_id, document_id, part_id, sha256_file
from archive_schema.models import OriginalFile
from archive_schema.vocab import FIELD_LABELS
from ocr import MAX_PAGE_MEGAPIXELS
from pipelines.ingest.formats import PDF, UnreadableScan, identify
from pipelines.ingest.manifest import (
    SPLIT_AT_BLANK,
    Manifest,
    ManifestError,
    ManifestRow,
    find_manifest,
    read_manifest,
)
from pipelines.ingest.zips import ZipRefused, unpack

IGNORED_NAMES = {"thumbs.db", "desktop.ini"}
# What a manifest row says of a file cut at its blank pages that holds for each part: the
# archival context. The fields of a document's own are read from each part's header.
BOX_FIELDS = ("dossier_code", "dossier_end_year", "access_level", "language", "secrecy")


class BatchError(UserError, ValueError):
    """The batch as a whole cannot be read; nothing in it was processed."""


LINK = Said(
    "a symbolic link: links are refused and not followed, nothing it points to was read",
    "là liên kết (symbolic link): không nhận liên kết, không đọc gì ở nơi nó trỏ tới",
)
SPECIAL = Said(
    "not a regular file (a pipe, socket or device): not read",
    "không phải tệp thông thường (pipe, socket, thiết bị): không đọc",
)


@dataclass(frozen=True)
class DocumentSource:
    """A document of the batch, ready for OCR: its files in page order, and which of their
    pages it holds (numbered through the files, from 1; none: every page)."""

    name: str
    id: str
    files: tuple[Path, ...]
    originals: tuple[OriginalFile, ...]
    manifest: dict[str, Any] = field(default_factory=dict)
    pages: tuple[int, ...] = ()

    @property
    def page_count(self) -> int:
        return len(self.pages) or sum(o.pages for o in self.originals)


@dataclass(frozen=True)
class Rejected:
    """Something of the batch that will not be archived, and why; its files are kept apart."""

    name: str
    reason: str
    files: tuple[Path, ...] = ()
    reason_vi: str = ""  # the same, in Vietnamese

    @classmethod
    def said(cls, name: str, reason: Said, files: tuple[Path, ...] = ()) -> "Rejected":
        return cls(name, reason.en, files, reason.vi)


@dataclass
class BatchIntake:
    batch_id: str
    root: Path
    documents: list[DocumentSource] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    problems: list[Said] = field(default_factory=list)  # make the batch fail
    warnings: list[Said] = field(default_factory=list)  # reported only
    manifest: Path | None = None

    @property
    def summary(self) -> str:
        return f"{len(self.documents)} documents, {len(self.rejected)} quarantined"


def intake(
    batch: Path,
    work: Path,
    schedule_rows: Collection[str],
    max_megapixels: float = MAX_PAGE_MEGAPIXELS,
    split_at_blank: bool = False,
) -> BatchIntake:
    """Read `batch` (a folder, or a zip unpacked into `work`) into documents; with
    `split_at_blank`, every file is cut at its blank pages, unless its manifest row says
    otherwise."""
    rejected: list[Rejected] = []
    if batch.is_dir():
        root = batch
    elif batch.is_file() and zipfile.is_zipfile(batch):
        root = work / "batch"
        try:
            unsafe = unpack(batch, root, work / "unsafe")
        except ZipRefused as error:
            raise BatchError(str(error), error.vi) from error
        rejected += [Rejected.said(name, why, kept) for name, why, kept in unsafe]
    elif batch.exists():
        raise BatchError(
            f"{batch} is neither a folder nor a zip file",
            f"{batch.name} không phải thư mục hay tệp zip",
        )
    else:
        raise BatchError(f"{batch} does not exist", f"không có lô {batch.name}")

    files, not_files = _walk(root)
    files.sort(key=lambda p: _natural(p.relative_to(root)))
    ignored = [p for p in files if system_file(p.relative_to(root))]
    files = [p for p in files if p not in ignored]
    hashes = {path: sha256_file(path) for path in files}
    result = BatchIntake(
        batch_id((_name(p, root), sha) for p, sha in hashes.items()), root, rejected=rejected
    )
    if ignored:
        names = ", ".join(_name(p, root) for p in ignored)
        result.warnings.append(
            Said(f"ignored system files: {names}", f"bỏ qua các tệp của hệ điều hành: {names}")
        )

    try:
        result.manifest = find_manifest(root)
        manifest = read_manifest(result.manifest) if result.manifest else None
    except ManifestError as error:
        raise BatchError(str(error), error.vi) from error
    refused = _refused_entries(root, not_files)
    listed = [p for p in files if p != result.manifest]
    units = _units(root, listed, manifest, result, set(refused))
    seen: dict[str, str] = {}
    for name, paths, row in units:
        problem = _refusal(name, refused) or _row_problem(row, manifest, schedule_rows)
        if problem:
            result.rejected.append(Rejected.said(name, problem, tuple(paths)))
            continue
        source = _document(name, paths, root, hashes, row, max_megapixels)
        if isinstance(source, Rejected):
            result.rejected.append(source)
        elif source.id in seen:
            same = seen[source.id]
            result.rejected.append(
                Rejected(
                    name,
                    f"same content as '{same}' in this batch",
                    tuple(paths),
                    f"trùng nội dung với '{same}' trong lô này",
                )
            )
        else:
            seen[source.id] = name
            split = row.values.get(SPLIT_AT_BLANK, split_at_blank) if row else split_at_blank
            result.documents += _cut_at_blank_pages(source, result) if split else [source]
    result.rejected += [Rejected.said(str(p), refused[p]) for p in sorted(refused, key=_natural)]
    return result


def _walk(root: Path) -> tuple[list[Path], list[Path]]:
    """The regular files under `root`, and the entries that are not one (links, pipes,
    devices), which are never opened: a link is not followed, whatever it points to."""
    files: list[Path] = []
    others: list[Path] = []
    folders = [root]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                path = Path(entry.path)
                if entry.is_symlink():
                    others.append(path)
                elif entry.is_dir(follow_symlinks=False):
                    folders.append(path)
                elif entry.is_file(follow_symlinks=False):
                    files.append(path)
                else:
                    others.append(path)
    return files, others


def _refused_entries(root: Path, entries: list[Path]) -> dict[PurePosixPath, Said]:
    """Why each link or special file is refused, by its path in the batch."""
    refused = {}
    for path in entries:
        relative = PurePosixPath(path.relative_to(root).as_posix())
        if not system_file(relative):
            refused[relative] = LINK if path.is_symlink() else SPECIAL
    return refused


def _refusal(name: str, refused: dict[PurePosixPath, Said]) -> Said | None:
    """Why the document `name` is refused whole for a link or special file in it (each
    one taken off `refused`, so that those of no document are reported by themselves)."""
    unit = PurePosixPath(name)
    inside = sorted((p for p in refused if p == unit or unit in p.parents), key=_natural)
    if not inside:
        return None
    reasons = [(p, refused.pop(p)) for p in inside]
    en = "; ".join(r.en if p == unit else f"{p}: {r.en}" for p, r in reasons)
    vi = "; ".join(r.vi if p == unit else f"{p}: {r.vi}" for p, r in reasons)
    return Said(en, vi)


def _row_problem(
    row: ManifestRow | None, manifest: Manifest | None, schedule_rows: Collection[str]
) -> Said | None:
    if row is None or manifest is None:
        return None
    code = row.values.get("retention_row")
    if row.error is None and code is not None and code not in schedule_rows:
        column = FIELD_LABELS["retention_row"]
        return Said(
            f"{manifest.name} row {row.line}, column {column} (retention_row):"
            f" '{code}' is not a row of the retention schedule",
            f"{manifest.name} dòng {row.line}, cột {column}: bảng thời hạn không có điều '{code}'",
        )
    return Said(row.error, row.error_vi or row.error) if row.error else None


def _units(
    root: Path,
    files: list[Path],
    manifest: Manifest | None,
    result: BatchIntake,
    refused: set[PurePosixPath],
) -> list[tuple[str, list[Path], ManifestRow | None]]:
    """(name, files, manifest row) of each document: the manifest's rows first, then each
    top-level file or folder nobody listed (which is reported, and archived all the same).
    A row naming a refused link is a document of no files, refused for the link."""
    units: list[tuple[str, list[Path], ManifestRow | None]] = []
    claimed: set[Path] = set()
    if manifest is not None:
        result.problems += manifest.problems
        for row in manifest.rows:
            target = root.joinpath(*PurePosixPath(row.file).parts) if row.file else root
            paths = [p for p in files if p == target or target in p.parents] if row.file else []
            named = PurePosixPath(row.file)
            linked = any(p == named or named in p.parents for p in refused)
            if not paths and row.error is None and not linked:
                result.problems.append(
                    Said(
                        f"{manifest.name} row {row.line}: '{row.file}' is not in the batch",
                        f"{manifest.name} dòng {row.line}: lô không có '{row.file}'",
                    )
                )
                continue
            claimed.update(paths)
            units.append((row.file or f"{manifest.name} row {row.line}", paths, row))
    by_top: dict[str, list[Path]] = {}
    for path in files:
        if path not in claimed:
            by_top.setdefault(path.relative_to(root).parts[0], []).append(path)
    if manifest is not None and by_top:
        names = ", ".join(by_top)
        result.warnings.append(
            Said(
                f"not in {manifest.name} (archived without its metadata): {names}",
                f"không có trong {manifest.name} (lưu trữ không kèm thông tin bảng kê): {names}",
            )
        )
    return units + [(name, paths, None) for name, paths in by_top.items()]


def _document(
    name: str,
    paths: list[Path],
    root: Path,
    hashes: dict[Path, str],
    row: ManifestRow | None,
    max_megapixels: float,
) -> DocumentSource | Rejected:
    originals = []
    for path in paths:
        try:
            scan = identify(path, max_megapixels)
        except UnreadableScan as error:
            where = _name(path, root)
            return Rejected(name, f"{where}: {error}", tuple(paths), f"{where}: {error.vi}")
        originals.append(
            OriginalFile(
                name=_name(path, root),
                sha256=hashes[path],
                size=path.stat().st_size,
                media_type=scan.media_type,
                pages=scan.pages,
                puid=scan.puid,
            )
        )
    pdfs = [o.name for o in originals if o.media_type == PDF]
    if pdfs and len(originals) > 1:
        return Rejected(
            name,
            f"a document of several files must be images only, but {pdfs[0]} is a PDF",
            tuple(paths),
            f"một văn bản gồm nhiều tệp chỉ được là ảnh, nhưng {pdfs[0]} là PDF",
        )
    return DocumentSource(
        name=name,
        id=document_id(o.sha256 for o in originals),
        files=tuple(paths),
        originals=tuple(originals),
        manifest={k: v for k, v in row.values.items() if k != SPLIT_AT_BLANK} if row else {},
    )


def _cut_at_blank_pages(source: DocumentSource, result: BatchIntake) -> list[DocumentSource]:
    """The documents between the blank pages of `source` (ocr.blank), or `source` whole when
    it has none, or nothing but blank pages (reported)."""
    from ocr.blank import blank_pages  # scipy, pikepdf: for a batch cut, not for the web
    from ocr.pdf_pages import UnrenderablePdf

    try:
        blank = blank_pages(source.files, source.originals[0].media_type == PDF)
    except (OSError, SyntaxError, ValueError, UnrenderablePdf):
        return [source]  # a page that cannot be decoded: OCR reports it, naming the page
    runs: list[list[int]] = []
    for number, empty in enumerate(blank, start=1):
        if not empty and (number == 1 or blank[number - 2]):
            runs.append([])
        if not empty:
            runs[-1].append(number)
    if not runs:
        result.warnings.append(
            Said(
                f"{source.name}: every page is blank; archived whole, not cut",
                f"{source.name}: mọi trang đều trắng; lưu trữ nguyên tệp, không tách",
            )
        )
    if not any(blank) or not runs:
        return [source]
    blanks = ", ".join(str(n) for n, empty in enumerate(blank, start=1) if empty)
    result.warnings.append(
        Said(
            f"{source.name}: cut at blank pages {blanks} into {len(runs)} documents",
            f"{source.name}: tách tại các trang trắng {blanks} thành {len(runs)} văn bản",
        )
    )
    shas = [o.sha256 for o in source.originals]
    context = {k: v for k, v in source.manifest.items() if k in (*BOX_FIELDS, "retention_row")}
    return [
        DocumentSource(
            name=f"{source.name} (trang {run[0]}-{run[-1]})",
            id=source.id if n == 0 else part_id(shas, run[0], run[-1]),
            files=source.files,
            originals=source.originals,
            manifest=context,
            pages=tuple(run),
        )
        for n, run in enumerate(runs)
    ]


def system_file(relative: PurePath) -> bool:
    """Files of the operating system, not of the batch: hidden ones, Thumbs.db…"""
    return any(part.startswith(".") or part.lower() in IGNORED_NAMES for part in relative.parts)


def _name(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def _natural(relative: PurePath) -> list[Any]:
    """`page-2` before `page-10`."""
    return [
        int(part) if part.isdigit() else part.lower()
        for part in re.split(r"(\d+)", relative.as_posix())
    ]
