"""Digitised copies signed by the agency (NĐ 30/2020, Phụ lục I) with a key the test's PKI
issues: every PDF/A copy signed before it is packaged, PAdES, at the top right of page 1,
with the agency's name and the time in Vietnam's time zone; still PDF/A-2b for veraPDF,
valid against the configured root and covering the whole file; a wrong password refused
before any work, naming the setting."""

import io
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pikepdf
import pypdfium2
import pytest

from archive_schema.errors import UserError
from pipelines.archive import Archive
from pipelines.ingest.runner import ingest
from pipelines.package.dip import export_package
from pipelines.signatures.validation import signatures_of, trust_roots
from samples.batch import render
from samples.electronic import electronic_pdf
from samples.pki import authority, signer
from tests.conftest import make_settings

Validate = Callable[[list[Path]], dict[Path, str]]


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Archive, Path]]:
    root = tmp_path_factory.mktemp("signing")
    ca = authority()
    key = signer(ca, root / "agency", person="Văn thư Sở Y tế")
    (root / "roots.pem").write_bytes(ca.pem)
    batch = root / "batch"
    batch.mkdir()
    page, _ = render("004", 200, "medium", 2)[0]
    page.save(batch / "cv-004.png", dpi=(200, 200))
    (batch / "cv-010.pdf").write_bytes(electronic_pdf("010"))
    settings = make_settings(
        root / "home",
        trust_roots=root / "roots.pem",
        signing_key=key.pkcs12,
        signing_password=key.password.decode(),
    )
    archive = Archive(settings)
    assert ingest(batch, archive).ok
    yield archive, root / "roots.pem"
    archive.close()


def test_every_pdfa_copy_is_signed_by_the_agency_and_stays_pdfa(
    signed: tuple[Archive, Path], tmp_path: Path, verapdf: Validate
) -> None:
    archive, roots = signed
    copies = []
    for doc in archive.catalog.documents():
        pdfa = next(f for f in doc.files if f.role == "pdfa")
        data = archive.store.open(pdfa.key).read()
        [signature] = signatures_of(data, trust_roots(roots))
        assert (signature.status, signature.whole_file) == ("valid", True)
        assert signature.organisation == "Sở Y tế tỉnh Lào Cai"
        [event] = [e for e in archive.catalog.events(doc.id) if e.stage == "sign"]
        [kept] = [s for s in doc.signatures if s.on == "copy"]  # shown on the record's page
        assert (kept.status, kept.organisation) == ("valid", "Sở Y tế tỉnh Lào Cai")
        assert "PAdES B-B, signed by Sở Y tế tỉnh Lào Cai at " in event.detail
        assert event.detail.endswith("+07:00")  # ISO 8601, Vietnam's time zone
        with pikepdf.open(io.BytesIO(data)) as pdf:
            first = pdf.pages[0]
            _, _, width, height = (float(v) for v in first.mediabox)
            [widget] = [a for a in first.obj.Annots if a.get("/FT") == "/Sig"]
            left, bottom, _, _ = (float(v) for v in widget.Rect)
            assert left > width / 2 and bottom > height * 0.9  # top right of page 1
            assert "/Subtype" in widget.AP.N and "/Image" not in str(widget.AP.N.get("/Resources"))
        copies.append(tmp_path / f"{doc.id}.pdf")
        copies[-1].write_bytes(data)
    assert len(copies) == 2
    assert set(verapdf(copies).values()) == {"PASS"}


def test_a_key_its_password_does_not_open_is_refused_before_any_work(tmp_path: Path) -> None:
    key = signer(authority(), tmp_path / "agency")
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "cv-010.pdf").write_bytes(electronic_pdf("010"))
    settings = make_settings(tmp_path / "home", signing_key=key.pkcs12, signing_password="sai")
    archive = Archive(settings)
    with pytest.raises(UserError, match="SOHOA_SIGNING_KEY") as refused:
        ingest(batch, archive)
    assert refused.value.vi is not None and "SOHOA_SIGNING_KEY" in refused.value.vi
    assert list(archive.catalog.documents()) == []


def test_a_signed_copy_goes_to_users_as_it_is_a_certified_copy(
    signed: tuple[Archive, Path], tmp_path: Path
) -> None:
    archive, roots = signed
    doc = next(d for d in archive.catalog.documents() if d.source_name == "cv-004.png")
    with zipfile.ZipFile(export_package(archive, doc.id, tmp_path)) as dip:
        [name] = [n for n in dip.namelist() if n.endswith(".pdf")]
        data = dip.read(name)
    assert [s.status for s in signatures_of(data, trust_roots(roots))] == ["valid"]
    with pypdfium2.PdfDocument(data) as pdf:
        assert "BẢN SAO" not in pdf[0].get_textpage().get_text_range()
