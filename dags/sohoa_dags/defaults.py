"""What sohoa's DAGs share: defaults, the OCR pool, and the archive of each task, whose
input and integrity errors fail it without retries."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from airflow.sdk.exceptions import AirflowFailException

from archive_schema.errors import IntegrityError, UserError
from pipelines.archive import Archive

START = datetime(2026, 1, 1)
OCR_POOL = "sohoa_ocr"  # slots: the cores of the machine (or the cluster) given to OCR
DEFAULT_ARGS = {
    "owner": "sohoa",
    "retries": 3,  # a worker killed, the store or the index unreachable
    "retry_delay": timedelta(seconds=20),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=10),
}


@contextmanager
def archive_task() -> Iterator[Archive]:
    """The archive a task works with, from the SOHOA_* settings of the worker. An input or
    integrity error fails the task at once: trying again would give the same answer. A
    service unavailable (the store, the index, the database), or any other fault, is tried
    again (DEFAULT_ARGS)."""
    try:
        with Archive() as archive:
            yield archive
    except (UserError, IntegrityError) as error:
        raise AirflowFailException(str(error)) from error
