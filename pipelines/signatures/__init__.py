"""Digital signatures (chữ ký số): those of electronic originals validated (never altered),
the digitised copies signed by the agency."""

from pipelines.settings import Settings


def settings_checked(settings: Settings) -> None:
    """Refuse a batch before any work when the trust roots, the agency's key or its password
    cannot be read, naming the setting (UserError)."""
    from pipelines.signatures.signing import agency_signer
    from pipelines.signatures.validation import trust_roots

    trust_roots(settings.trust_roots)
    agency_signer(settings)
