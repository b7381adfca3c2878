"""What an archivist uploads, checked before anything is kept: what each file is, from its
content (never its name); a zip's entries (no path out of the batch, no link, no bomb);
the manifest. The size of the whole upload is capped by web.limits, as it arrives."""

import shutil
import zipfile
from pathlib import Path, PurePosixPath

import magic
from fastapi import UploadFile

from archive_schema.errors import UserError
from pipelines.ingest.formats import PDF, SCAN_IMAGE_TYPES
from pipelines.ingest.intake import system_file
from pipelines.ingest.manifest import MANIFEST_NAMES
from pipelines.ingest.zips import MAX_BATCH_BYTES, unsafe_path, zip_bomb

ZIP = "application/zip"
SPREADSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MANIFEST_TYPES = {
    ".csv": {"text/csv", "text/plain", "application/csv"},
    ".xlsx": {SPREADSHEET, ZIP, "application/octet-stream"},
}
SNIFFED = 8192  # bytes libmagic reads


class UploadRefused(UserError):
    """The upload is not a batch sohoa can take; the message names the file and why."""


async def receive(
    files: list[UploadFile], manifest: UploadFile | None, target: Path
) -> tuple[Path, str]:
    """Keep the upload in `target`: a zip as `batch.zip`, files (of a folder) under `batch/`.
    Returns the batch's path and a name for it."""
    files = [f for f in files if f.filename and not system_file(_relative(f.filename))]
    if not files:
        raise UploadRefused("Chọn một tệp zip, hoặc các ảnh quét (một thư mục) để tải lên.")
    target.mkdir(parents=True)
    try:
        first = await _sniff(files[0])
        if len(files) == 1 and first == ZIP:
            batch = target / "batch.zip"
            await _save(files[0], batch)
            _check_zip(batch, files[0].filename or "")
            if manifest is not None and manifest.filename:
                _add_manifest(batch, await _manifest(manifest, target))
            return batch, files[0].filename or "batch.zip"
        return await _save_folder(files, manifest, target / "batch")
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)  # nothing half-received is kept
        raise


async def _save_folder(
    files: list[UploadFile], manifest: UploadFile | None, batch: Path
) -> tuple[Path, str]:
    paths = [_relative(f.filename or "") for f in files]
    # A folder chosen in the browser comes as `folder/…`: its contents are the batch.
    tops = {p.parts[0] for p in paths}
    shared = len(tops) == 1 and all(len(p.parts) > 1 for p in paths)
    for upload, path in zip(files, paths, strict=True):
        kind = await _sniff(upload)
        if kind not in SCAN_IMAGE_TYPES | {PDF}:
            raise UploadRefused(
                f"{path}: là {kind}, không phải ảnh quét (TIFF, JPEG, PNG, JPEG 2000) hay PDF;"
                " một lô gồm một tệp zip hoặc các ảnh quét."
            )
        relative = PurePosixPath(*path.parts[1:]) if shared else path
        await _save(upload, batch.joinpath(*relative.parts))
    if manifest is not None and manifest.filename:
        found = await _manifest(manifest, batch.parent)
        found.rename(batch / found.name)
    name = next(iter(tops)) if shared else f"{len(files)} tệp"
    return batch, name


async def _manifest(upload: UploadFile, target: Path) -> Path:
    suffix = PurePosixPath(upload.filename or "").suffix.lower()
    kind = await _sniff(upload)
    if kind not in MANIFEST_TYPES.get(suffix, set()):
        raise UploadRefused(
            f"{upload.filename}: bảng kê phải là tệp .csv (UTF-8) hoặc .xlsx; tệp này là {kind}."
        )
    path = target / f"manifest{suffix}"
    await _save(upload, path)
    return path


def _check_zip(path: Path, name: str) -> None:
    try:
        with zipfile.ZipFile(path) as zipped:
            members = zipped.infolist()
    except zipfile.BadZipFile as error:
        raise UploadRefused(f"{name}: tệp zip bị hỏng ({error}).") from error
    refused = [
        f"{m.filename}: {reason.vi}" for m in members if (reason := unsafe_path(m) or zip_bomb(m))
    ]
    if refused:
        raise UploadRefused(f"{name} bị từ chối, không có gì được lưu: " + "; ".join(refused[:5]))
    if sum(m.file_size for m in members) > MAX_BATCH_BYTES:
        raise UploadRefused(f"{name}: giải nén ra hơn {MAX_BATCH_BYTES >> 30} GiB.")


def _add_manifest(batch: Path, manifest: Path) -> None:
    with zipfile.ZipFile(batch, "a") as zipped:
        if any(PurePosixPath(n).name.lower() in MANIFEST_NAMES for n in zipped.namelist()):
            raise UploadRefused("Tệp zip đã có bảng kê (manifest): không gửi kèm bảng kê thứ hai.")
        zipped.write(manifest, manifest.name)
    manifest.unlink()


def _relative(name: str) -> PurePosixPath:
    """A file's path inside the upload, refused if it would lead out of it."""
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise UploadRefused(f"{name}: đường dẫn không hợp lệ (tuyệt đối hoặc có '..').")
    return path


async def _sniff(upload: UploadFile) -> str:
    head = await upload.read(SNIFFED)
    await upload.seek(0)
    kind: str = magic.from_buffer(head, mime=True)
    return kind


async def _save(upload: UploadFile, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        while chunk := await upload.read(1 << 20):
            out.write(chunk)
