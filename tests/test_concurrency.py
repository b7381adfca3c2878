"""Concurrency and crashes are inputs too, on SQLite and on PostgreSQL alike: commands
started together on a new home, four runs at once of one batch and of others into one
catalog (each document archived and OCRed once), and an unexpected failure ending with its
own exit status, never that of an ordinary quarantine."""

import json
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from archive_schema import claims
from archive_schema.catalog import Catalog, EventRow
from archive_schema.claims import Claims
from pipelines.settings import Settings
from samples.batch import write_batch
from tests.conftest import another_catalog, sohoa, started

pytestmark = pytest.mark.usefixtures("catalog_backend")


def test_commands_started_together_on_a_new_home_all_run(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    for attempt in range(3):
        home = tmp_path / f"home-{attempt}"
        catalog = {"SOHOA_DATABASE_URL": another_catalog(tmp_path, request)}
        commands = [started(home, "retention", "versions", env=catalog) for _ in range(6)]
        for command in commands:
            out, errors = command.communicate(timeout=300)
            assert command.returncode == 0, errors
            assert "sample-2011@1" in out


def test_four_runs_at_once_of_one_batch_and_of_others_archive_each_document_once(
    tmp_path: Path,
) -> None:
    """Two runs of one batch and one run each of two others, at the same time into one
    catalog: every document archived and OCRed once, none lost, none twice, and no
    "database is locked" (or any fault of the database) reaching anyone."""
    batches = [
        write_batch(tmp_path / name, ids, dpi=200, condition="clean", seed=n).path
        for n, (name, ids) in enumerate(
            (("lo-a", ["002", "004"]), ("lo-b", ["006", "010"]), ("lo-c", ["016", "020"]))
        )
    ]
    home = tmp_path / "home"
    runs = [
        started(home, "ingest", str(batch), "--json", workers="1")
        for batch in (batches[0], *batches)
    ]
    reports = []
    for run in runs:
        out, errors = run.communicate(timeout=900)
        assert run.returncode == 0, errors
        assert "locked" not in errors.lower() and "OperationalError" not in errors
        reports.append(json.loads(out))
    for report in reports:
        assert {d["status"] for d in report["documents"]} <= {"archived", "already archived"}
        assert len(report["documents"]) == 2
    archived = [d["id"] for r in reports for d in r["documents"] if d["status"] == "archived"]
    every = {d["id"] for r in reports for d in r["documents"]}
    assert sorted(archived) == sorted(every) and len(every) == 6  # each once
    catalog = Catalog(Settings(home=home).database_url)
    with catalog.session() as session:
        ocr_runs = session.scalar(
            select(func.count()).where(EventRow.stage == "ocr", EventRow.outcome == "ok")
        )
    assert ocr_runs == 6
    assert {doc.id for doc in catalog.documents()} == every


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


def test_another_machines_claim_holds_while_renewed_and_not_once_its_holder_is_killed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Celery worker on another machine, killed while it archives a document: its claim
    is taken over once it stops being renewed, and not before."""
    monkeypatch.setattr(claims, "LEASE", timedelta(seconds=4))
    catalog = Catalog(Settings(home=tmp_path / "home").database_url)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, catalog.engine.url.render_as_string(False)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        time.sleep(8)  # twice the lease: renewed meanwhile
        assert Claims(catalog).take(["doc"]) == set()
    finally:
        holder.kill()
        holder.wait()
    time.sleep(4.5)
    assert Claims(catalog).take(["doc"]) == {"doc"}


def test_one_thread_renews_the_claims_of_every_act_of_a_process(tmp_path: Path) -> None:
    """Each archivist's act on the web holds claims of its own: twenty at once are renewed
    by one thread, not twenty, and the thread ends once none holds any."""
    catalog = Catalog(Settings(home=tmp_path / "home").database_url)
    url = catalog.engine.url.render_as_string(False)
    ran = subprocess.run([sys.executable, "-c", ACTS, url], capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout) == {"threads": 1, "renewed": 20, "threads_after": 0}


ACTS = """
import json, sys, threading, time
from contextlib import ExitStack
from sqlalchemy import select
from archive_schema import claims
from archive_schema.catalog import Catalog
claims.RENEW_SECONDS = 0.2
catalog = Catalog(sys.argv[1])
def times():
    with catalog.session() as session:
        rows = select(claims.ClaimRow.document_id, claims.ClaimRow.claimed_at)
        return {d: t for d, t in session.execute(rows)}
def threads():
    return sum(t.name == "claims" for t in threading.enumerate())
with ExitStack() as acts:
    for n in range(20):
        acts.enter_context(claims.changing(catalog, [f"doc-{n}"]))
    taken = times()
    time.sleep(0.7)
    renewed = sum(times()[d] > t for d, t in taken.items())
    during = threads()
time.sleep(0.7)
print(json.dumps({"threads": during, "renewed": renewed, "threads_after": threads()}))
"""


HOLDER = """
import sys, time
from archive_schema import claims
from archive_schema.catalog import Catalog
claims.RENEW_SECONDS = 0.5
assert claims.Claims(Catalog(sys.argv[1]), "scanner-2:4242").take(["doc"]) == {"doc"}
print("held", flush=True)
time.sleep(600)
"""
