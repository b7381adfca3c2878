"""The production stack as far as it can be checked here (no Docker engine): the compose
file parses and is complete, and the image installs what `make` installs."""

import re
from pathlib import Path
from typing import Any

import yaml

DOCKER = Path(__file__).resolve().parent.parent / "docker"
LONG_RUNNING = {
    "postgres",
    "redis",
    "opensearch",
    "minio",
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
    "airflow-worker",
    "web",
}


def compose() -> dict[str, Any]:
    parsed: dict[str, Any] = yaml.safe_load((DOCKER / "compose.yaml").read_text())
    return parsed


def test_compose_has_every_service_with_a_healthcheck() -> None:
    services = compose()["services"]
    assert set(services) == LONG_RUNNING | {"airflow-init", "minio-init"}
    for name in LONG_RUNNING:
        assert services[name]["healthcheck"]["test"], name
        assert services[name].get("image") or services[name].get("build"), name


def test_every_airflow_service_shares_sohoa_settings_and_volumes() -> None:
    parsed = compose()
    for name, service in parsed["services"].items():
        if name.startswith("airflow-"):
            env = service["environment"]
            assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor", name
            assert env["SOHOA_DATABASE_URL"].startswith("postgresql+psycopg://"), name
            mounts = {volume.split(":")[1] for volume in service["volumes"]}
            assert {"/srv/sohoa/inbox", "/srv/sohoa/uploads"} <= mounts, name
            assert env["SOHOA_STORAGE_URL"].startswith("s3://"), name
    named = {v.split(":")[0] for s in parsed["services"].values() for v in s.get("volumes", [])}
    assert {n for n in named if not n.startswith(".")} <= set(parsed["volumes"])


def test_airflow_runs_as_in_the_tested_cluster() -> None:
    """What tools/airflow-node, which tests/test_cluster.py runs, sets for every node."""
    tools = DOCKER.parent / "tools"
    node = (tools / "airflow-node").read_text() + (tools / "airflow-common").read_text()
    services = compose()["services"]
    settings = ("SQL_ALCHEMY_CONN_ASYNC", "WORKER_PREFETCH_MULTIPLIER", "JWT_SECRET",
                "MIN_HEARTBEAT_INTERVAL")  # fmt: skip
    for setting in settings:
        assert setting in node
        for name, service in services.items():
            if name.startswith("airflow-"):
                assert any(k.endswith(setting) for k in service["environment"]), (name, setting)
    assert "--concurrency $$(nproc)" in services["airflow-worker"]["command"][-1]
    assert "WORKER_CONCURRENCY=$CORES" in node


def test_image_installs_with_the_script_make_runs() -> None:
    dockerfile = (DOCKER / "Dockerfile").read_text()
    makefile = (DOCKER.parent / "Makefile").read_text()
    assert "RUN tools/install-system" in dockerfile and "\ttools/install-system" in makefile
    assert "uv sync --frozen" in dockerfile and "--extra airflow" in dockerfile


def test_every_setting_the_compose_file_reads_is_in_the_example_env() -> None:
    text = (DOCKER / "compose.yaml").read_text()
    read = set(re.findall(r"(?<!\$)\$\{([A-Z_]+)", text))
    example = (DOCKER / ".env.example").read_text()
    listed = set(re.findall(r"^([A-Z_]+)=", example, re.MULTILINE))
    assert read == listed
