"""Run a command and measure it: seconds, and the peak memory of its largest process.

The command is started by a small Python process that reports the peak memory of its
children: a child started directly from a benchmark (fork, or glibc's posix_spawn) counts
the benchmark's own pages in its peak until it runs the command, and a benchmark that has
rendered pages is large."""

import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

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
    stdout: bytes
    stderr: bytes


def measured(command: list[str], env: dict[str, str]) -> Measured:
    with tempfile.TemporaryDirectory() as folder:
        peak = Path(folder) / "peak"
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-c", REPORTER, str(peak), *command],
            env=env,
            capture_output=True,
            check=False,
        )
        seconds = time.monotonic() - started
        return Measured(
            result.returncode, seconds, int(peak.read_text()) / 1024, result.stdout, result.stderr
        )


def check(result: Measured, command: list[str]) -> Measured:
    if result.returncode != 0:
        raise subprocess.CalledProcessError(
            result.returncode, command, result.stdout, result.stderr
        )
    return result
