"""Identifiers: document and batch ids, number/notation, and the document code (mã định danh)."""

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import IO, BinaryIO


def document_id(original_sha256s: Iterable[str]) -> str:
    """A stable id from the content of a document's originals, whatever their names or order."""
    return _digest("\n".join(sorted(original_sha256s)))[:32]


def part_id(original_sha256s: Iterable[str], first: int, last: int) -> str:
    """The id of the document on pages `first` to `last` of originals that hold several."""
    return document_id([*original_sha256s, f"pages {first}-{last}"])


def batch_id(files: Iterable[tuple[str, str]]) -> str:
    """A stable id for a batch from (path in the batch, sha256) of every file in it."""
    return _digest("\n".join(f"{name}\t{sha}" for name, sha in sorted(files)))[:16]


_PARTY_NUMBER = re.compile(r"^\s*(\d+)\s*-\s*(\S+/\S+)\s*$")  # 445-KL/TU


def split_number_symbol(number_symbol: str) -> tuple[str | None, str | None]:
    """`63/2025/QĐ-UBND` -> (`63`, `QĐ-UBND`): the number before the first slash, the
    notation after the last one (a year may stand between them). The Party writes the
    type before the slash (Hướng dẫn 36-HD/VPTW): `445-KL/TU` -> (`445`, `KL/TU`)."""
    if party := _PARTY_NUMBER.match(number_symbol):
        return party.group(1), party.group(2)
    parts = [part.strip() for part in number_symbol.split("/")]
    if len(parts) < 2:
        return None, number_symbol.strip() or None
    return parts[0] or None, parts[-1] or None


def document_code(dossier_code: str | None, ordinal: int | None) -> str | None:
    """Mã định danh văn bản: the dossier code, then the ordinal in the dossier
    (`G09.2021.01.001` + 1 -> `G09.2021.01.001.001`)."""
    if not dossier_code or ordinal is None:
        return None
    return f"{dossier_code}.{ordinal:03d}"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def sha256_of(source: Path | bytes) -> str:
    """The SHA-256 of a file, or of bytes in memory."""
    return hashlib.sha256(source).hexdigest() if isinstance(source, bytes) else sha256_file(source)


def sha256_file(path: Path) -> str:
    with path.open("rb") as data:
        return sha256_stream(data)


def sha256_stream(data: BinaryIO, copy_to: IO[bytes] | None = None) -> str:
    """The SHA-256 of what `data` holds, copied on the way into `copy_to` when given."""
    digest = hashlib.sha256()
    while chunk := data.read(1 << 20):
        digest.update(chunk)
        if copy_to is not None:
            copy_to.write(chunk)
    return digest.hexdigest()
