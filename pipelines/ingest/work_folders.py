"""Each sohoa process keeps its temporary work (a batch unpacked, a document being OCRed,
ocrmypdf's own folders) in one folder of TMPDIR named by the process, `sohoa-host:pid`, and
removes it when it ends. What a killed process left is removed at the next start of any
sohoa process, once its owner is gone; so are the `sohoa-*` and `ocrmypdf.io.*` folders of
older versions, a day untouched. The pool workers of a process work inside its folder."""

import atexit
import os
import shutil
import tempfile
import time
from pathlib import Path

from archive_schema.claims import process_alive, this_process

PREFIX = "sohoa-"
OLDER_VERSIONS = ("sohoa-", "ocrmypdf.io.")
FORGOTTEN = 24 * 3600  # seconds untouched before an older version's folder is removed


def own_work_folder() -> Path:
    """This process's work folder, made TMPDIR for it and the processes it starts."""
    given = Path(tempfile.gettempdir())
    # started by a sohoa process (the web starts its upload worker): work beside it, for
    # the other may end first
    base = given.parent if given.name.startswith(PREFIX) else given
    sweep(base)
    mine = base / f"{PREFIX}{this_process()}"
    mine.mkdir(mode=0o700, exist_ok=True)
    os.environ["TMPDIR"] = tempfile.tempdir = str(mine)
    atexit.register(shutil.rmtree, mine, ignore_errors=True)
    return mine


def sweep(folder: Path) -> list[Path]:
    """Remove what dead sohoa processes left in `folder`; returns what was removed."""
    removed = []
    for entry in folder.iterdir():
        name = entry.name
        if name.startswith(PREFIX) and ":" in name:
            gone = process_alive(name.removeprefix(PREFIX)) is False
        else:
            gone = name.startswith(OLDER_VERSIONS) and _untouched(entry) > FORGOTTEN
        if gone and entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def _untouched(entry: Path) -> float:
    try:
        return time.time() - entry.lstat().st_mtime
    except FileNotFoundError:
        return 0.0
