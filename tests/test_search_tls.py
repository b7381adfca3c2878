"""OpenSearch behind TLS and a password, reached as SOHOA_SEARCH_URL and SOHOA_SEARCH_CA_FILE
say: the certificate verified against the CA file, the credentials sent, errors explained."""

from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import pytest

from archive_schema.vocab import cleared_for
from indexing import SearchIndexError, open_search
from indexing.base import SearchQuery
from pipelines.archive import Archive
from pipelines.settings import Settings
from tests.test_search import CORPUS
from tests.tls_proxy import tls_proxy


@pytest.fixture(scope="module")
def proxy(
    opensearch_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    with tls_proxy(opensearch_url, tmp_path_factory.mktemp("tls"), "sohoa", "mật-khẩu 1") as found:
        yield found


def test_https_with_a_password_and_a_ca_file(proxy: tuple[str, Path], tmp_path: Path) -> None:
    url, ca_file = proxy
    host = url.removeprefix("https://")
    settings = Settings(
        home=tmp_path,
        search_url=f"https://sohoa:m%E1%BA%ADt-kh%E1%BA%A9u%201@{host}/tls-{uuid4().hex[:8]}",
        search_ca_file=ca_file,
    )
    search = Archive(settings).search
    search.index(CORPUS)
    hits = search.search(SearchQuery("xi mang", cleared_for("internal"))).hits
    assert [hit.document_id for hit in hits] == ["price"]
    search.close()


def test_a_wrong_password_is_refused_clearly(proxy: tuple[str, Path]) -> None:
    url, ca_file = proxy
    wrong = url.replace("https://", "https://sohoa:Guessed-42@")
    with pytest.raises(SearchIndexError, match="refused the user and password") as refused:
        open_search(f"{wrong}/tls-refused", ca_file)
    assert "Guessed-42" not in str(refused.value)


def test_an_unknown_certificate_asks_for_the_ca_file(proxy: tuple[str, Path]) -> None:
    url, _ = proxy
    with pytest.raises(SearchIndexError, match="SOHOA_SEARCH_CA_FILE"):
        open_search(url.replace("https://", "https://sohoa:x@") + "/tls-no-ca")
