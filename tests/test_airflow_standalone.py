"""sohoa on a real `airflow standalone` (tools/airflow-standalone): LocalExecutor, the
scheduler and the REST API; batches arrive by `sohoa submit` and through the inbox."""

import os
import re
import shutil
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from pipelines.settings import Settings
from samples.batch import write_batch, write_separated
from tests import airflow_setup
from tests.airflow_setup import airflow_client, archived, mapped_files, run_sohoa
from tests.lost_answer import lost_answer
from tests.services import free_port
from tests.web_server import add_user, form_token, logged_in_client, web_server

SOHOA = Path(sys.executable).parent / "sohoa"


@pytest.fixture(scope="module")
def airflow(tmp_path_factory: pytest.TempPathFactory) -> Iterator[airflow_setup.Standalone]:
    """A standalone Airflow that looks into its inbox every 3 seconds."""
    home = tmp_path_factory.mktemp("standalone")
    with airflow_setup.standalone(
        home, SOHOA_INBOX_POLL_SECONDS="3", SOHOA_INBOX_SETTLE_SECONDS="2"
    ) as started:
        yield started


@pytest.fixture
def airflow_env(airflow: airflow_setup.Standalone) -> dict[str, str]:
    return airflow.env


def test_submit_archives_a_batch_through_airflow(
    airflow_env: dict[str, str], tmp_path: Path
) -> None:
    """A box scanned in one go, cut at its blank page by the workers when asked."""
    batch = write_separated(tmp_path / "box", ("002", "004"), dpi=300, condition="light")
    split = "--split-at-blank-pages"
    submitted = run_sohoa(airflow_env, "submit", str(batch.path), "--wait", split)
    assert submitted.returncode == 0, submitted.stderr
    run_id = submitted.stdout.strip()
    assert run_id.startswith("manual__") and f"/dags/sohoa_ingest/runs/{run_id}" in submitted.stderr
    first, second = (len(doc.page_texts) for doc in batch.documents)
    name = batch.documents[0].name
    assert archived(airflow_env) >= {
        f"{name} (trang 1-{first})",
        f"{name} (trang {first + 2}-{first + 1 + second})",
    }


def test_a_run_started_whose_answer_is_lost_is_not_started_twice(
    airflow_env: dict[str, str], tmp_path: Path
) -> None:
    """Airflow made the run, but its answer was lost (here a server fault in its place, as
    when its database is locked): `sohoa submit` tries again and finds the run it made."""
    batch = write_batch(tmp_path / "batch", ("004",), dpi=150, condition="light")
    with lost_answer(airflow_env["SOHOA_AIRFLOW_URL"], "POST", "/dagRuns") as proxy:
        env = airflow_env | {"SOHOA_AIRFLOW_URL": proxy.url, "SOHOA_SERVICE_RETRY_SECONDS": "1"}
        submitted = run_sohoa(env, "submit", str(batch.path), "--wait")
    assert submitted.returncode == 0, submitted.stderr
    assert proxy.lost == 1 and "trying again" in submitted.stderr
    runs = airflow_client(airflow_env).http.get("/api/v2/dags/sohoa_ingest/dagRuns?limit=100")
    made = [
        r["dag_run_id"] for r in runs.json()["dag_runs"] if r["conf"]["batch"] == str(batch.path)
    ]
    assert made == [submitted.stdout.strip()]
    assert archived(airflow_env) >= {batch.documents[0].name}


def test_a_batch_dropped_in_the_inbox_is_archived(
    airflow_env: dict[str, str], tmp_path: Path
) -> None:
    batch = write_batch(tmp_path / "dropped", ("006",), dpi=300, condition="light")
    inbox = Settings(home=Path(airflow_env["SOHOA_HOME"])).inbox
    shutil.copytree(batch.path, inbox / "dropped")
    deadline = time.monotonic() + 300
    while batch.documents[0].name not in archived(airflow_env):
        assert time.monotonic() < deadline, "the dropped batch was not archived in 5 minutes"
        time.sleep(3)
    assert not (inbox / "dropped").exists()
    assert [p.name.endswith("-dropped") for p in (inbox / ".taken").iterdir()] == [True]


def test_a_batch_uploaded_on_the_web_goes_to_airflow(
    airflow_env: dict[str, str], tmp_path: Path
) -> None:
    """With SOHOA_AIRFLOW_URL set, `sohoa serve` hands an upload to Airflow and follows the
    run's mapped tasks until the batch is archived."""
    home = Path(airflow_env["SOHOA_HOME"])
    add_user(home, "lan", "archivist", "lan-luu-tru-2026")
    batch = write_batch(tmp_path / "web-batch", ("010",), dpi=300, condition="light")
    settings = {k: v for k, v in airflow_env.items() if k.startswith("SOHOA_AIRFLOW")}
    with web_server(home, **settings) as url:
        client = logged_in_client(url, "lan", "lan-luu-tru-2026")
        sent = _upload(client, url, batch.path)
        progress_url = f"{url}{sent.headers['location']}/progress"
        deadline = time.monotonic() + 300
        while not (progress := client.get(progress_url).json())["done"]:
            assert time.monotonic() < deadline, f"not done in 5 minutes: {progress}"
            time.sleep(2)
        page = client.get(f"{url}{sent.headers['location']}").text
    assert progress["state"] == "finished", progress
    assert [(d["name"], d["stage"]) for d in progress["documents"]] == [
        (batch.documents[0].name, "archived")
    ]
    assert "xử lý trên Airflow (manual__" in page
    (run_id,) = re.findall(r"xử lý trên Airflow \((manual__[^)]+)\)", page)
    assert airflow_client(airflow_env).document_states(run_id) == {
        batch.documents[0].name: "success"
    }


def test_submit_refuses_wrong_credentials(airflow_env: dict[str, str], tmp_path: Path) -> None:
    result = run_sohoa(airflow_env | {"SOHOA_AIRFLOW_PASSWORD": "wrong"}, "submit", str(tmp_path))
    assert result.returncode == 2 and "refused the credentials" in result.stderr


def test_submit_says_when_airflow_is_not_running(tmp_path: Path) -> None:
    env = os.environ | {"SOHOA_AIRFLOW_URL": f"http://127.0.0.1:{free_port()}"}
    env |= {"SOHOA_AIRFLOW_PASSWORD": "x", "SOHOA_SERVICE_ATTEMPTS": "2"}
    result = run_sohoa(env, "submit", str(tmp_path))
    # a service unavailable (issue 16): its own exit status, after its retries
    assert result.returncode == 4 and "cannot reach Airflow" in result.stderr


def test_a_web_upload_says_when_airflow_is_not_running(tmp_path: Path) -> None:
    """The upload is kept and marked failed with the reason in Vietnamese; the page is no
    server fault."""
    home = tmp_path / "home"
    add_user(home, "lan", "archivist", "lan-luu-tru-2026")
    batch = write_batch(tmp_path / "batch", ("002",), dpi=150, condition="light")
    unreachable = f"http://127.0.0.1:{free_port()}"
    with web_server(home, SOHOA_AIRFLOW_URL=unreachable, SOHOA_AIRFLOW_PASSWORD="x") as url:
        client = logged_in_client(url, "lan", "lan-luu-tru-2026")
        sent = _upload(client, url, batch.path)
        progress = client.get(f"{url}{sent.headers['location']}/progress").json()
        page = client.get(f"{url}{sent.headers['location']}")
    assert progress["state"] == "failed", progress
    assert page.status_code == 200 and "Chưa liên lạc được với Airflow" in page.text


def test_submit_names_a_missing_batch(tmp_path: Path) -> None:
    result = run_sohoa(dict(os.environ), "submit", str(tmp_path / "nowhere"))
    assert result.returncode == 2 and "nowhere does not exist" in result.stderr


def _upload(client: httpx.Client, url: str, batch: Path) -> httpx.Response:
    """The batch folder, zipped, uploaded on the web: the answer, a redirect to its page."""
    upload = Path(shutil.make_archive(str(batch), "zip", batch))
    sent = client.post(
        f"{url}/uploads",
        data={"csrf": form_token(client, f"{url}/uploads/new")},
        files={"files": (upload.name, upload.read_bytes())},
    )
    assert sent.status_code == 303, sent.text
    return sent


def test_the_processes_that_fork_tasks_and_dag_parses_start_with_the_ocr_stack(
    airflow: airflow_setup.Standalone,
) -> None:
    """dags/airflow_local_settings.py: the scheduler (LocalExecutor's workers and their tasks
    fork from it) and the DAG processor (a fork for each parse of a DAG file, every 30 s)
    import the OCR stack once; each task and each parse starts with it."""
    processes = psutil.Process(airflow.process.pid).children(recursive=True)
    for role in ("scheduler", "dag-processor"):
        loaded = [m for p in processes if (m := mapped_files(p, role)) is not None]
        assert loaded and all(any("/pikepdf/" in path for path in m) for m in loaded), role


def test_ctrl_c_stops_airflow_and_all_its_children_within_seconds(
    airflow: airflow_setup.Standalone,
) -> None:
    """`make airflow` stopped as a terminal stops it (SIGINT to its process group): the
    script and every process of Airflow's own session are gone within 10 seconds. (The
    module's last test: it stops the module's Airflow.)"""
    script = airflow.process
    children = psutil.Process(script.pid).children(recursive=True)
    assert children, "Airflow's processes"
    started = time.monotonic()
    os.killpg(script.pid, signal.SIGINT)
    script.wait(timeout=15)
    _, alive = psutil.wait_procs(children, timeout=max(0.1, 10 - (time.monotonic() - started)))
    assert not alive, [p.info for p in alive]
    assert time.monotonic() - started < 10
