"""Signed electronic originals, against a PKI the test makes (samples.pki): each archived
byte for byte and never altered, each signature validated with pyHanko offline (intact,
the whole file, who and when, chained to SOHOA_TRUST_ROOTS, revocation not checked without
embedded data), and a record whose signature is not valid brought to the review queue."""

import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from archive_schema.errors import UserError
from archive_schema.identifiers import sha256_file
from archive_schema.models import Document
from pipelines.archive import Archive
from pipelines.corrections import checking
from pipelines.ingest.report import Outcome
from pipelines.ingest.runner import ingest
from pipelines.package.layout import original_key
from samples.electronic import electronic_pdf
from samples.pki import authority, signed_pdf, signer
from tests.conftest import make_settings, sohoa
from tests.records_archive import EVERYONE
from tests.web_server import add_user, browser, logged_in_page, shot, web_server

__all__ = ["browser"]  # the fixture


def changed_byte(pdf: bytes, inside: bytes) -> bytes:
    """The PDF with one letter of `inside` (a part the signature covers) changed."""
    at = pdf.index(inside) + 1
    return pdf[:at] + bytes([pdf[at] ^ 0x01]) + pdf[at + 1 :]


def broken_signature(pdf: bytes) -> bytes:
    """The signed PDF with its signature (the CMS in /Contents, outside the bytes it
    covers) made unreadable."""
    at = pdf.index(b"/Contents <") + len(b"/Contents <")
    return pdf[:at] + b"00000000" + pdf[at + 8 :]


def added_to(pdf: bytes) -> bytes:
    """The signed PDF with an incremental update after it: its metadata changed."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    writer.root["/Lang"] = generic.TextStringObject("vi")
    writer.update_root()  # type: ignore[no-untyped-call]
    out = io.BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]
    return out.getvalue()


@pytest.fixture(scope="module")
def archived(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Archive, Path]]:
    root = tmp_path_factory.mktemp("signed")
    trusted, stranger = authority(), authority("CA lạ (không được cấu hình)")
    agency = signer(trusted, root / "agency")
    unknown = signer(stranger, root / "stranger", person="Trần Văn Lạ")
    (root / "roots.pem").write_bytes(trusted.pem)
    batch = root / "batch"
    batch.mkdir()
    signed = signed_pdf(electronic_pdf("010"), agency)
    (batch / "da-ky.pdf").write_bytes(signed)
    (batch / "sua-sau-khi-ky.pdf").write_bytes(changed_byte(signed, b"/Producer"))
    (batch / "ca-la.pdf").write_bytes(signed_pdf(electronic_pdf("004"), unknown))
    (batch / "cap-nhat-sau-khi-ky.pdf").write_bytes(
        added_to(signed_pdf(electronic_pdf("016"), agency))
    )
    (batch / "khong-ky.pdf").write_bytes(electronic_pdf("032"))
    lapsed = datetime.now(UTC) - timedelta(days=30)
    expired = signer(trusted, root / "expired", person="Lê Thị Hết", valid_days=10, starts=lapsed)
    (batch / "het-han.pdf").write_bytes(signed_pdf(electronic_pdf("020"), expired))
    (batch / "hong-chu-ky.pdf").write_bytes(
        broken_signature(signed_pdf(electronic_pdf("022"), agency))
    )
    archive = Archive(make_settings(root / "home", trust_roots=root / "roots.pem"))
    report = ingest(batch, archive)
    assert {d.status for d in report.documents} == {Outcome.ARCHIVED}, report.documents
    yield archive, batch
    archive.close()


def record(archive: Archive, name: str) -> Document:
    return next(d for d in archive.catalog.documents() if d.source_name == name)


def test_a_signed_original_is_kept_byte_for_byte_and_its_signature_valid(
    archived: tuple[Archive, Path],
) -> None:
    archive, batch = archived
    doc = record(archive, "da-ky.pdf")
    [signature] = doc.signatures
    assert (signature.status, signature.whole_file) == ("valid", True)
    assert (signature.signer, signature.organisation) == ("Nguyễn Văn An", "Sở Y tế tỉnh Lào Cai")
    assert signature.signed_at is not None and signature.time_source == "signer"
    assert signature.revocation == "not checked"  # no revocation data in it: offline
    [original] = doc.originals
    assert original.sha256 == sha256_file(batch / "da-ky.pdf")
    with archive.store.open(original_key(doc.id, original.name)) as kept:
        assert kept.read() == (batch / "da-ky.pdf").read_bytes()
    events = [e for e in archive.catalog.events(doc.id) if e.stage == "signatures"]
    assert [e.outcome for e in events] == ["ok"]


@pytest.mark.parametrize(
    ("name", "status", "whole", "why"),
    [
        ("sua-sau-khi-ky.pdf", "invalid", True, "the signed bytes were changed"),
        ("ca-la.pdf", "untrusted", True, "not trusted"),
        ("cap-nhat-sau-khi-ky.pdf", None, False, "added to after it was signed"),
        ("het-han.pdf", "untrusted", True, "not trusted"),
        ("hong-chu-ky.pdf", "unknown", False, ""),
    ],
)
def test_a_signature_that_is_not_valid_is_archived_flagged_with_its_reason(
    archived: tuple[Archive, Path], name: str, status: str | None, whole: bool, why: str
) -> None:
    archive, batch = archived
    doc = record(archive, name)
    [signature] = doc.signatures
    assert status is None or signature.status == status
    assert signature.whole_file is whole and why in signature.detail
    assert doc.originals[0].sha256 == sha256_file(batch / name)  # archived as received
    queue = checking(archive).queue(doc.batch_id, 1, EVERYONE).items
    line = next(line for line in queue if line.id == doc.id)
    if signature.status != "valid":
        ahead = queue[: queue.index(line) + 1]  # only records whose signature is not valid
        assert all(other.reasons[0] == "signature" for other in ahead)


def test_an_unsigned_original_has_no_signature(archived: tuple[Archive, Path]) -> None:
    archive, _ = archived
    assert record(archive, "khong-ky.pdf").signatures == []


def test_trust_roots_that_are_no_certificates_are_named_before_any_work(tmp_path: Path) -> None:
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "da-ky.pdf").write_bytes(electronic_pdf("010"))
    bundle = tmp_path / "roots.pem"
    bundle.write_text("không phải chứng thư")
    archive = Archive(make_settings(tmp_path / "home", trust_roots=bundle))
    with pytest.raises(UserError, match="SOHOA_TRUST_ROOTS") as refused:
        ingest(batch, archive)
    assert refused.value.vi is not None and "SOHOA_TRUST_ROOTS" in refused.value.vi
    assert list(archive.catalog.documents()) == []


def test_verify_validates_the_signatures_again_with_the_roots_configured_now(
    archived: tuple[Archive, Path], tmp_path: Path
) -> None:
    archive, _ = archived
    home = archive.settings.home
    untrusting = sohoa(home, "verify", env={"SOHOA_TRUST_ROOTS": ""})  # no roots configured
    assert untrusting.returncode == 0, untrusting.stderr
    assert "ChuKySo: valid -> untrusted" in untrusting.stderr
    doc = record(archive, "da-ky.pdf")
    assert [s.status for s in doc.signatures] == ["untrusted"]
    assert [e.outcome for e in archive.catalog.events(doc.id) if e.stage == "signatures"] == [
        "ok",
        "failed",
    ]
    restored = sohoa(home, "verify", env={"SOHOA_TRUST_ROOTS": str(archive.settings.trust_roots)})
    assert "ChuKySo: untrusted -> valid" in restored.stderr
    assert [s.status for s in record(archive, "da-ky.pdf").signatures] == ["valid"]


def test_the_web_shows_each_signature_and_searches_by_it(
    archived: tuple[Archive, Path], browser: Browser
) -> None:
    archive, _ = archived
    home = archive.settings.home
    add_user(home, "minh", "reader", "minh-tra-cuu-2026")
    valid, tampered = record(archive, "da-ky.pdf"), record(archive, "sua-sau-khi-ky.pdf")
    with web_server(home) as url:
        page = logged_in_page(browser, url, "minh", "minh-tra-cuu-2026")
        page.goto(f"{url}/documents/{valid.id}")
        signatures = page.locator("section.signatures")
        expect(signatures).to_contain_text("Nguyễn Văn An")
        expect(signatures).to_contain_text("Sở Y tế tỉnh Lào Cai")
        expect(signatures.locator("tr.valid")).to_contain_text("Hợp lệ")
        expect(page.locator(".metadata")).to_contain_text("Gốc điện tử")
        shot(page, "document-signed")
        page.goto(f"{url}/documents/{tampered.id}")
        expect(page.locator("section.signatures tr.invalid")).to_contain_text(
            "nội dung đã bị thay đổi sau khi ký"
        )
        page.goto(f"{url}/?q=chung+chi+hanh+nghe")
        expect(page.locator(".facets")).to_contain_text("Có chữ ký số")
        page.goto(f"{url}/?q=chung+chi+hanh+nghe&signed=true")
        expect(page.locator("li.hit")).to_have_count(3)  # 010, its tampered copy, công điện 020
