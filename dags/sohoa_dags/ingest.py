"""sohoa_ingest: archive one batch. Trigger it with `sohoa submit BATCH`, from the inbox
(sohoa_inbox), or from the UI with the conf {"batch": "/path/to/batch"} (a folder, a zip,
or a file:// URI that every worker can read); add "split_at_blank_pages": true to cut its
files at their blank pages.

intake stages the documents in the archive store and deals them into as many chunks as
the sohoa_ocr pool has slots (SOHOA_OCR_SLOTS); one `archive` task per chunk (mapped, in
that pool) archives its documents from there, one after the other; `finalize` writes the
batch's report and fails the run when a document was not archived. Running a batch again
adds nothing.
"""

from typing import Any

from airflow.sdk import Param, TriggerRule, dag, get_current_context, task
from airflow.sdk.exceptions import AirflowFailException, AirflowSkipException

from pipelines.ingest import steps
from sohoa_dags.defaults import DEFAULT_ARGS, OCR_POOL, START, archive_task


@dag(
    dag_id="sohoa_ingest",
    schedule=None,
    start_date=START,
    catchup=False,
    default_args=DEFAULT_ARGS,
    tags=["sohoa", "ingest"],
    doc_md=__doc__,
    params={
        "batch": Param(type="string", description="the batch: a folder, a zip, file:// URI"),
        "split_at_blank_pages": Param(
            False, type="boolean", description="cut each file at its blank pages (separators)"
        ),
    },
)
def sohoa_ingest() -> None:
    @task
    def intake() -> list[list[dict[str, Any]]]:
        context = get_current_context()
        with archive_task() as opened:
            params = context["params"]
            batch, documents = steps.stage_batch(
                params["batch"], opened, bool(params.get("split_at_blank_pages"))
            )
            chunks = steps.in_chunks(documents, opened.settings.ocr_slots)
        context["ti"].xcom_push(key="batch", value=batch.model_dump(mode="json"))
        return [[d.model_dump(mode="json") for d in chunk] for chunk in chunks]

    @task(pool=OCR_POOL, map_index_template="{{ document_names }}")
    def archive(chunk: list[dict[str, Any]]) -> list[dict[str, Any]]:
        staged = [steps.StagedDocument.model_validate(d) for d in chunk]
        names = ", ".join(s.name for s in staged)
        get_current_context()["document_names"] = names[:240]  # type: ignore[typeddict-unknown-key]
        with archive_task() as opened:
            return [r.model_dump(mode="json") for r in steps.archive_chunk(staged, opened)]

    @task(trigger_rule=TriggerRule.ALL_DONE)
    def finalize() -> dict[str, Any]:
        ti = get_current_context()["ti"]
        batch = ti.xcom_pull(task_ids="intake", key="batch")
        if batch is None:
            raise AirflowSkipException("intake failed: there is no batch to report on")
        documents = [d for chunk in ti.xcom_pull(task_ids="intake") or [] for d in chunk]
        with archive_task() as opened:
            report = steps.finish_batch(
                steps.StagedBatch.model_validate(batch),
                [steps.StagedDocument.model_validate(d) for d in documents],
                opened,
            )
        if not report.ok:
            raise AirflowFailException(
                f"batch {report.batch_id}: {report.summary}; {len(report.problems)} problems."
                f" Its report: batches/{report.batch_id}/report.json in the archive store"
            )
        return {"batch_id": report.batch_id, "summary": report.summary}

    archive.expand(chunk=intake()) >> finalize()


sohoa_ingest()
