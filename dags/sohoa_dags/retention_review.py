"""sohoa_retention_review: every day, archived records whose retention period has ended are
marked "Xem xét hủy" (for review) for the records office, each with an event (TT 05/2025)."""

from datetime import date

from airflow.sdk import dag, task

from pipelines.upkeep.review import review_due
from sohoa_dags.defaults import DEFAULT_ARGS, START, archive_task


@dag(
    dag_id="sohoa_retention_review",
    schedule="@daily",
    start_date=START,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["sohoa", "retention"],
    doc_md=__doc__,
)
def sohoa_retention_review() -> None:
    @task
    def mark_due_for_review() -> list[str]:
        """The ids of the records marked by this run."""
        with archive_task() as opened:
            return review_due(opened, date.today())

    mark_due_for_review()


sohoa_retention_review()
