"""What sohoa's DAGs share: defaults, the OCR pool, and bad input failing without retries."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from airflow.sdk.exceptions import AirflowFailException

from archive_schema.errors import UserError

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
def no_retry_for_bad_input() -> Iterator[None]:
    """An error the input caused (UserError) fails the task at once: trying again would
    give the same result. Any other error is retried."""
    try:
        yield
    except UserError as error:
        raise AirflowFailException(str(error)) from error
