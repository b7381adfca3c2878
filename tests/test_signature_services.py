"""Signatures against a PKI's own services on loopback (Certomancer: a root's CRL and a
time-stamping authority): the agency's copies signed PAdES B-T with a timestamp from
SOHOA_TSA_URL; the revocation data a signature carries checked, so that it is "checked"
for a signer in good standing and a revoked signer's signature is not trusted."""

import io
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from asn1crypto import crl
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.validation import DocumentSecurityStore
from pyhanko_certvalidator import ValidationContext

from pipelines.archive import Archive
from pipelines.ingest.runner import ingest
from pipelines.signatures.validation import signatures_of, trust_roots
from samples.electronic import electronic_pdf
from samples.pki import SignerFiles, signed_pdf
from tests.conftest import make_settings
from tests.pki_services import PkiServices, pki_services


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PkiServices]:
    with pki_services(tmp_path_factory.mktemp("pki")) as running:
        yield running


def with_revocation_data(pdf: bytes, by: SignerFiles, pki: PkiServices) -> bytes:
    """Signed as software that embeds what a verifier needs offline does: the root's CRL,
    fetched from its distribution point, inside the signature."""
    chosen = signers.SimpleSigner.load_pkcs12(  # type: ignore[no-untyped-call]
        str(by.pkcs12), passphrase=by.password
    )
    context = ValidationContext(trust_roots=trust_roots(pki.root_pem), allow_fetching=True)
    out = io.BytesIO()
    signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(pdf)),
        signers.PdfSignatureMetadata(
            field_name="ChuKySo", embed_validation_info=True, validation_context=context
        ),
        signer=chosen,
        output=out,
    )
    return out.getvalue()


def test_a_signature_carrying_its_revocation_data_has_it_checked(pki: PkiServices) -> None:
    signed = with_revocation_data(electronic_pdf("010"), pki.signer, pki)
    [signature] = signatures_of(signed, trust_roots(pki.root_pem))
    assert (signature.status, signature.revocation) == ("valid", "checked")


def test_a_revoked_signers_signature_is_not_trusted(pki: PkiServices) -> None:
    """Signing software refuses to embed a revoked certificate's status; the CRL that
    revokes it is added to the document's security store (/DSS) after signing."""
    signed = signed_pdf(electronic_pdf("010"), pki.revoked)
    revocations = httpx.get(pki.tsa_url.replace("/tsa/tsa", "/crls/root/latest.crl")).content
    sealed = io.BytesIO(signed)
    contents = PdfFileReader(io.BytesIO(signed)).embedded_signatures[0].pkcs7_content
    DocumentSecurityStore.add_dss(sealed, contents, crls=[crl.CertificateList.load(revocations)])
    [signature] = signatures_of(sealed.getvalue(), trust_roots(pki.root_pem))
    assert (signature.status, signature.revocation) == ("untrusted", "checked")
    assert "its certificate was revoked" in signature.detail


def test_copies_are_signed_pades_b_t_with_the_timestamp_servers_time(
    pki: PkiServices, tmp_path: Path
) -> None:
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "cv-004.pdf").write_bytes(electronic_pdf("004"))
    settings = make_settings(
        tmp_path / "home",
        trust_roots=pki.root_pem,
        signing_key=pki.signer.pkcs12,
        signing_password=pki.signer.password.decode(),
        tsa_url=pki.tsa_url,
    )
    with Archive(settings) as archive:
        assert ingest(batch, archive).ok
        [doc] = archive.catalog.documents()
        [event] = [e for e in archive.catalog.events(doc.id) if e.stage == "sign"]
        copy = archive.store.open(next(f.key for f in doc.files if f.role == "pdfa")).read()
    assert event.detail.startswith(f"PAdES B-T, timestamped by {pki.tsa_url}")
    assert [(s.on, s.time_source) for s in doc.signatures] == [("copy", "timestamp")]
    [signature] = signatures_of(copy, trust_roots(pki.root_pem))
    assert (signature.status, signature.time_source) == ("valid", "timestamp")
