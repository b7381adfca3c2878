"""Classify: the retention schedule row a record falls under and when it is due for review."""

from archive_schema.models import Document
from archive_schema.retention import Schedule, end_year


def classify(doc: Document, schedule: Schedule, row_code: str | None = None) -> None:
    """`row_code`, from the manifest, wins; otherwise the schedule's rules decide. The period
    counts from the year the work ends: the dossier's end year, else the issue year."""
    doc.retention = schedule.classify(doc, end_year(doc), row_code)
    retention = doc.retention
    if retention.status == "unclassified":
        doc.record(
            "classify",
            "ok",
            f"unclassified: no row of {schedule.name} matches; a records officer must assign one",
        )
        return
    period = "Vĩnh viễn" if retention.permanent else f"{retention.years} năm"
    due = f", review from {retention.review_from}" if retention.review_from else ""
    if not retention.permanent and retention.review_from is None:
        due = ", review date unknown (no end year or issue date)"
    doc.record("classify", "ok", f"row {retention.row} of {schedule.name}: {period}{due}")
