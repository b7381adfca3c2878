"""What every command of `sohoa` shares: its consoles, its settings, how an error ends it
(exit status 2 with the message for what the user can fix, 3 with the traceback for a
fault of sohoa or the machine), and the password prompt of the acts done as a user."""

import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NoReturn

import click
from rich.console import Console
from rich.text import Text

from archive_schema.errors import UserError
from pipelines.settings import Settings

if TYPE_CHECKING:
    from archive_schema.access import Role, User
    from archive_schema.catalog import Catalog

INTERNAL_ERROR = 3
# Not on a terminal (a log, a pipe) rich would wrap at 80 columns: keep report rows whole.
out = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, highlight=False, soft_wrap=True)  # messages never cut mid-path


class Commands(click.Group):
    """The commands; one that fails unexpectedly ends with status 3 and its traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as error:
            traceback.print_exc()
            err.print(
                Text("sohoa: internal error: ", style="red").append(
                    f"{type(error).__name__}: {error} (not a fault of the input: the traceback"
                    " above is for the operator; run the command again once it is fixed)",
                    style="default",
                )
            )
            sys.exit(INTERNAL_ERROR)


def read_settings(**overrides: Any) -> Settings:
    try:
        settings = Settings()
    except ValueError as error:
        fail(f"bad SOHOA_* setting: {error}")
    for name, value in overrides.items():
        if value is not None:
            setattr(settings, name, value)
    return settings


@contextmanager
def user_errors() -> Iterator[None]:
    """Errors a user can cause end the command with their message and status 2, no traceback."""
    try:
        yield
    except UserError as error:
        fail(str(error))


def fail(message: str) -> NoReturn:
    err.print(Text("sohoa: error: ", style="red").append(message, style="default"))
    sys.exit(2)


def signed_in(name: str, from_stdin: bool, role: "Role") -> "tuple[User, Catalog]":
    """The user of an act done on the command line, once their password (asked for, or
    read from standard input) is right, and the catalog; refused without `role`."""
    from archive_schema.accounts import Accounts
    from archive_schema.catalog import Catalog

    password = (
        sys.stdin.readline().rstrip("\n")
        if from_stdin
        else click.prompt("Password", hide_input=True)
    )
    catalog = Catalog(read_settings().database_url)
    user = Accounts(catalog).authenticate(name, password)
    if not user.has(role):
        raise UserError(f"{user.name} is a {user.role.value}: this needs a {role.value}")
    return user, catalog
