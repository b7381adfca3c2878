"""A test PKI with its services on loopback, as an agency's certification authority runs
them: Certomancer serving a root's CRL and a time-stamping authority (RFC 3161), with an
agency's signer and a revoked signer under the root. Keys are made here (cryptography);
certificates, CRLs and timestamps are Certomancer's."""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import x509 as asn1
from certomancer.registry import ArchLabel, CertLabel, CertomancerConfig
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12

from samples.pki import PASSWORD, SignerFiles
from tests.services import free_port, listening, running

ARCH = "sohoa"
CERTOMANCER = Path(sys.executable).parent / "certomancer"
VALID = {"valid-from": "2020-01-01T00:00:00+0000", "valid-to": "2100-01-01T00:00:00+0000"}


@dataclass(frozen=True)
class PkiServices:
    root_pem: Path  # SOHOA_TRUST_ROOTS
    tsa_url: str  # SOHOA_TSA_URL
    signer: SignerFiles  # an agency's signer, its certificate with a CRL distribution point
    revoked: SignerFiles  # a signer the root has revoked


def _config(folder: Path, port: int) -> str:
    """Certomancer's configuration: entities, certificates and services."""
    signer = {
        "issuer": "root",
        "validity": VALID,
        "extensions": [
            {
                "id": "key_usage",
                "critical": True,
                "smart-value": {
                    "schema": "key-usage",
                    "params": ["digital_signature", "non_repudiation"],
                },
            },
            {
                "id": "crl_distribution_points",
                "smart-value": {"schema": "crl-dist-url", "params": {"crl-repo-names": ["root"]}},
            },
        ],
    }
    import json  # YAML is a superset of JSON: the configuration written as JSON

    return json.dumps(
        {
            "external-url-prefix": f"http://127.0.0.1:{port}",
            "keysets": {
                ARCH: {
                    "path-prefix": str(folder),
                    "keys": {
                        name: {"path": f"{name}.key.pem"}
                        for name in ("root", "signer", "revoked", "tsa")
                    },
                }
            },
            "pki-architectures": {
                ARCH: {
                    "keyset": ARCH,
                    "entity-defaults": {"country-name": "VN"},
                    "entities": {
                        "root": {
                            "organization-name": "Ban Cơ yếu Chính phủ",
                            "common-name": "Root CA thử nghiệm",
                        },
                        "signer": {
                            "organization-name": "Sở Y tế tỉnh Lào Cai",
                            "common-name": "Nguyễn Văn An",
                        },
                        "revoked": {
                            "organization-name": "Sở Y tế tỉnh Lào Cai",
                            "common-name": "Trần Văn Bị Thu Hồi",
                        },
                        "tsa": {
                            "organization-name": "Ban Cơ yếu Chính phủ",
                            "common-name": "Dấu thời gian thử nghiệm",
                        },
                    },
                    "certs": {
                        "root": {
                            "subject": "root",
                            "issuer": "root",
                            "validity": VALID,
                            "extensions": [
                                {
                                    "id": "basic_constraints",
                                    "critical": True,
                                    "value": {"ca": True},
                                },
                                {
                                    "id": "key_usage",
                                    "critical": True,
                                    "smart-value": {
                                        "schema": "key-usage",
                                        "params": ["key_cert_sign", "crl_sign"],
                                    },
                                },
                            ],
                        },
                        "signer": signer,
                        "revoked": signer
                        | {
                            "revocation": {
                                "revoked-since": "2021-01-01T00:00:00+0000",
                                "reason": "key_compromise",
                            }
                        },
                        "tsa": {
                            "issuer": "root",
                            "validity": VALID,
                            "extensions": [
                                {
                                    "id": "key_usage",
                                    "critical": True,
                                    "smart-value": {
                                        "schema": "key-usage",
                                        "params": ["digital_signature"],
                                    },
                                },
                                {
                                    "id": "extended_key_usage",
                                    "critical": True,
                                    "value": ["time_stamping"],
                                },
                            ],
                        },
                    },
                    "services": {
                        "crl-repo": {
                            "root": {
                                "for-issuer": "root",
                                "signing-key": "root",
                                "simulated-update-schedule": "P90D",
                            }
                        },
                        "time-stamping": {"tsa": {"signing-key": "tsa", "signing-cert": "tsa"}},
                    },
                }
            },
        },
        ensure_ascii=False,
    )


@contextmanager
def pki_services(folder: Path) -> Iterator[PkiServices]:
    folder.mkdir(parents=True, exist_ok=True)
    keys = {}
    for name in ("root", "signer", "revoked", "tsa"):
        keys[name] = ec.generate_private_key(ec.SECP256R1())
        (folder / f"{name}.key.pem").write_bytes(
            keys[name].private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    port = free_port()
    config = folder / "certomancer.yml"
    config.write_text(_config(folder, port), encoding="utf-8")
    architecture = CertomancerConfig.from_file(str(config)).get_pki_arch(ArchLabel(ARCH))

    def certificate(name: str) -> x509.Certificate:
        made: asn1.Certificate = architecture.get_cert(CertLabel(name))
        return x509.load_der_x509_certificate(made.dump())

    root = certificate("root")
    (folder / "root.pem").write_bytes(root.public_bytes(serialization.Encoding.PEM))
    files = {}
    for name in ("signer", "revoked"):
        path = folder / f"{name}.p12"
        path.write_bytes(
            pkcs12.serialize_key_and_certificates(
                name.encode(),
                keys[name],
                certificate(name),
                [root],
                serialization.BestAvailableEncryption(PASSWORD),
            )
        )
        files[name] = SignerFiles(path, PASSWORD)
    command: list[str | Path] = [CERTOMANCER, "--config", config, "animate"]
    command += ["--port", str(port), "--no-web-ui"]
    with running(command, dict(os.environ), folder / "certomancer.log", listening(port), 60):
        yield PkiServices(
            folder / "root.pem",
            f"http://127.0.0.1:{port}/{ARCH}/tsa/tsa",
            files["signer"],
            files["revoked"],
        )
