"""sohoa_reindex: rebuild the search index from the packages in the archive store (after
changing the search engine or its analysers, or losing the index). Started by hand."""

from airflow.sdk import dag, task

from pipelines.upkeep.reindex import reindex
from sohoa_dags.defaults import DEFAULT_ARGS, START, archive_task


@dag(
    dag_id="sohoa_reindex",
    schedule=None,
    start_date=START,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["sohoa", "search"],
    doc_md=__doc__,
)
def sohoa_reindex() -> None:
    @task
    def index_every_package() -> int:
        """How many documents were indexed."""
        with archive_task() as opened:
            return reindex(opened)

    index_every_package()


sohoa_reindex()
