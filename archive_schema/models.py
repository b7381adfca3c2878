"""What an archival record is: the document, its pages, files, retention and events.

Field names are the contract between the stages, the command line, the index and the web.
"""

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field, computed_field


class Source(StrEnum):
    """Where the value of a descriptive field came from."""

    MANIFEST = "manifest"
    OCR = "ocr"
    DERIVED = "derived"  # computed from other fields (number from number_symbol, ...)
    DEFAULT = "default"
    ARCHIVIST = "archivist"  # corrected, or confirmed, by a person (archive_schema.checking)


class Status(StrEnum):
    ARCHIVED = "archived"
    REGISTERED = "registered"  # in the catalog, not yet searchable
    DESTROYING = "destroying"  # its approved destruction has begun: out of search and reach
    MERGED = "merged"  # its pages now another record's (pipelines.merge); its package kept


class Page(BaseModel):
    number: int = Field(ge=1)
    text: str
    confidence: float = Field(ge=0, le=100, description="mean word confidence, percent")
    quality: float = Field(default=0, ge=0, le=100, description="how far the OCR can be trusted")
    needs_review: bool = False


class OriginalFile(BaseModel):
    """One file of the batch that makes up the document (a scan, a TIFF, a PDF)."""

    name: str = Field(description="path inside the batch")
    sha256: str
    size: int
    media_type: str
    pages: int
    puid: str | None = Field(default=None, description="its format in PRONOM, e.g. fmt/353")


class StoredFile(BaseModel):
    """A file of the record's package in the archive store."""

    role: Literal["original", "pdfa", "text", "layout"]
    key: str
    sha256: str
    size: int
    media_type: str


class Signature(BaseModel):
    """A digital signature (chữ ký số) of an electronic original, as it was last validated:
    `valid` (intact, its certificate chained to a configured root), `invalid` (the signed
    bytes changed, or changed after signing in a way the signature forbids), `untrusted`
    (intact, but its certificate does not chain to a configured root, or has expired), or
    `unknown` (it could not be read)."""

    field: str
    status: Literal["valid", "invalid", "untrusted", "unknown"]
    on: Literal["original", "copy"] = "original"  # the original's, or the agency's on the copy
    signer: str | None = None
    organisation: str | None = None
    signed_at: datetime | None = None
    time_source: Literal["timestamp", "signer"] | None = None  # a timestamp, or its own clock
    whole_file: bool = False  # False: the file was added to after it was signed
    revocation: Literal["checked", "not checked"] = "not checked"
    detail: str = ""  # why, for operators
    validated_at: datetime = Field(default_factory=lambda: datetime.now(UTC))


class Retention(BaseModel):
    """Thời hạn bảo quản: the schedule row the record falls under and when it is due."""

    schedule: str
    row: str | None = None
    years: int | None = None
    permanent: bool = False
    review_from: date | None = None
    status: Literal["classified", "unclassified", "review"] = "unclassified"  # review: Xem xét hủy


class Event(BaseModel):
    """Something done to a record or a batch: what, when, and how it ended."""

    stage: str
    outcome: Literal["ok", "failed", "skipped"]
    detail: str = ""
    at: datetime = Field(default_factory=lambda: datetime.now(UTC))


class Description(BaseModel):
    """What a record says of itself: the fields a manifest may give or OCR may read."""

    code: str | None = None
    dossier_code: str | None = None
    ordinal: int | None = None
    doc_type: str | None = None
    number_symbol: str | None = None
    number: str | None = None
    notation: str | None = None
    issue_date: date | None = None
    place: str | None = None
    issuing_agency: str | None = None
    parent_agency: str | None = None
    subject: str | None = None
    signer_title: str | None = None
    signer_name: str | None = None
    authority_mark: str | None = None
    recipients: list[str] = Field(default_factory=list)
    secrecy: str | None = None
    urgency: str | None = None
    access_level: str = "internal"
    language: str = "vi"
    dossier_end_year: int | None = None


DESCRIPTIVE_FIELDS = tuple(Description.model_fields)


class Document(Description):
    """An archival document (tài liệu), one per scanned paper document."""

    id: str
    batch_id: str
    source_name: str = Field(description="the file or folder of the batch it came from")
    confidence_level: str = "digitised"
    pages: list[Page] = Field(default_factory=list)
    originals: list[OriginalFile] = Field(default_factory=list)
    superseded: list[OriginalFile] = Field(
        default_factory=list, description="scans replaced by a re-scan, kept in the package"
    )
    pdf_sha256: str | None = None
    package: str | None = Field(
        default=None, description="the record's prefix in the archive store"
    )
    files: list[StoredFile] = Field(default_factory=list)
    signatures: list[Signature] = Field(default_factory=list)
    retention: Retention | None = None
    sources: dict[str, Source] = Field(default_factory=dict)
    field_confidence: dict[str, float] = Field(
        default_factory=dict, description="how far each field read by OCR can be trusted, 0-100"
    )
    events: list[Event] = Field(default_factory=list)
    status: Status = Status.REGISTERED

    @computed_field  # type: ignore[prop-decorator]
    @property
    def page_count(self) -> int:
        return len(self.pages)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def text(self) -> str:
        return "\n\n".join(page.text for page in self.pages)

    def record(
        self, stage: str, outcome: Literal["ok", "failed", "skipped"], detail: str = ""
    ) -> None:
        self.events.append(Event(stage=stage, outcome=outcome, detail=detail))
