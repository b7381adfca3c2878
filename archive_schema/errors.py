"""The base of the errors a user can cause and fix: a bad batch, schedule or setting.

They are reported with their message, which names the file, row or field, and never
with a traceback. The command line says them in English; the web's users read
Vietnamese, so an error that can reach a page carries its Vietnamese text too."""

from typing import NamedTuple


class UserError(Exception):
    """A problem the user can fix; its message says what and where; `vi`, the same in
    Vietnamese for the web."""

    def __init__(self, message: str, vi: str | None = None):
        super().__init__(message)
        self.vi = vi


class Said(NamedTuple):
    """A message for people: in English (the command line, the logs), in Vietnamese (the
    web, whose users read Vietnamese)."""

    en: str
    vi: str
