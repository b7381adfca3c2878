"""sohoa_fixity_audit: every week, each archived object is hashed again and compared with
the SHA-256 the catalog and the package's METS recorded; each check is an event of its
record. With a replica, the two copies are compared first and either one repaired from the
other. The run fails, listing them, when an object is lost, missing, altered or unexpected."""

from airflow.sdk import dag, task

from archive_schema.errors import IntegrityError
from pipelines.upkeep.fixity import audit_fixity
from pipelines.upkeep.replica import audit_replica
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
            replica = audit_replica(opened)
            if replica and replica.problems:
                raise IntegrityError(replica.failure(opened.settings.storage_url))
            return audit_fixity(opened).checked

    check_every_object()


sohoa_fixity_audit()
