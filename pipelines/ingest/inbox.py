"""The inbox: a folder where archivists and scanners drop batches for Airflow to archive.

A batch (a folder or a .zip) is taken once nothing in it has changed for a while, so that
one still being copied is left alone; taking it moves it into `.taken/`, so that it is
submitted once, and kept there: nothing a batch brought is lost. A link dropped in the
inbox is moved into `.refused/` without being followed: a batch is what was put there,
never what a link points to.
"""

import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

TAKEN = ".taken"
REFUSED = ".refused"


@dataclass
class Taken:
    batches: list[Path] = field(default_factory=list)  # their paths under .taken/
    refused: list[str] = field(default_factory=list)  # the links, by name


def take_ready_batches(inbox: Path, settle_seconds: float) -> Taken:
    """Move the batches that are ready into `inbox/.taken/`, and the links into
    `inbox/.refused/`."""
    inbox.mkdir(parents=True, exist_ok=True)
    taken = Taken()
    for entry in sorted(inbox.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_symlink():
            _move(entry, inbox / REFUSED)
            taken.refused.append(entry.name)
            continue
        if not (entry.is_dir() or entry.suffix.lower() == ".zip"):
            continue
        if time.time() - _last_change(entry) < settle_seconds:
            continue
        taken.batches.append(_move(entry, inbox / TAKEN))
    return taken


def _move(entry: Path, folder: Path) -> Path:
    target = folder / f"{datetime.now():%Y%m%d-%H%M%S}-{entry.name}"
    folder.mkdir(exist_ok=True)
    entry.rename(target)
    return target


def _last_change(entry: Path) -> float:
    """The newest change in the batch, links included but never followed."""
    paths = [entry, *entry.rglob("*")] if entry.is_dir() else [entry]
    return max(path.lstat().st_mtime for path in paths)
