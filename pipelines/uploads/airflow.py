"""Airflow's REST API (v2), as `sohoa submit` and the web application use it: a token from
the user's credentials, a run of sohoa_ingest started, its state followed."""

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from archive_schema.errors import ServiceUnavailable, SohoaError, UserError
from pipelines.retry import retried
from pipelines.settings import Settings

INGEST_DAG = "sohoa_ingest"
FINISHED = ("success", "failed")
GENERATED_PASSWORDS = "airflow/simple_auth_manager_passwords.json.generated"


class AirflowError(SohoaError):
    """Airflow cannot be reached, refused the credentials, or refused the request."""

    default_vi: str | None = "Chưa liên lạc được với Airflow; lô sẽ được theo dõi lại sau ít phút."


class AirflowRefused(AirflowError, UserError):
    """Airflow refused: the credentials, a paused DAG, a request it does not take."""

    default_vi = AirflowError.default_vi


class AirflowUnavailable(AirflowError, ServiceUnavailable):
    """Airflow cannot be reached, or answers with a fault of its own: retried."""

    default_vi = AirflowError.default_vi


class AirflowConflict(AirflowRefused):
    """What was to be made in Airflow is there already (409)."""


class Airflow:
    def __init__(self, settings: Settings):
        self.url = settings.airflow_url.rstrip("/")
        self.http = httpx.Client(base_url=self.url, timeout=30)
        self.settings = settings
        password = settings.airflow_password or _generated_password(settings)
        token = self._call(
            "POST",
            "/auth/token",
            json={"username": settings.airflow_username, "password": password},
        )["access_token"]
        self.http.headers["Authorization"] = f"Bearer {token}"

    def start_ingest(self, batch: str, split_at_blank: bool = False) -> str:
        """Start a run of sohoa_ingest for `batch` (a path or URI the workers can read), its
        files cut at their blank pages when `split_at_blank`; returns the run's id.

        The run's id is chosen here, so that a fault of Airflow's (its database locked, the
        answer lost) is tried again without starting the batch twice: a run already made
        by an earlier try is found by its id."""
        dag = self._call("GET", f"/api/v2/dags/{INGEST_DAG}")
        if dag.get("is_paused"):
            raise AirflowRefused(f"{INGEST_DAG} is paused in Airflow: unpause it in {self.url}")
        logical_date = datetime.now(UTC).isoformat()
        run_id = f"manual__{logical_date}"
        conf: dict[str, Any] = {"batch": batch, "split_at_blank_pages": split_at_blank}
        body = {"dag_run_id": run_id, "logical_date": logical_date, "conf": conf}
        s = self.settings
        return retried(
            lambda: self._trigger(run_id, body),
            s.service_attempts,
            s.service_retry_seconds,
            "Airflow",
        )

    def _trigger(self, run_id: str, body: dict[str, Any]) -> str:
        try:
            self._call("POST", f"/api/v2/dags/{INGEST_DAG}/dagRuns", json=body)
        except AirflowConflict:
            if self.run(run_id).get("conf") != body["conf"]:
                raise
        return run_id

    def run(self, run_id: str) -> dict[str, Any]:
        """The run as Airflow reports it: state, start_date, end_date…"""
        return self._call("GET", f"/api/v2/dags/{INGEST_DAG}/dagRuns/{run_id}")

    def document_states(self, run_id: str) -> dict[str, str | None]:
        """The state of the mapped `archive` task of each document's chunk, by the
        document's name; none before intake is done."""
        runs = f"/api/v2/dags/{INGEST_DAG}/dagRuns/{run_id}"
        try:
            staged = self._call("GET", f"{runs}/taskInstances/intake/xcomEntries/return_value")
        except AirflowRefused:
            return {}  # intake has not finished yet
        value = staged["value"]
        chunks = json.loads(value) if isinstance(value, str) else value
        tasks = self._call("GET", f"{runs}/taskInstances?task_id=archive&limit=1000")
        states = {t["map_index"]: t["state"] for t in tasks["task_instances"]}
        return {d["name"]: states.get(n) for n, chunk in enumerate(chunks) for d in chunk}

    def run_page(self, run_id: str) -> str:
        """Where to watch the run in Airflow's UI."""
        return f"{self.url}/dags/{INGEST_DAG}/runs/{run_id}"

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response = self.http.request(method, path, **kwargs)
        except httpx.HTTPError as error:
            raise AirflowUnavailable(
                f"cannot reach Airflow at {self.url} ({error}): start it (`make airflow`)"
                " or set SOHOA_AIRFLOW_URL"
            ) from error
        if response.status_code in (401, 403):
            raise AirflowRefused(
                f"Airflow at {self.url} refused the credentials: check SOHOA_AIRFLOW_USERNAME"
                " and SOHOA_AIRFLOW_PASSWORD"
            )
        if response.is_error:
            code = response.status_code
            fault = {409: AirflowConflict}.get(
                code, AirflowUnavailable if code >= 500 else AirflowRefused
            )
            raise fault(f"Airflow refused {method} {path}: {response.text[:500]}")
        result: dict[str, Any] = response.json()
        return result


def _generated_password(settings: Settings) -> str:
    """The password `airflow standalone` generated under SOHOA_HOME, when none is set."""
    path: Path = settings.home / GENERATED_PASSWORDS
    try:
        passwords = json.loads(path.read_text())
        return str(passwords[settings.airflow_username])
    except (OSError, ValueError, KeyError) as error:
        raise AirflowRefused(
            f"set SOHOA_AIRFLOW_PASSWORD: no password for {settings.airflow_username}"
            f" in {path} ({error})"
        ) from error
