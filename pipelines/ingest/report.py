"""What happened to a batch: per document, and to the batch as a whole."""

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, Field


class Outcome(StrEnum):
    ARCHIVED = "archived"
    ALREADY_ARCHIVED = "already archived"
    QUARANTINED = "quarantined"
    FAILED = "failed"


class DocumentReport(BaseModel):
    name: str
    status: Outcome
    id: str | None = None
    pages: int = 0
    doc_type: str | None = None
    number_symbol: str | None = None
    issue_date: date | None = None
    pages_to_review: list[int] = Field(default_factory=list)
    reason: str | None = None
    reason_vi: str | None = None  # the same in Vietnamese, for the web


class BatchReport(BaseModel):
    batch_id: str
    source: str
    started_at: datetime
    finished_at: datetime | None = None
    documents: list[DocumentReport] = Field(default_factory=list)
    problems: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    problems_vi: list[str] = Field(default_factory=list)  # the same in Vietnamese
    warnings_vi: list[str] = Field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Every document archived (now or before) and nothing wrong with the batch itself."""
        done = (Outcome.ARCHIVED, Outcome.ALREADY_ARCHIVED)
        return not self.problems and all(d.status in done for d in self.documents)

    @property
    def status(self) -> str:
        """The batch's status in the catalog."""
        return "archived" if self.ok else "problems"

    def count(self, status: Outcome) -> int:
        return sum(1 for d in self.documents if d.status == status)

    @property
    def summary(self) -> str:
        """How many documents ended how: '4 archived, 1 quarantined'."""
        counts = ", ".join(f"{self.count(s)} {s}" for s in Outcome if self.count(s))
        return counts or "the batch holds no documents"
