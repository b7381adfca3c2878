"""What signing and validating cost per document: PDF/A copies of corpus documents signed
with a test PKI's key (PAdES B-B, the stamp at the top right of page 1), then validated.

    .venv/bin/python bench/signing.py [--documents 20]
"""

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bench.review import percentiles
from ocr.convert import digital_to_pdfa
from pipelines.settings import Settings
from pipelines.signatures.signing import agency_signer, sign_copy
from pipelines.signatures.validation import signatures_of, trust_roots
from samples.corpus import corpus
from samples.electronic import electronic_pdf
from samples.pki import authority, signer


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--documents", type=int, default=20)
    args = options.parse_args()
    with tempfile.TemporaryDirectory(prefix="sohoa-bench-signing-") as work:
        folder = Path(work)
        root = authority()
        (folder / "root.pem").write_bytes(root.pem)
        key = signer(root, folder)
        settings = Settings(
            home=folder / "home", signing_key=key.pkcs12, signing_password=key.password.decode()
        )
        by = agency_signer(settings)
        assert by is not None
        roots = trust_roots(folder / "root.pem")
        signing: list[float] = []
        validating: list[float] = []
        for doc in corpus()[: args.documents]:
            (folder / "born.pdf").write_bytes(electronic_pdf(doc.id))
            copy = folder / f"{doc.id}.pdf"
            digital_to_pdfa(folder / "born.pdf", copy)
            started = time.perf_counter()
            sign_copy(copy, by)
            signed = time.perf_counter()
            [found] = signatures_of(copy.read_bytes(), roots)
            validated = time.perf_counter()
            assert found.status == "valid", found
            signing.append((signed - started) * 1000)
            validating.append((validated - signed) * 1000)
    print(f"{len(signing)} PDF/A copies of corpus documents (ms per document)")
    percentiles("sign (PAdES B-B)", signing)
    percentiles("validate (pyHanko, offline)", validating)
    means = statistics.mean(signing), statistics.mean(validating)
    print(f"mean sign {means[0]:.1f} ms, validate {means[1]:.1f} ms")


if __name__ == "__main__":
    main()
