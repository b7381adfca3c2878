"""`sohoa dossier …`: fonds and dossiers (archive_schema.fonds) on the command line, done
as a sohoa archivist who gives their password, each act in the audit log ("cli")."""

import json
from dataclasses import asdict
from pathlib import Path

import click
from rich.table import Table

from pipelines.cli.common import (
    CLI,
    as_user,
    err,
    open_archive,
    out,
    password_stdin,
    reported_errors,
    signed_in,
)


@click.group()
def dossier() -> None:
    """Fonds (phông) and dossiers (hồ sơ), and the mục lục hồ sơ of a fonds."""


@dossier.command("add-fonds")
@click.argument("code")
@click.argument("name")
@click.option("--creator", default="", help="The creating body (cơ quan hình thành phông).")
@click.option("--years", default="", help="The years of its records, e.g. 1998-2015.")
@as_user
@password_stdin
def add_fonds(
    code: str, name: str, creator: str, years: str, user_name: str, password_stdin: bool
) -> None:
    """Open a fonds."""
    from archive_schema.access import Role
    from pipelines.filing import add_fonds as open_fonds

    with reported_errors():
        user, archive = signed_in(user_name, password_stdin, Role.ARCHIVIST)
        given = {"code": code, "name": name, "creator": creator, "years": years}
        open_fonds(archive, given, user.name, CLI)
    err.print(f"fonds {code} opened")


@dossier.command("add")
@click.argument("code")
@click.option("--fonds", "fonds_code", required=True, help="The fonds it belongs to.")
@click.option("--title", required=True, help="Its title (tiêu đề hồ sơ).")
@click.option("--retention", default="", help='Its retention, e.g. "10 năm", "Vĩnh viễn".')
@click.option(
    "--retention-row",
    default="",
    help="Its row of the retention schedule (its documents follow it; wins over --retention).",
)
@as_user
@password_stdin
def add(
    code: str,
    fonds_code: str,
    title: str,
    retention: str,
    retention_row: str,
    user_name: str,
    password_stdin: bool,
) -> None:
    """Open a dossier of a fonds."""
    from archive_schema.access import Role
    from pipelines.filing import save_dossier

    with reported_errors():
        user, archive = signed_in(user_name, password_stdin, Role.ARCHIVIST)
        given = {
            "code": code,
            "fonds_code": fonds_code,
            "title": title,
            "retention": retention,
            "retention_row": retention_row,
        }
        save_dossier(archive, given, user.name, CLI, new=True)
    err.print(f"dossier {code} opened in fonds {fonds_code}")


@dossier.command("list")
@click.option("--fonds", "fonds_code", help="Only the dossiers of this fonds.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per dossier.")
def list_dossiers(fonds_code: str | None, as_json: bool) -> None:
    """The dossiers, with their dates and counts computed from their documents."""
    from archive_schema.fonds import Archives

    with reported_errors():
        dossiers = Archives(open_archive().catalog).dossiers(fonds_code)
    if as_json:
        for found in dossiers:
            out.print_json(json.dumps(asdict(found), default=str, ensure_ascii=False))
        return
    table = Table("dossier", "fonds", "title", "documents", "pages", "from", "to")
    for d in dossiers:
        dates = (str(d.start or ""), str(d.end or ""))
        table.add_row(d.code, d.fonds_code, d.title, str(d.documents), str(d.pages), *dates)
    out.print(table)


@dossier.command("list-export")
@click.argument("fonds_code")
@click.argument("output", type=click.Path(dir_okay=False, path_type=Path))
def list_export(fonds_code: str, output: Path) -> None:
    """Write the mục lục hồ sơ of a fonds to OUTPUT: a PDF/A (.pdf) or a workbook (.xlsx)."""
    from archive_schema.errors import UserError
    from pipelines.dossier_list import dossier_list_pdf, dossier_list_xlsx

    with reported_errors():
        if output.suffix not in (".pdf", ".xlsx"):
            raise UserError(f"{output}: the list is written as .pdf or .xlsx")
        archive = open_archive()
        writer = dossier_list_pdf if output.suffix == ".pdf" else dossier_list_xlsx
        output.write_bytes(writer(archive, fonds_code))
    err.print(f"mục lục hồ sơ of fonds {fonds_code} written to {output}")
