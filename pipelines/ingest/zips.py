"""Zips, opened safely: a batch uploaded or dropped as a .zip, and the web's check of one
before it is kept. No member is written outside the batch, followed as a link, or unpacked
beyond its declared size or a plausible compression ratio."""

import re
import zipfile
from pathlib import Path, PurePosixPath

from archive_schema.errors import Said, UserError

MAX_COMPRESSION_RATIO = 200  # scans barely compress; far more than this is a zip bomb
MAX_BATCH_BYTES = 50 * 1024**3


class ZipRefused(UserError, ValueError):
    """The zip as a whole cannot be unpacked (damaged, too large)."""


def unpack(archive: Path, target: Path, unsafe: Path) -> list[tuple[str, Said, tuple[Path, ...]]]:
    """Unpack into `target` the members that are safe; return those that are not (a member
    with an absolute or `..` path, a link, an implausible compression ratio), each named
    with why, and kept apart in `unsafe` when it can be, never where it points."""
    rejected: list[tuple[str, Said, tuple[Path, ...]]] = []
    target.mkdir(parents=True)
    try:
        with zipfile.ZipFile(archive) as zipped:
            members = [m for m in zipped.infolist() if not m.is_dir()]
            if sum(m.file_size for m in members) > MAX_BATCH_BYTES:
                raise ZipRefused(
                    f"{archive.name} would unpack to more than {MAX_BATCH_BYTES >> 30} GiB",
                    f"{archive.name} giải nén ra hơn {MAX_BATCH_BYTES >> 30} GiB",
                )
            for member in members:
                if reason := unsafe_path(member):
                    kept = (
                        unsafe
                        / f"{len(rejected):03d}-{PurePosixPath(member.filename).name or 'entry'}"
                    )
                    _extract(zipped, member, kept)
                    rejected.append((member.filename, reason, (kept,)))
                elif reason := zip_bomb(member):
                    rejected.append((member.filename, reason, ()))
                else:
                    _extract(zipped, member, target.joinpath(*PurePosixPath(member.filename).parts))
    except zipfile.BadZipFile as error:
        raise ZipRefused(
            f"{archive.name} is a damaged zip file: {error}", f"{archive.name}: tệp zip bị hỏng"
        ) from error
    return rejected


def unsafe_path(member: zipfile.ZipInfo) -> Said | None:
    """Why a zip entry may not be unpacked where it says (a path out of the batch, a link)."""
    path = PurePosixPath(member.filename.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or re.match(r"^[A-Za-z]:", member.filename):
        return Said(
            "zip entry with an unsafe path (absolute or '..'):"
            " it would be written outside the batch",
            "đường dẫn trong zip không an toàn (tuyệt đối hoặc có '..'): sẽ ghi ra ngoài lô",
        )
    if (member.external_attr >> 16) & 0o170000 == 0o120000:
        return Said("zip entry is a symbolic link", "mục trong zip là liên kết (symbolic link)")
    return None


def zip_bomb(member: zipfile.ZipInfo) -> Said | None:
    """Why a zip entry looks like a decompression bomb."""
    if member.compress_size and member.file_size / member.compress_size > MAX_COMPRESSION_RATIO:
        ratio = member.file_size // member.compress_size
        return Said(
            f"zip entry compression ratio {ratio}:1 looks like a zip bomb; not unpacked",
            f"tỉ lệ nén {ratio}:1 của mục trong zip như một quả bom nén; không giải nén",
        )
    return None


def _extract(zipped: zipfile.ZipFile, member: zipfile.ZipInfo, path: Path) -> None:
    """Copy one member, never more bytes than it declares."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipped.open(member) as data, path.open("wb") as out:
        remaining = member.file_size
        while chunk := data.read(min(1 << 20, remaining + 1)):
            remaining -= len(chunk)
            if remaining < 0:
                raise ZipRefused(
                    f"zip entry {member.filename} is larger than it declares",
                    f"mục {member.filename} trong zip lớn hơn kích thước nó khai",
                )
            out.write(chunk)
