"""The REST API against a real `sohoa serve`, as e-office software calls it with `curl`:
tokens made with `sohoa token add` (one revoked), a signed electronic document handed over
with its metadata and followed until archived, an E-ARK SIP handed over (and one whose
file does not match its METS refused, naming it), search and records trimmed to a token's
clearance, its PDF and DIP; every refusal in JSON naming what is wrong; every call
audited; too many calls answered 429."""

import hashlib
import io
import json
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from archive_schema.audit import AuditLog
from archive_schema.catalog import Catalog
from pipelines.settings import Settings
from samples.electronic import electronic_pdf
from samples.pki import authority, signed_pdf, signer
from tests.conftest import sohoa
from tests.web_server import web_server

CALLS_PER_MINUTE = 60
ARCHIVED_WITHIN = 300  # seconds a hand-over may take on a slow machine


@dataclass
class Api:
    url: str
    home: Path
    tokens: dict[str, str]  # name -> token

    def client(self, name: str | None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.tokens[name]}"} if name else {}
        return httpx.Client(base_url=f"{self.url}/api", headers=headers, timeout=120)


def token(home: Path, name: str, role: str, *options: str) -> str:
    made = sohoa(home, "token", "add", name, "--role", role, *options)
    assert made.returncode == 0, made.stderr
    return made.stdout.strip()


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    home = tmp_path_factory.mktemp("api") / "home"
    tokens = {
        "eoffice": token(home, "eoffice", "archivist", "--clearance", "restricted"),
        "tracuu": token(home, "tracuu", "reader"),
        "cu": token(home, "cu", "archivist"),
        "dem": token(home, "dem", "reader"),
    }
    assert sohoa(home, "token", "revoke", "cu").returncode == 0
    listed = sohoa(home, "token", "list").stdout
    assert "eoffice" in listed and tokens["eoffice"] not in listed  # kept only hashed
    settings = {
        "SOHOA_UPLOAD_MAX_MB": "2",
        "SOHOA_API_CALLS_PER_MINUTE": str(CALLS_PER_MINUTE),
        "SOHOA_WEB_WORKERS": "1",  # calls are counted by each server process
    }
    with web_server(home, **settings) as url:
        yield Api(url, home, tokens)


def archived(client: httpx.Client, answer: httpx.Response) -> list[str]:
    """Follow a hand-over until it ends; the ids of the records it archived."""
    assert answer.status_code == 202, answer.text
    status = answer.json()["status"]
    assert answer.headers["location"] == status
    deadline = time.monotonic() + ARCHIVED_WITHIN
    while (state := client.get(status.removeprefix("/api")).json())["state"] in (
        "queued",
        "running",
    ):
        assert time.monotonic() < deadline, state
        time.sleep(2)
    assert state["state"] == "finished", state
    return [d["document"] for d in state["documents"]]


def sip(files: dict[str, bytes], dublin_core: dict[str, str], tampered: str = "") -> bytes:
    """An E-ARK SIP, zipped: its files, a Dublin Core description, and a METS that lists
    each with its SHA-256 (the file `tampered` changed after its checksum was taken)."""
    dc = "".join(f"<dc:{name}>{value}</dc:{name}>" for name, value in dublin_core.items())
    content = {
        "metadata/descriptive/dc.xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<dc:record xmlns:dc="http://purl.org/dc/elements/1.1/">{dc}</dc:record>'
        ).encode(),
        **{f"representations/rep1/data/{name}": data for name, data in files.items()},
    }

    def entry(path: str, data: bytes, tag: str, n: int) -> str:
        checked = f'CHECKSUM="{hashlib.sha256(data).hexdigest()}" CHECKSUMTYPE="SHA-256"'
        link = f'xlink:type="simple" xlink:href="{path}" LOCTYPE="URL"'
        if tag == "mdRef":
            reference = f'<mets:mdRef {link} MDTYPE="DC" {checked}/>'
            return f'<mets:dmdSec ID="dmd-{n}">{reference}</mets:dmdSec>'
        return f'<mets:file ID="file-{n}" {checked}><mets:FLocat {link}/></mets:file>'

    items = list(content.items())
    files_listed = "".join(
        entry(path, data, "file", n) for n, (path, data) in enumerate(items[1:], 1)
    )
    mets = (
        '<?xml version="1.0" encoding="UTF-8"?><mets:mets xmlns:mets="http://www.loc.gov/METS/"'
        ' xmlns:xlink="http://www.w3.org/1999/xlink" OBJID="sip-1">'
        f"{entry(*items[0], 'mdRef', 0)}"
        f'<mets:fileSec><mets:fileGrp USE="Representations/rep1">{files_listed}</mets:fileGrp>'
        '</mets:fileSec><mets:structMap><mets:div LABEL="sip-1"/></mets:structMap></mets:mets>'
    )
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as out:
        out.writestr("sip-1/METS.xml", mets)
        for path, data in items:
            changed = tampered and path.endswith(tampered)
            out.writestr(f"sip-1/{path}", data + (b" " if changed else b""))
    return zipped.getvalue()


def test_a_signed_electronic_document_is_handed_over_with_its_metadata(
    api: Api, tmp_path: Path
) -> None:
    agency = signer(authority(), tmp_path / "pki")
    document = signed_pdf(electronic_pdf("010"), agency)
    metadata = {"dossier_code": "H32.2013.01", "subject": "Về việc cấp chứng chỉ hành nghề"}
    with api.client("eoffice") as client:
        started = time.monotonic()
        answer = client.post(
            "/v1/documents",
            files={"file": ("cv-6087.pdf", document, "application/pdf")},
            data={"metadata": json.dumps(metadata, ensure_ascii=False)},
        )
        [record_id] = archived(client, answer)
        print(f"\nupload to archived: {time.monotonic() - started:.1f} s")  # the figure
        record = client.get(f"/v1/documents/{record_id}").json()
    assert record["subject"] == metadata["subject"] and record["sources"]["subject"] == "manifest"
    assert record["dossier_code"] == "H32.2013.01"
    assert record["number_symbol"] == "6087/BYT-KCB"  # read from the document itself
    assert record["confidence_level"] == "original electronic"
    assert [s["status"] for s in record["signatures"]] == ["untrusted"]  # no roots set
    with api.client("tracuu") as reader:
        found = reader.get("/v1/search", params={"q": "chung chi hanh nghe"}).json()
        assert [hit["id"] for hit in found["hits"]] == [record_id]
        pdf = reader.get(f"/v1/documents/{record_id}/pdf")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        dip = reader.get(f"/v1/documents/{record_id}/dip")
        assert dip.status_code == 200 and zipfile.ZipFile(io.BytesIO(dip.content)).namelist()
    entries = AuditLog(Catalog(Settings(home=api.home).database_url)).entries(user="tracuu")
    assert {"api_search", "api_download"} <= {entry.action for entry in entries}


def test_a_restricted_record_is_out_of_a_readers_tokens_reach(api: Api) -> None:
    metadata = {"access_level": "restricted"}
    with api.client("eoffice") as client:
        answer = client.post(
            "/v1/documents",
            files={"file": ("cv-3397.pdf", electronic_pdf("016"), "application/pdf")},
            data={"metadata": json.dumps(metadata)},
        )
        [record_id] = archived(client, answer)
        assert client.get(f"/v1/documents/{record_id}").status_code == 200
    with api.client("tracuu") as reader:
        assert reader.get(f"/v1/documents/{record_id}").status_code == 404
        found = reader.get("/v1/search", params={"q": "3397/BKHĐT-QLKTTW"}).json()
        assert found == {"total": 0, "hits": []}


def test_an_eark_sip_is_handed_over_and_one_that_does_not_match_its_mets_refused(
    api: Api,
) -> None:
    files = {"cv-7259.pdf": electronic_pdf("004")}
    described = {
        "title": "V/v phê duyệt đồ án quy hoạch khu kinh tế cửa khẩu",
        "date": "2002-12-31",
    }
    with api.client("eoffice") as client:
        bad = client.post(
            "/v1/sips", files={"file": ("sip.zip", sip(files, described, "cv-7259.pdf"))}
        )
        assert bad.status_code == 422
        assert (
            "representations/rep1/data/cv-7259.pdf: mã kiểm tra không khớp" in bad.json()["detail"]
        )
        answer = client.post("/v1/sips", files={"file": ("sip.zip", sip(files, described))})
        [record_id] = archived(client, answer)
        record = client.get(f"/v1/documents/{record_id}").json()
    assert record["subject"] == described["title"] and record["issue_date"] == "2002-12-31"
    assert record["number_symbol"] == "7259/VPCP-QHQT"


@pytest.mark.parametrize(
    ("name", "status", "said"),
    [
        (None, 401, "Thiếu mã truy cập"),
        ("cu", 401, "thu hồi"),  # revoked
        ("tracuu", 403, "không được giao nộp"),  # a reader's token
    ],
)
def test_a_hand_over_without_a_token_that_may_is_refused(
    api: Api, name: str | None, status: int, said: str
) -> None:
    with api.client(name) as client:
        answer = client.post("/v1/documents", files={"file": ("a.pdf", electronic_pdf("010"))})
    assert answer.status_code == status and said in answer.json()["detail"]


def test_bad_metadata_is_refused_naming_the_field(api: Api) -> None:
    with api.client("eoffice") as client:
        for metadata, field in (
            ({"so_hieu": "12/QĐ-UBND"}, "so_hieu"),
            ({"issue_date": "31/02/2024"}, "issue_date"),
            ({"doc_type": "Thư tình"}, "doc_type"),
            ({"access_level": "top secret"}, "access_level"),
        ):
            answer = client.post(
                "/v1/documents",
                files={"file": ("a.pdf", electronic_pdf("010"))},
                data={"metadata": json.dumps(metadata)},
            )
            assert answer.status_code == 422, answer.text
            assert [e["loc"] for e in answer.json()["detail"]] == [["metadata", field]]
        big = client.post("/v1/batches", files={"file": ("lo.zip", b"\0" * (3 << 20))})
        assert big.status_code == 413 and "tối đa 2 MiB" in big.json()["detail"]


def test_too_many_calls_are_answered_429_with_when_to_try_again(api: Api) -> None:
    with api.client("dem") as client:
        answers = [
            client.get("/v1/search", params={"q": "xi măng"}) for _ in range(CALLS_PER_MINUTE + 1)
        ]
    assert [a.status_code for a in answers[:-1]] == [200] * CALLS_PER_MINUTE
    assert answers[-1].status_code == 429 and int(answers[-1].headers["retry-after"]) >= 1


def test_every_answer_is_as_the_openapi_document_says_and_none_a_server_error(api: Api) -> None:
    """Schemathesis: calls made from the OpenAPI document, the valid and the invalid, with
    a token that may hand over; no answer is a 5xx, and each is one the document gives."""
    schema = schemathesis.openapi.from_url(f"{api.url}/api/docs")
    headers = {"Authorization": f"Bearer {api.tokens['eoffice']}"}
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]
    operations = [found.ok() for found in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) == 8

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=8, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def answered_as_documented(case: schemathesis.Case[Any]) -> None:
            case.call_and_validate(base_url=f"{api.url}/api", headers=headers, checks=checks)

        answered_as_documented()
