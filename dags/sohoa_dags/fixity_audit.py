"""sohoa_fixity_audit: every week, each archived object is hashed again and compared with
the SHA-256 the catalog and the package's METS recorded; each check is an event of its
record. The run fails, listing them, when an object is missing, altered or unexpected."""

from airflow.sdk import dag, task

from pipelines.upkeep.fixity import audit_fixity
from sohoa_dags.defaults import DEFAULT_ARGS, START, archive_task


@dag(
    dag_id="sohoa_fixity_audit",
    schedule="@weekly",
    start_date=START,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["sohoa", "fixity"],
    doc_md=__doc__,
)
def sohoa_fixity_audit() -> None:
    @task
    def check_every_object() -> int:
        """How many objects were checked (all of them matched)."""
        with archive_task() as opened:
            return audit_fixity(opened).checked

    check_every_object()


sohoa_fixity_audit()
