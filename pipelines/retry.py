"""Trying again while a service is unavailable: the archive store, the search index, the
database or Airflow down or timing out. Input and integrity errors are never tried again:
they would give the same answer."""

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import OperationalError

from archive_schema.errors import ServiceUnavailable

T = TypeVar("T")
log = logging.getLogger(__name__)


class DatabaseUnavailable(ServiceUnavailable):
    """The catalog's database cannot be reached, or is locked for too long."""

    default_vi: str | None = "Cơ sở dữ liệu tạm thời không sẵn sàng; hãy thử lại sau ít phút."


def unavailable(error: BaseException) -> ServiceUnavailable | None:
    """`error` as a service unavailable, when it is one (a database's fault included)."""
    if isinstance(error, ServiceUnavailable):
        return error
    if isinstance(error, OperationalError):
        return DatabaseUnavailable(f"the catalog's database is unavailable: {error.orig}")
    return None


def retried(call: Callable[[], T], attempts: int, first_wait: float, what: str) -> T:
    """`call()`, tried up to `attempts` times while a service is unavailable, waiting
    `first_wait` seconds, then twice as long each time; the last failure is raised, as a
    ServiceUnavailable."""
    for attempt in range(1, attempts + 1):
        try:
            return call()
        except Exception as error:
            down = unavailable(error)
            if down is None:
                raise
            if attempt == attempts:
                raise down from error
            wait = first_wait * 2 ** (attempt - 1)
            log.warning(
                "%s: %s; trying again in %.0f s (%d of %d)", what, down, wait, attempt, attempts
            )
            time.sleep(wait)
    raise AssertionError("unreachable")  # the loop returns or raises
