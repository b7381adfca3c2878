"""`sohoa user …`: the accounts of the web application, for the operator of the machine.
Each act is audited under the operator's system login (`name@cli`), which no sohoa user
name can be."""

import getpass
import sys
from typing import TYPE_CHECKING

import click
from rich.table import Table

from archive_schema.access import Role
from archive_schema.vocab import ACCESS_LEVELS
from pipelines.cli.common import err, open_archive, out, reported_errors

if TYPE_CHECKING:
    from archive_schema.accounts import Accounts

ROLES = [role.value for role in Role]
ADDRESS = "cli"


@click.group()
def user() -> None:
    """Manage the users of the web application."""


@click.group()
def token() -> None:
    """Manage the API tokens of client systems (e-office software)."""


@token.command("add")
@click.argument("name")
@click.option(
    "--role", type=click.Choice(ROLES), required=True, help="As a user's (sohoa user add)."
)
@click.option(
    "--clearance",
    type=click.Choice(list(ACCESS_LEVELS)),
    help="The most closed access level the system may read (default: by role).",
)
def token_add(name: str, role: str, clearance: str | None) -> None:
    """Make a token for client system NAME; it is printed once and kept only hashed."""
    from archive_schema.tokens import Tokens

    with reported_errors():
        secret = Tokens(open_archive().catalog).add(name, Role(role), clearance, _operator())
    err.print(f"token {name} ({role}); keep it secret, it is not shown again:")
    click.echo(secret)


@token.command("list")
def token_list() -> None:
    """The tokens, live and revoked (never the tokens themselves)."""
    from archive_schema.tokens import Tokens

    table = Table("name", "role", "clearance", "created", "revoked")
    for found in Tokens(open_archive().catalog).tokens():
        revoked = found.revoked_at.isoformat(timespec="minutes") if found.revoked_at else ""
        made = found.created_at.isoformat(timespec="minutes")
        table.add_row(found.name, found.role.value, found.clearance, made, revoked)
    out.print(table)


@token.command("revoke")
@click.argument("name")
def token_revoke(name: str) -> None:
    """Revoke client system NAME's token: every call with it is refused from now on."""
    from archive_schema.tokens import Tokens

    with reported_errors():
        Tokens(open_archive().catalog).revoke(name, _operator())
    err.print(f"token {name} revoked")


@user.command("add")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(ROLES),
    required=True,
    help="reader: searches; archivist: uploads; records_officer: retention and destruction;"
    " council: approves destruction; admin: all.",
)
@click.option(
    "--clearance",
    type=click.Choice(list(ACCESS_LEVELS)),
    help="The most closed access level the user may read (default: by role).",
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def user_add(name: str, role: str, clearance: str | None, password_stdin: bool) -> None:
    """Create a user; the password is asked for twice (at least 10 characters)."""

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with reported_errors():
        added = _accounts().add(name, password, Role(role), clearance, _operator(), ADDRESS)
    err.print(f"User {added.name}: {added.role.value}, cleared for {added.clearance}")


@user.command("list")
def user_list() -> None:
    """The users, with their role, clearance and state."""
    table = Table("name", "role", "clearance", "state", "sessions", "created")
    for account in _accounts().accounts():
        state = (
            "disabled"
            if not account.active
            else f"locked until {account.locked_until:%Y-%m-%d %H:%M}"
            if account.locked_until
            else "must change password"
            if account.must_change_password
            else "active"
        )
        table.add_row(
            account.name,
            account.role.value,
            account.clearance,
            state,
            str(account.sessions),
            f"{account.created_at:%Y-%m-%d}",
        )
    out.print(table)


@user.command("disable")
@click.argument("name")
def user_disable(name: str) -> None:
    """Disable a user: no more logins, and their sessions end."""
    with reported_errors():
        _accounts().set_active(name, False, _operator(), ADDRESS)
    err.print(f"{name}: disabled, sessions ended")


@user.command("enable")
@click.argument("name")
def user_enable(name: str) -> None:
    """Enable a disabled user again."""
    with reported_errors():
        _accounts().set_active(name, True, _operator(), ADDRESS)
    err.print(f"{name}: enabled")


@user.command("reset-password")
@click.argument("name")
def user_reset_password(name: str) -> None:
    """Give the user a temporary password (printed), to change at their next login."""
    with reported_errors():
        temporary = _accounts().reset_password(name, _operator(), ADDRESS)
    err.print(f"{name}: sessions ended; temporary password, to change at the next login:")
    click.echo(temporary)


@user.command("set-role")
@click.argument("name")
@click.argument("role", type=click.Choice(ROLES))
def user_set_role(name: str, role: str) -> None:
    """Change a user's role; their sessions end."""

    with reported_errors():
        _accounts().set_role(name, Role(role), _operator(), ADDRESS)
    err.print(f"{name}: {role}, sessions ended")


@user.command("set-clearance")
@click.argument("name")
@click.argument("clearance", type=click.Choice(list(ACCESS_LEVELS)))
def user_set_clearance(name: str, clearance: str) -> None:
    """Change the most closed access level a user may read; their sessions end."""
    with reported_errors():
        _accounts().set_clearance(name, clearance, _operator(), ADDRESS)
    err.print(f"{name}: cleared for {clearance}, sessions ended")


@user.command("unlock")
@click.argument("name")
def user_unlock(name: str) -> None:
    """Lift the lockout after repeated failed logins."""
    with reported_errors():
        _accounts().unlock(name, _operator(), ADDRESS)
    err.print(f"{name}: unlocked")


@user.command("sign-out")
@click.argument("name")
def user_sign_out(name: str) -> None:
    """End every session of a user."""
    with reported_errors():
        ended = _accounts().end_sessions(name, _operator(), ADDRESS)
    err.print(f"{name}: {ended} sessions ended")


def _accounts() -> "Accounts":
    from archive_schema.accounts import Accounts

    return Accounts(open_archive().catalog)


def _operator() -> str:
    return f"{getpass.getuser()}@cli"
