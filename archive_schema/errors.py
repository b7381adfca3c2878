"""The three kinds of errors, one meaning each, and how each is handled everywhere (the
command line, the web, the Airflow tasks):

- `UserError`, an input error: the user must fix a file, row, field or setting. Reported
  with its message, which names it; never retried (trying again gives the same answer).
- `ServiceUnavailable`: the archive store, the search index, the database or Airflow is
  down or timing out. Retried with backoff, then reported naming the service.
- `IntegrityError`: stored data no longer matches its checksum (or its record). Never
  retried; reported loudly, for the operator to repair.

None is ever shown with a traceback. The command line says them in English; the web's users
read Vietnamese, so each carries its Vietnamese text too (`vi`)."""

from typing import NamedTuple


class SohoaError(Exception):
    """What the three kinds share: a message, and the same in Vietnamese for the web."""

    default_vi: str | None = None

    def __init__(self, message: str, vi: str | None = None):
        super().__init__(message)
        self.vi = vi or self.default_vi


class UserError(SohoaError):
    """A problem the user can fix; its message says what and where; `vi`, the same in
    Vietnamese for the web (None: an error sohoa did not foresee reaching the web)."""


class ServiceUnavailable(SohoaError):
    """A service sohoa relies on is down or too slow; trying again later may succeed."""

    default_vi: str | None = "Dịch vụ tạm thời không sẵn sàng; hãy thử lại sau ít phút."


class IntegrityError(SohoaError):
    """Stored data does not match what was recorded of it: never retried."""

    default_vi: str | None = (
        "Dữ liệu trong kho không khớp với bản đã ghi nhận; quản trị viên đã được báo để xử lý."
    )


class Said(NamedTuple):
    """A message for people: in English (the command line, the logs), in Vietnamese (the
    web, whose users read Vietnamese)."""

    en: str
    vi: str
