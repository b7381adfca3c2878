"""What a search backend keeps of a record: its words in canonical form, and the metadata
that filters, facets and hits show. Both backends index the same entry, and the query
side (indexing.query) splits words the same way, so they find the same things."""

from dataclasses import dataclass
from datetime import date

from archive_schema.models import Document
from indexing.query import number_symbol_key, words


@dataclass(frozen=True)
class IndexEntry:
    id: str
    doc_type: str | None
    number_symbol: str | None
    number_key: str | None
    issue_date: date | None
    issuing_agency: str | None
    subject: str | None
    signer_name: str | None
    access_level: str
    retention_status: str
    needs_review: bool
    signed: bool
    meta_words: str  # the canonical words of type, number, agency, subject and signer
    pages: tuple[tuple[int, str], ...]  # (number, text) of each page, for hits and snippets
    page_words: tuple[str, ...]  # the canonical words of each page, space-separated

    @property
    def words(self) -> str:
        """The words of every page, in order."""
        return " ".join(self.page_words)

    @property
    def year(self) -> int | None:
        return self.issue_date.year if self.issue_date else None


def entry(doc: Document) -> IndexEntry:
    meta = (doc.doc_type, doc.number_symbol, doc.issuing_agency, doc.subject, doc.signer_name)
    return IndexEntry(
        id=doc.id,
        doc_type=doc.doc_type,
        number_symbol=doc.number_symbol,
        number_key=number_symbol_key(doc.number_symbol) if doc.number_symbol else None,
        issue_date=doc.issue_date,
        issuing_agency=doc.issuing_agency,
        subject=doc.subject,
        signer_name=doc.signer_name,
        access_level=doc.access_level,
        retention_status=doc.retention.status if doc.retention else "unclassified",
        needs_review=any(page.needs_review for page in doc.pages),
        signed=any(s.on == "original" for s in doc.signatures),
        meta_words=" ".join(words(" ".join(value for value in meta if value))),
        pages=tuple((page.number, page.text) for page in doc.pages),
        page_words=tuple(" ".join(words(page.text)) for page in doc.pages),
    )
