"""sohoa_inbox: watches the inbox folder (SOHOA_INBOX, default $SOHOA_HOME/inbox) and starts
a sohoa_ingest run for each batch dropped there, once it has stopped changing. The batch
is moved to `.taken/` in the inbox and archived from there; a link is moved to `.refused/`."""

import logging
from datetime import timedelta

from airflow.providers.standard.operators.trigger_dagrun import TriggerDagRunOperator
from airflow.sdk import PokeReturnValue, dag, task

from pipelines.ingest.inbox import take_ready_batches
from pipelines.settings import Settings
from sohoa_dags.defaults import DEFAULT_ARGS, START

settings = Settings()
log = logging.getLogger(__name__)


@dag(
    dag_id="sohoa_inbox",
    schedule="@continuous",  # a new run as soon as the last one has handed its batches on
    start_date=START,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["sohoa", "ingest"],
    doc_md=__doc__,
)
def sohoa_inbox() -> None:
    @task.sensor(
        poke_interval=settings.inbox_poll_seconds,
        timeout=timedelta(hours=12).total_seconds(),
        mode="reschedule",  # no worker slot is held while waiting
        soft_fail=True,
    )
    def wait_for_batches() -> PokeReturnValue:
        taken = take_ready_batches(settings.inbox, settings.inbox_settle_seconds)
        for name in taken.refused:
            log.warning("%s in the inbox is a link: refused, moved to .refused/", name)
        runs = [
            {"conf": {"batch": str(path)}, "trigger_run_id": f"inbox__{path.name}"}
            for path in taken.batches
        ]
        return PokeReturnValue(is_done=bool(runs), xcom_value=runs)

    TriggerDagRunOperator.partial(
        task_id="start_ingest", trigger_dag_id="sohoa_ingest", skip_when_already_exists=True
    ).expand_kwargs(wait_for_batches())


sohoa_inbox()
