"""Concurrency and crashes are inputs too: commands started together on a new home, the
same batch ingested twice at once (each document OCRed once), and an unexpected failure
ending with its own exit status, never that of an ordinary quarantine."""

import json
import os
import subprocess
from pathlib import Path

from sqlalchemy import func, select

from archive_schema.catalog import Catalog, EventRow
from samples.batch import write_batch
from tests.conftest import ROOT, sohoa

SOHOA = str(ROOT / ".venv" / "bin" / "sohoa")


def started(home: Path, *args: str, workers: str = "2") -> subprocess.Popen[str]:
    env = {**os.environ, "SOHOA_HOME": str(home), "SOHOA_WORKERS": workers}
    return subprocess.Popen(
        [SOHOA, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_commands_started_together_on_a_new_home_all_run(tmp_path: Path) -> None:
    for attempt in range(3):
        home = tmp_path / f"home-{attempt}"
        commands = [started(home, "retention", "versions") for _ in range(6)]
        for command in commands:
            out, errors = command.communicate(timeout=300)
            assert command.returncode == 0, errors
            assert "sample-2011@1" in out


def test_the_same_batch_ingested_twice_at_once_is_ocred_once(tmp_path: Path) -> None:
    batch = write_batch(tmp_path / "batch", ["002", "004", "006"], dpi=200, condition="clean")
    home = tmp_path / "home"
    runs = [started(home, "ingest", str(batch.path), "--json", workers="1") for _ in range(2)]
    reports = []
    for run in runs:
        out, errors = run.communicate(timeout=900)
        assert run.returncode == 0, errors
        reports.append(json.loads(out))
    for report in reports:
        assert {d["status"] for d in report["documents"]} <= {"archived", "already archived"}
        assert len(report["documents"]) == 3
    archived = [d["id"] for r in reports for d in r["documents"] if d["status"] == "archived"]
    assert sorted(archived) == sorted({d["id"] for d in reports[0]["documents"]})  # once each
    catalog = Catalog(f"sqlite:///{home / 'catalog.db'}")
    with catalog.session() as session:
        ocr_runs = session.scalar(
            select(func.count()).where(EventRow.stage == "ocr", EventRow.outcome == "ok")
        )
    assert ocr_runs == 3


def test_an_unexpected_failure_exits_3_not_1(tmp_path: Path) -> None:
    batch = write_batch(tmp_path / "batch", ["002"], dpi=200, condition="clean")
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    crashed = sohoa(
        tmp_path / "home",
        "ingest",
        str(batch.path),
        env={"SOHOA_DATABASE_URL": f"sqlite:///{not_a_folder}/catalog.db"},
    )
    assert crashed.returncode == 3
    assert "sohoa: internal error:" in crashed.stderr and "Traceback" in crashed.stderr
