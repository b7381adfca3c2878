"""The inbox: a folder where archivists and scanners drop batches for Airflow to archive.

A batch (a folder or a .zip) is taken once nothing in it has changed for a while, so that
one still being copied is left alone; taking it moves it into `.taken/`, so that it is
submitted once, and kept there: nothing a batch brought is lost.
"""

import time
from datetime import datetime
from pathlib import Path

TAKEN = ".taken"


def take_ready_batches(inbox: Path, settle_seconds: float) -> list[Path]:
    """Move the batches that are ready into `inbox/.taken/` and return their new paths."""
    inbox.mkdir(parents=True, exist_ok=True)
    taken = []
    for entry in sorted(inbox.iterdir()):
        if entry.name.startswith(".") or not (entry.is_dir() or entry.suffix.lower() == ".zip"):
            continue
        if time.time() - _last_change(entry) < settle_seconds:
            continue
        target = inbox / TAKEN / f"{datetime.now():%Y%m%d-%H%M%S}-{entry.name}"
        target.parent.mkdir(exist_ok=True)
        entry.rename(target)
        taken.append(target)
    return taken


def _last_change(entry: Path) -> float:
    paths = [entry, *entry.rglob("*")] if entry.is_dir() else [entry]
    return max(path.stat().st_mtime for path in paths)
