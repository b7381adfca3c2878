"""What every command of `sohoa` shares: its consoles, its settings and archive, how an
error ends it (its exit status: 2 for what the user can fix, 3 with the traceback for a
fault of sohoa or the machine, 4 for a service still unavailable after its retries, 5 for
stored data that does not match its record), and the password prompt of acts done as a user."""

import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NoReturn

import click
from rich.console import Console
from rich.progress import Progress
from rich.text import Text

from archive_schema.errors import IntegrityError, UserError
from pipelines.settings import Settings

if TYPE_CHECKING:
    from archive_schema.access import Role, User
    from pipelines.archive import Archive

# Exit statuses (0: done; 1: some document not archived, said by the command itself)
INPUT_ERROR, INTERNAL_ERROR, UNAVAILABLE, DAMAGED = 2, 3, 4, 5
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
def reported_errors() -> Iterator[None]:
    """The three kinds of errors (archive_schema.errors) end the command with their message,
    no traceback: an input error with status 2, a service still unavailable after its
    retries with 4, an integrity error with 5."""
    try:
        yield
    except UserError as error:
        fail(str(error))
    except IntegrityError as error:
        fail(str(error), DAMAGED, "integrity error")
    except Exception as error:
        from pipelines.retry import unavailable  # sqlalchemy: when it failed

        down = unavailable(error)
        if down is None:
            raise
        fail(str(down), UNAVAILABLE, "service unavailable")


def step(bar: Progress, label: str) -> Callable[[int, int], None]:
    """A new line of the progress bar, and the `progress(done, total)` that moves it."""
    task = bar.add_task(label, total=None)
    return lambda done, total: bar.update(task, completed=done, total=total)


def fail(message: str, status: int = INPUT_ERROR, kind: str = "error") -> NoReturn:
    err.print(Text(f"sohoa: {kind}: ", style="red").append(message, style="default"))
    sys.exit(status)


def open_archive(**overrides: Any) -> "Archive":
    """The archive the command works with, from the SOHOA_* settings (and `overrides`)."""
    from pipelines.archive import Archive  # the catalog and the backends: when a command needs them

    return Archive(read_settings(**overrides))


CLI = "cli"  # the address of acts done on the command line, in the audit log
as_user = click.option("--user", "user_name", required=True, help="Your sohoa user name.")
password_stdin = click.option(
    "--password-stdin", is_flag=True, help="Read the password from standard input."
)


def signed_in(name: str, from_stdin: bool, role: "Role") -> "tuple[User, Archive]":
    """The user of an act done on the command line, once their password (asked for, or
    read from standard input) is right, and the archive; refused without `role`."""
    from archive_schema.accounts import Accounts

    password = (
        sys.stdin.readline().rstrip("\n")
        if from_stdin
        else click.prompt("Password", hide_input=True)
    )
    archive = open_archive()
    user = Accounts(archive.catalog).authenticate(name, password)
    if not user.has(role):
        raise UserError(f"{user.name} is a {user.role.value}: this needs a {role.value}")
    return user, archive
