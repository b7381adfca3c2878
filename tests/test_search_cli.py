"""`sohoa ingest`, `search` and `reindex` as a user runs them with SOHOA_SEARCH_URL on a real
OpenSearch node, and the errors a wrong search setting gives."""

import json
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest

from samples.batch import write_batch
from tests.conftest import sohoa


@pytest.fixture(scope="module")
def archive(
    opensearch_url: str, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, str]]:
    """Two documents archived with OpenSearch as the search index: the home and settings."""
    root = tmp_path_factory.mktemp("opensearch-cli")
    batch = write_batch(root / "batch", ("002", "004"), dpi=300, condition="light", seed=5)
    env = {"SOHOA_SEARCH_URL": f"{opensearch_url}/cli-{uuid4().hex[:8]}"}
    result = sohoa(root / "home", "ingest", str(batch.path), env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "home", env


def search(archive: tuple[Path, dict[str, str]], *args: str) -> Any:
    home, env = archive
    result = sohoa(home, "search", *args, "--json", env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_search_finds_what_ingest_indexed(archive: tuple[Path, dict[str, str]]) -> None:
    found = search(archive, "gia ban xi mang")
    assert found["total"] == 1
    (hit,) = found["hits"]
    assert hit["doc_type"] == "Quyết định" and hit["page"] == 1
    assert {"value": "Quyết định", "count": 1} in found["facets"]["doc_type"]


def test_a_reader_cleared_for_public_records_sees_none_of_these(
    archive: tuple[Path, dict[str, str]],
) -> None:
    assert search(archive, "gia ban xi mang", "--clearance", "internal")["total"] == 1
    assert search(archive, "gia ban xi mang", "--clearance", "public")["total"] == 0


def test_an_empty_result_says_which_filter_to_drop(archive: tuple[Path, dict[str, str]]) -> None:
    home, env = archive
    result = sohoa(home, "search", "gia ban xi mang", "--type", "Công văn", env=env)
    assert result.returncode == 0
    assert "Without --type, 1 would match." in result.stdout


def test_reindex_rebuilds_from_the_archive(archive: tuple[Path, dict[str, str]]) -> None:
    home, env = archive
    result = sohoa(home, "reindex", env=env)
    assert result.returncode == 0, result.stderr
    assert "Indexed 2 records" in result.stderr
    assert search(archive, "quy hoach khu kinh te")["total"] == 1


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [  # 4: a service unavailable, 2: a setting to fix (issue 16)
        ("http://127.0.0.1:9/sohoa", 4, "cannot reach OpenSearch at http://127.0.0.1:9/sohoa"),
        ("http://127.0.0.1:9/Bad Name", 2, "must be lower case letters, digits"),
        ("elastic://127.0.0.1", 2, "use sqlite:///path/to/search.db or http(s)://host:9200"),
    ],
)
def test_a_wrong_search_url_is_a_clear_error(
    tmp_path: Path, url: str, status: int, message: str
) -> None:
    result = sohoa(tmp_path, "search", "xi mang", env={"SOHOA_SEARCH_URL": url})
    assert result.returncode == status
    assert message in result.stderr and "Traceback" not in result.stderr


def test_the_password_in_the_url_is_never_shown(tmp_path: Path) -> None:
    url = "http://archivist:s3cret@127.0.0.1:9"
    result = sohoa(tmp_path, "search", "xi mang", env={"SOHOA_SEARCH_URL": url})
    assert result.returncode == 4  # a service unavailable (issue 16)
    assert "cannot reach OpenSearch" in result.stderr and "s3cret" not in result.stderr
