"""`sohoa retention …` and `sohoa disposal …`: the records office's commands (Sở Nội vụ).

Each act is done as a user of sohoa, who gives their password (asked for, or on standard
input with --password-stdin), and is written in the audit log with the address "cli".
"""

import json
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.progress import Progress
from rich.table import Table

from pipelines.cli.common import (
    CLI,
    as_user,
    err,
    open_archive,
    out,
    password_stdin,
    read_settings,
    reported_errors,
    signed_in,
    step,
)

if TYPE_CHECKING:
    from archive_schema.access import User
    from archive_schema.review import RecordLine


@click.group()
def retention() -> None:
    """Retention schedules, the review list ("Xem xét hủy"), reclassification, legal holds."""


@retention.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--reason", required=True, help="Why the schedule changes (kept with it).")
@click.option("--name", help="The schedule's name (default: the file's name).")
@as_user
@password_stdin
def retention_import(
    path: Path, reason: str, name: str | None, user_name: str, password_stdin: bool
) -> None:
    """Import a schedule (CSV in UTF-8, or XLSX) as its next version."""
    from archive_schema.access import Role
    from archive_schema.schedule_files import read_schedule
    from archive_schema.schedules import Schedules, diff

    with reported_errors():
        user, archive = signed_in(user_name, password_stdin, Role.RECORDS_OFFICER)
        schedules = Schedules(archive.catalog)
        before = schedules.current()
        schedule = read_schedule(name or path.stem, path.read_bytes(), path.name)
        saved = schedules.save(name or path.stem, schedule, user.name, reason)
        _audit(archive.catalog, user, "import_schedule", f"{saved.schedule.name}: {reason}")
    changes = diff(before.schedule, saved.schedule)
    counts = {
        kind: sum(c.change == kind for c in changes) for kind in ("added", "changed", "removed")
    }
    err.print(
        f"Version {saved.version} ({saved.schedule.name}): {len(schedule.rows)} rows;"
        f" against version {before.version}: "
        + ", ".join(f"{n} {kind}" for kind, n in counts.items())
    )


@retention.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--version", "number", type=int, help="The version (default: the newest).")
def retention_export(path: Path, number: int | None) -> None:
    """Write the schedule as a spreadsheet (.csv in UTF-8, or .xlsx) to edit and import."""
    from archive_schema.schedule_files import write_schedule
    from archive_schema.schedules import Schedules

    with reported_errors():
        schedules = Schedules(open_archive().catalog)
        version = schedules.version(number) if number else schedules.current()
        path.write_bytes(write_schedule(version.schedule, path.suffix.lower()))
    err.print(f"{path}: version {version.version} ({len(version.schedule.rows)} rows)")


@retention.command("versions")
def retention_versions() -> None:
    """The schedule's versions: who changed it, when and why."""
    from archive_schema.schedules import Schedules

    table = Table("version", "name", "rows", "by", "at", "why")
    for v in Schedules(open_archive().catalog).history():
        name = v.schedule.name
        table.add_row(
            str(v.version),
            name,
            str(len(v.schedule.rows)),
            v.author,
            f"{v.created_at:%Y-%m-%d %H:%M}",
            v.reason,
        )
    out.print(table)


@retention.command("due")
@click.option("--type", "doc_type", help="Only this document type.")
@click.option("--year", type=int, help="Only records issued this year.")
@click.option("--agency", help="Only records of this issuing agency.")
@click.option("--dossier", help="Only records of this dossier code.")
@click.option(
    "--date", "on", type=click.DateTime(["%Y-%m-%d"]), help="As of this day (default: today)."
)
@click.option("--unclassified", is_flag=True, help="The records no schedule row took instead.")
@click.option("--json", "as_json", is_flag=True, help="Print the records as JSON lines.")
def retention_due(
    doc_type: str | None,
    year: int | None,
    agency: str | None,
    dossier: str | None,
    on: Any,
    unclassified: bool,
    as_json: bool,
) -> None:
    """The review list: records whose retention period has run out ("Xem xét hủy")."""
    from archive_schema.review import Filters, Review

    review = Review(open_archive().catalog)
    filters = Filters(doc_type, year, agency, dossier)
    today = on.date() if on else date.today()
    lines = review.unclassified(filters) if unclassified else review.due(today, filters)
    _print_lines(lines, as_json)
    what = "unclassified" if unclassified else f"due for review on {today}"
    err.print(f"{len(lines)} records {what}")


@retention.command("assign")
@click.argument("row")
@click.argument("ids", nargs=-1, required=True)
@as_user
@password_stdin
def retention_assign(row: str, ids: tuple[str, ...], user_name: str, password_stdin: bool) -> None:
    """Put records under ROW of the newest schedule (an audited reclassification)."""
    from archive_schema.access import Role
    from pipelines.records_office.acts import assign_row

    with reported_errors():
        user, archive = signed_in(user_name, password_stdin, Role.RECORDS_OFFICER)
        done, version = assign_row(archive, ids, row, user.name, CLI)
    err.print(f"{len(done)} records under row {row} of {version.schedule.name}")


@retention.command("hold")
@click.argument("record")
@click.option(
    "--reason", required=True, help="Why the record must be kept (an inspection, a case…)."
)
@as_user
@password_stdin
def retention_hold(record: str, reason: str, user_name: str, password_stdin: bool) -> None:
    """Put a record (its id, code, or number and notation) under legal hold: never due for
    review, never destroyed."""
    from archive_schema.access import Role
    from pipelines.records_office.acts import hold

    with reported_errors():
        user, archive = signed_in(user_name, password_stdin, Role.RECORDS_OFFICER)
        document_id = hold(archive, record, reason, user.name, CLI)
    err.print(f"{document_id}: under legal hold")


@retention.command("release")
@click.argument("record")
@as_user
@password_stdin
def retention_release(record: str, user_name: str, password_stdin: bool) -> None:
    """Release a record's legal hold (the record by its id, code, or number)."""
    from archive_schema.access import Role
    from pipelines.records_office.acts import release

    with reported_errors():
        user, archive = signed_in(user_name, password_stdin, Role.RECORDS_OFFICER)
        document_id = release(archive, record, user.name, CLI)
    err.print(f"{document_id}: hold released")


@click.group()
def disposal() -> None:
    """Destruction under the council's approval: propose, approve or reject, execute."""


@disposal.command("propose")
@click.argument("ids", nargs=-1)
@click.option("--due", "all_due", is_flag=True, help="Propose every record on the review list.")
@click.option(
    "--note", required=True, help="The explanatory note: why the records may be destroyed."
)
@as_user
@password_stdin
def disposal_propose(
    ids: tuple[str, ...], all_due: bool, note: str, user_name: str, password_stdin: bool
) -> None:
    """Propose records due for review for destruction."""
    from archive_schema.access import Role
    from archive_schema.review import Review

    with reported_errors():
        user, archive = signed_in(user_name, password_stdin, Role.RECORDS_OFFICER)
        chosen = list(ids) + (
            [line.id for line in Review(archive.catalog).due(date.today())] if all_due else []
        )
        proposal = _disposals(archive.catalog).propose(chosen, note, user, date.today(), CLI)
    err.print(f"Proposal {proposal.id}: {len(proposal.documents)} records, for the council")


@disposal.command("approve")
@click.argument("number", type=int)
@click.option("--comment", default="", help="Your opinion, kept with the vote.")
@as_user
@password_stdin
def disposal_approve(number: int, comment: str, user_name: str, password_stdin: bool) -> None:
    """Approve a proposal, as a member of the destruction council."""
    _vote(number, True, comment, user_name, password_stdin)


@disposal.command("reject")
@click.argument("number", type=int)
@click.option("--comment", required=True, help="Why the records must be kept.")
@as_user
@password_stdin
def disposal_reject(number: int, comment: str, user_name: str, password_stdin: bool) -> None:
    """Reject a proposal, as a member of the destruction council."""
    _vote(number, False, comment, user_name, password_stdin)


@disposal.command("execute")
@click.argument("number", type=int)
@as_user
@password_stdin
def disposal_execute(number: int, user_name: str, password_stdin: bool) -> None:
    """Destroy the records of an approved proposal (again, to finish one interrupted)."""
    from archive_schema.access import Role
    from pipelines.records_office.destruction import execute

    with reported_errors(), Progress(console=err, transient=True) as bar:
        user, archive = signed_in(user_name, password_stdin, Role.RECORDS_OFFICER)
        with archive:
            done = execute(archive, number, user, CLI, step(bar, "destroying"))
    err.print(
        f"Proposal {number}: {len(done.destroyed)} records destroyed; record {done.record_key}"
    )


@disposal.command("withdraw")
@click.argument("number", type=int)
@click.option("--reason", required=True, help="Why the proposal is taken back.")
@as_user
@password_stdin
def disposal_withdraw(number: int, reason: str, user_name: str, password_stdin: bool) -> None:
    """Take back a proposal not yet executed; its records may be proposed again."""
    from archive_schema.access import Role

    with reported_errors():
        user, archive = signed_in(user_name, password_stdin, Role.RECORDS_OFFICER)
        _disposals(archive.catalog).withdraw(number, reason, user, CLI)
    err.print(f"Proposal {number}: withdrawn")


@disposal.command("readmit")
@click.argument("document_id")
@click.option("--reason", required=True, help="Why the destroyed record may be archived again.")
@as_user
@password_stdin
def disposal_readmit(document_id: str, reason: str, user_name: str, password_stdin: bool) -> None:
    """Let a destroyed record's content be archived again (an audited act): until then,
    ingesting the same scans quarantines them."""
    from archive_schema.access import Role

    with reported_errors():
        user, archive = signed_in(user_name, password_stdin, Role.RECORDS_OFFICER)
        stone = _disposals(archive.catalog).readmit(document_id, reason, user, CLI)
    err.print(f"{document_id} (destroyed under proposal {stone.disposal_id}) may be archived again")


@disposal.command("list")
def disposal_list() -> None:
    """The proposals, newest first, with their votes."""

    table = Table("no.", "state", "records", "proposed by", "on", "votes")
    for p in _disposals(open_archive().catalog).proposals():
        votes = ", ".join(f"{v.user} {'✓' if v.approve else '✗'}" for v in p.votes)
        table.add_row(
            str(p.id),
            p.state.value,
            str(len(p.documents)),
            p.proposer,
            f"{p.created_at:%Y-%m-%d}",
            votes,
        )
    out.print(table)


def _vote(number: int, approve: bool, comment: str, user_name: str, password_stdin: bool) -> None:
    from archive_schema.access import Role

    with reported_errors():
        user, archive = signed_in(user_name, password_stdin, Role.COUNCIL)
        proposal = _disposals(archive.catalog).vote(number, user, approve, comment, CLI)
    err.print(f"Proposal {number}: {proposal.state.value}, {len(proposal.approvers)} approvals")


def _audit(catalog: Any, user: "User", action: str, target: str) -> None:
    from archive_schema.audit import AuditLog

    AuditLog(catalog).record(user.name, action, target, CLI)


def _disposals(catalog: Any) -> Any:
    from archive_schema.disposal import Disposals

    return Disposals(catalog, read_settings().disposal_quorum)


def _print_lines(lines: "list[RecordLine]", as_json: bool) -> None:
    if as_json:
        for line in lines:
            click.echo(json.dumps(asdict(line), default=str, ensure_ascii=False))
        return
    table = Table("id", "type", "number", "date", "subject", "row", "period", "review from")
    for line in lines:
        period = "Vĩnh viễn" if line.permanent else f"{line.years} năm" if line.years else "-"
        table.add_row(
            line.id[:12],
            line.doc_type or "",
            line.number_symbol or "",
            str(line.issue_date or ""),
            (line.subject or "")[:60],
            line.row or "-",
            period,
            str(line.review_from or "-"),
        )
    out.print(table)
