"""A public key infrastructure shaped like the one that signs Vietnam's state documents, for
the tests and the demo: a root certification authority (as the Ban Cơ yếu Chính phủ's root
for chữ ký số chuyên dùng), the certificate of an agency's signer under it, as a PKCS#12
file an agency configures, and documents signed with it (pyHanko, PAdES). It is trusted
nowhere but where it is configured."""

import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import SigFieldSpec, SigSeedSubFilter

ROOT_NAME = "Ban Cơ yếu Chính phủ (thử nghiệm sohoa)"
PASSWORD = b"mat-khau-chung-thu-so"


@dataclass(frozen=True)
class Authority:
    """A certification authority: its certificate and key."""

    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey

    @property
    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)


@dataclass(frozen=True)
class SignerFiles:
    """An agency's signer, as an agency keeps it: a PKCS#12 file and its password."""

    pkcs12: Path
    password: bytes


def authority(name: str = ROOT_NAME) -> Authority:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = _name(name, "Ban Cơ yếu Chính phủ")
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_usage(signing=False), critical=True)
        .sign(key, hashes.SHA256())
    )
    return Authority(certificate, key)


def signer(
    issuer: Authority,
    folder: Path,
    person: str = "Nguyễn Văn An",
    agency: str = "Sở Y tế tỉnh Lào Cai",
    valid_days: int = 730,
    starts: datetime | None = None,
) -> SignerFiles:
    """A signer's certificate from `issuer`, written with its key to `folder`/signer.p12."""
    key = ec.generate_private_key(ec.SECP256R1())
    begins = starts or datetime.now(UTC) - timedelta(days=1)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(person, agency))
        .issuer_name(issuer.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(begins)
        .not_valid_after(begins + timedelta(days=valid_days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(signing=True), critical=True)
        .sign(issuer.key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "signer.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            person.encode(),
            key,
            certificate,
            [issuer.certificate],
            serialization.BestAvailableEncryption(PASSWORD),
        )
    )
    return SignerFiles(path, PASSWORD)


def signed_pdf(pdf: bytes, by: SignerFiles, field: str = "ChuKySo") -> bytes:
    """The PDF signed as an agency signs one it issues (PAdES baseline B-B), in a new field,
    appended as an incremental update: the bytes before it are left as they were."""
    chosen = signers.SimpleSigner.load_pkcs12(  # type: ignore[no-untyped-call]
        str(by.pkcs12), passphrase=by.password
    )
    assert chosen is not None, f"{by.pkcs12}: not readable with its password"
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    out = io.BytesIO()
    signers.sign_pdf(
        writer,
        signers.PdfSignatureMetadata(field_name=field, subfilter=SigSeedSubFilter.PADES),
        signer=chosen,
        new_field_spec=SigFieldSpec(field),
        output=out,
    )
    return out.getvalue()


def _name(common: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common),
        ]
    )


def _usage(signing: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signing,
        content_commitment=signing,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=not signing,
        crl_sign=not signing,
        encipher_only=False,
        decipher_only=False,
    )
