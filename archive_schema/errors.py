"""The base of the errors a user can cause and fix: a bad batch, schedule or setting.

They are reported with their message, which names the file, row or field, and never
with a traceback."""


class UserError(Exception):
    """A problem the user can fix; its message says what and where."""
