"""Run a command and measure it: seconds, and its memory two ways.

- `peak_mib`: the peak resident set of its largest process (getrusage). That counts the
  pages of files a process maps: ocrmypdf maps the PDFs it reads (pikepdf with mmap), and
  that page cache grows with the document yet is the kernel's to reclaim.
- `anonymous_mib`: the peak of the anonymous memory of the whole process tree (not backed
  by a file), sampled every SAMPLE_SECONDS: what runs the machine out of memory.

The command is started by a small Python process that reports the peak of its children: a
child started directly from a benchmark (fork, or glibc's posix_spawn) counts the
benchmark's own pages in its peak until it runs the command, and a benchmark that has
rendered pages is large."""

import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

SAMPLE_SECONDS = 0.1
REPORTER = (
    "import resource, subprocess, sys; code = subprocess.call(sys.argv[2:]); "
    "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)); "
    "sys.exit(code)"
)


@dataclass(frozen=True)
class Measured:
    returncode: int
    seconds: float
    peak_mib: float  # the largest process among the command and its children
    anonymous_mib: float  # the whole tree, without file-backed pages
    stdout: bytes
    stderr: bytes


def measured(command: list[str], env: dict[str, str]) -> Measured:
    with tempfile.TemporaryDirectory() as folder:
        peak, stdout, stderr = (Path(folder) / name for name in ("peak", "stdout", "stderr"))
        started = time.monotonic()
        with stdout.open("wb") as out, stderr.open("wb") as err:
            reporter = subprocess.Popen(
                [sys.executable, "-c", REPORTER, str(peak), *command],
                env=env,
                stdout=out,
                stderr=err,
            )
            anonymous = _peak_anonymous(reporter)
        seconds = time.monotonic() - started
        return Measured(
            reporter.returncode,
            seconds,
            int(peak.read_text()) / 1024,
            anonymous / 2**20,
            stdout.read_bytes(),
            stderr.read_bytes(),
        )


def _peak_anonymous(reporter: subprocess.Popen[bytes]) -> int:
    """Bytes: the most the reporter's children held at once, until the reporter exits."""
    parent, highest = psutil.Process(reporter.pid), 0
    while reporter.poll() is None:
        highest = max(highest, sum(map(_anonymous, parent.children(recursive=True))))
        time.sleep(SAMPLE_SECONDS)
    return highest


def _anonymous(process: psutil.Process) -> int:
    """The process's share of the anonymous memory it maps (a page shared with a fork
    counts half in each); 0 for a fork that has not yet run its program (it is its parent's
    memory) and for a process that has ended."""
    try:
        parent = process.parent()
        if parent is not None and process.cmdline() == parent.cmdline():
            return 0
        rollup = Path(f"/proc/{process.pid}/smaps_rollup").read_text()
    except (psutil.Error, OSError):
        return 0
    return sum(
        1024 * int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss_Anon:")
    )


def check(result: Measured, command: list[str]) -> Measured:
    if result.returncode != 0:
        raise subprocess.CalledProcessError(
            result.returncode, command, result.stdout, result.stderr
        )
    return result
