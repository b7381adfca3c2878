"""`sohoa serve` starts without the OCR stack: neither ocrmypdf, nor pikepdf, nor the
process pool is imported by the command line and the web application; the worker that
archives uploads loads them, in a process of its own."""

import json
import os
import subprocess
import sys
from pathlib import Path

HEAVY = ("ocrmypdf", "pikepdf", "img2pdf", "concurrent.futures.process")
PROBE = f"""
import json, sys
import pipelines.cli.main  # what `sohoa serve` imports before uvicorn
from web.app import create_app
create_app()
print(json.dumps([m for m in {list(HEAVY)!r} if m in sys.modules]))
"""


def test_the_web_application_starts_without_the_ocr_stack(tmp_path: Path) -> None:
    env = os.environ | {"SOHOA_HOME": str(tmp_path / "home")}
    probe = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    assert json.loads(probe.stdout.splitlines()[-1]) == []
