"""The layout of the archive store: every key sohoa writes, in one place.

records/<id>/METS.xml                             every file below, with its SHA-256
records/<id>/metadata/descriptive/dc.xml          the description in Dublin Core
records/<id>/metadata/descriptive/record.json     the whole record, as sohoa reads it
records/<id>/metadata/preservation/premis.xml     the files' fixity and the events
records/<id>/documentation/README.txt             what is where, for a reader without sohoa
records/<id>/schemas/record.schema.json           the JSON schema of record.json
records/<id>/representations/original/data/…      the original scans, by path in the batch
records/<id>/representations/pdfa/data/<code>.pdf the PDF/A (named by the document code
                                                  when there is one, as TT 05/2025 names
                                                  digitised files)
records/<id>/representations/text/data/…          the text and layout of every page
batches/<batch id>/report.json                    the batch's report
batches/<batch id>/<manifest>                     its manifest, as it came
batches/<batch id>/quarantine/…                   what could not be archived, as it came
batches/<batch id>/incoming/…, outcomes/…         its files and outcomes, while Airflow works
batches/<batch id>/bien-ban-nghiem-thu.pdf        the record of its acceptance (nghiệm thu)
disposals/<number>/bien-ban-huy-<number>.pdf      the record (biên bản) of a destruction
dossiers/<code>/METS.xml                          a dossier (hồ sơ): its documents' packages
dossiers/<code>/metadata/descriptive/dc.xml       in their order; its description in Dublin
dossiers/<code>/metadata/descriptive/dossier.json Core, and whole as sohoa reads it
fonds/<code>/METS.xml                             a fonds (phông): its dossiers' packages
fonds/<code>/metadata/descriptive/{dc.xml,fonds.json}
"""

RECORDS = "records/"
METS_FILE = "METS.xml"
RECORD = "metadata/descriptive/record.json"
DUBLIN_CORE = "metadata/descriptive/dc.xml"
PREMIS_FILE = "metadata/preservation/premis.xml"
README = "documentation/README.txt"
PDF, TEXT, JSON, XML = "application/pdf", "text/plain", "application/json", "application/xml"
SCHEMA = "schemas/record.schema.json"
TEXT_SUFFIX, LAYOUT_SUFFIX = ".txt", ".layout.json"  # of a page's key (page_key)
BATCHES = "batches/"
DISPOSALS = "disposals/"
DOSSIERS, FONDS = "dossiers/", "fonds/"
DOSSIER_RECORD, FONDS_RECORD = (
    "metadata/descriptive/dossier.json",
    "metadata/descriptive/fonds.json",
)


def package_prefix(document_id: str) -> str:
    return f"{RECORDS}{document_id}/"


def dossier_prefix(code: str) -> str:
    return f"{DOSSIERS}{code}/"


def fonds_prefix(code: str) -> str:
    return f"{FONDS}{code}/"


def original_key(document_id: str, name: str) -> str:
    """Where an original scan is kept: under its path inside the batch."""
    return f"{package_prefix(document_id)}representations/original/data/{name}"


def pdfa_key(document_id: str, code: str | None) -> str:
    return f"{package_prefix(document_id)}representations/pdfa/data/{code or document_id}.pdf"


def page_key(document_id: str, number: int) -> str:
    """The key of a page's text, without its suffix (`.txt`, `.layout.json`)."""
    return f"{package_prefix(document_id)}representations/text/data/page-{number:04d}"


def batch_prefix(batch_id: str) -> str:
    return f"{BATCHES}{batch_id}/"


def report_key(batch_id: str) -> str:
    return f"{batch_prefix(batch_id)}report.json"


def quarantine_prefix(batch_id: str) -> str:
    return f"{batch_prefix(batch_id)}quarantine/"


def incoming_prefix(batch_id: str) -> str:
    """Where a batch's files wait for the Airflow tasks that archive them."""
    return f"{batch_prefix(batch_id)}incoming/"


def outcomes_prefix(batch_id: str) -> str:
    """Where each document's Airflow task leaves its outcome for the batch's report."""
    return f"{batch_prefix(batch_id)}outcomes/"


def acceptance_record_key(batch_id: str) -> str:
    return f"{batch_prefix(batch_id)}bien-ban-nghiem-thu.pdf"


def destruction_record_key(number: int) -> str:
    return f"{DISPOSALS}{number}/bien-ban-huy-{number}.pdf"
