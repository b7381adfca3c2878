"""Fixtures: sample batches rendered from the corpus, a real ingest, veraPDF, OpenSearch."""

import os
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

import pytest
from lxml import etree

from pipelines.archive import Archive
from pipelines.ingest.report import BatchReport
from pipelines.ingest.runner import ingest
from pipelines.settings import Settings
from samples.batch import SampleBatch, write_batch
from tests.opensearch_node import opensearch_node
from tests.postgres_server import PostgresServer, postgres_server
from tests.s3_server import new_bucket, s3_server

ROOT = Path(__file__).resolve().parent.parent
VERAPDF_LIB = ROOT / ".tools" / "verapdf" / "lib"
EARK_SCHEMAS = (
    next(
        (ROOT / ".tools" / "eark-validator" / "lib").glob("python*/site-packages/eark_validator"),
        ROOT / ".tools" / "eark-validator",
    )
    / "ipxml"
    / "resources"
    / "schema"
)
E2E_DOCUMENTS = ("002", "004", "006", "010", "016")  # 5 documents, 6 pages, four formats


@dataclass(frozen=True)
class Ingested:
    batch: SampleBatch
    settings: Settings
    report: BatchReport


@pytest.fixture(autouse=True)
def _no_stray_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test writes into the working tree's ./var."""
    monkeypatch.setenv("SOHOA_HOME", str(tmp_path / "home"))


def make_settings(home: Path, **overrides: object) -> Settings:
    return Settings(home=home, workers=2, **overrides)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """Debian's PostgreSQL, started once for the session that needs it."""
    with postgres_server() as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def catalog_backend(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """Each test of a module that asks for it runs on both catalogs: SQLite in its home,
    and a fresh PostgreSQL database (SOHOA_DATABASE_URL, which the commands inherit)."""
    if request.param == "sqlite":
        yield request.param
        return
    server: PostgresServer = request.getfixturevalue("postgres")
    monkeypatch.setenv("SOHOA_DATABASE_URL", server.new_database())
    yield request.param


def another_catalog(tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """The URL of a second, empty catalog of the backend the test runs on."""
    if os.environ.get("SOHOA_DATABASE_URL", "").startswith("postgresql"):
        server: PostgresServer = request.getfixturevalue("postgres")
        return server.new_database()
    path = tmp_path / f"catalog-{uuid4().hex}.db"
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def sample_batch(tmp_path_factory: pytest.TempPathFactory) -> SampleBatch:
    root = tmp_path_factory.mktemp("sample")
    return write_batch(
        root / "batch", E2E_DOCUMENTS, dpi=300, condition="medium", seed=7, manifest=True
    )


@pytest.fixture(scope="session")
def ingested(sample_batch: SampleBatch, tmp_path_factory: pytest.TempPathFactory) -> Ingested:
    """The sample batch archived once, for every test that reads the result."""
    settings = make_settings(tmp_path_factory.mktemp("home"))
    return Ingested(sample_batch, settings, ingest(sample_batch.path, Archive(settings)))


@pytest.fixture(scope="session")
def opensearch_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real OpenSearch node on loopback for the whole test session."""
    with opensearch_node(tmp_path_factory.mktemp("opensearch")) as url:
        yield url


@pytest.fixture(scope="session")
def s3_environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A real S3 server on loopback for the whole session; boto3 is pointed at it through
    the usual AWS variables, in this process and in those it starts."""
    log = tmp_path_factory.mktemp("s3") / "moto.log"
    with s3_server(log) as environment, pytest.MonkeyPatch.context() as patch:
        for name, value in environment.items():
            patch.setenv(name, value)
        yield environment


@pytest.fixture
def s3_url(s3_environment: dict[str, str]) -> str:
    """The archive in a new bucket with Object Lock, on the session's S3 server."""
    return f"s3://{new_bucket()}/archive"


@pytest.fixture(scope="session")
def verapdf() -> Callable[[list[Path]], dict[Path, str]]:
    """Validate PDFs as PDF/A-2b with veraPDF; returns each file's PASS/FAIL line."""
    if not any(VERAPDF_LIB.glob("greenfield-apps-*.jar")):
        pytest.fail(f"veraPDF is not installed in {VERAPDF_LIB}: run `make tools` (or `make test`)")

    def validate(paths: list[Path]) -> dict[Path, str]:
        result = subprocess.run(
            [
                "java",
                "-cp",
                f"{VERAPDF_LIB}/*",
                "org.verapdf.apps.GreenfieldCliWrapper",
                "--flavour",
                "2b",
                "--format",
                "text",
                *map(str, paths),
            ],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        verdicts = {}
        for line in result.stdout.splitlines():
            verdict, _, rest = line.partition(" ")
            for path in paths:
                if rest.startswith(str(path)):
                    verdicts[path] = verdict
        missing = [p for p in paths if p not in verdicts]
        assert not missing, (
            f"veraPDF gave no verdict for {missing}: {result.stdout}\n{result.stderr}"
        )
        return verdicts

    return validate


@pytest.fixture(scope="session")
def mets_schema() -> etree.XMLSchema:
    """The METS schema with E-ARK's CSIP imports, as E-ARK's validator carries them."""
    local = EARK_SCHEMAS / "mets.csip.local.v2-0.xsd"
    if not local.is_file():
        pytest.fail(f"E-ARK's schemas are not installed in {EARK_SCHEMAS}: run `make tools`")
    return etree.XMLSchema(file=str(local))


def sohoa(
    home: Path, *args: str, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed `sohoa` command with SOHOA_HOME=`home` (and the settings `env`),
    `stdin` on its standard input."""
    with started(home, *args, env=env, piped_stdin=stdin is not None) as process:
        try:
            out, err = process.communicate(stdin, timeout=900)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def started(
    home: Path,
    *args: str,
    workers: str = "2",
    env: dict[str, str] | None = None,
    piped_stdin: bool = False,
) -> subprocess.Popen[str]:
    """`sohoa` started with SOHOA_HOME=`home` (and the settings `env`), left running; its
    output piped."""
    env = {**os.environ, "SOHOA_HOME": str(home), "SOHOA_WORKERS": workers, **(env or {})}
    return subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "sohoa"), *args],
        env=env,
        stdin=subprocess.PIPE if piped_stdin else None,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
