"""What becomes of the batches uploaded through the web: each document's progress (queued,
OCR, archived, failed with the reason) kept in the catalog for the batch's page, whoever
does the work.

- Airflow, when SOHOA_AIRFLOW_URL is set: the upload is submitted as a sohoa_ingest run, and
  its progress read from the run's mapped tasks through the REST API.
- Otherwise the embedded runner, in a background worker: the web starts
  `sohoa process-uploads` after each upload; one worker runs at a time (a lock under
  SOHOA_HOME) and drains the queue, so an upload never waits for a worker about to stop.
"""

import fcntl
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from archive_schema.errors import SohoaError
from archive_schema.uploads import Stage, Upload, UploadDocument, Uploads, UploadState
from pipelines.archive import Archive
from pipelines.ingest.report import BatchReport, DocumentReport, Outcome
from pipelines.uploads.airflow import FINISHED, Airflow

LOCK = "uploads.lock"
AIRFLOW_STAGES = {  # the state of a document's mapped `archive` task
    "running": Stage.OCR,
    "success": Stage.ARCHIVED,
    "failed": Stage.FAILED,
    "upstream_failed": Stage.FAILED,
}
log = logging.getLogger(__name__)


def process_uploads(archive: Archive) -> int:
    """Archive every queued upload, oldest first, until none waits; returns how many."""
    uploads = Uploads(archive.catalog)
    count = 0
    with _only_worker(archive.settings.home / LOCK):
        uploads.requeue_interrupted()
        while (upload := uploads.claim_next()) is not None:
            _archive(upload, archive, uploads)
            count += 1
    return count


def submit_to_airflow(upload: Upload, archive: Archive, uploads: Uploads) -> None:
    run = Airflow(archive.settings).start_ingest(upload.path, upload.split_at_blank)
    uploads.set_airflow_run(upload.id, run)


def follow_airflow(upload: Upload, archive: Archive, uploads: Uploads) -> None:
    """Bring the upload's stages up to date from its Airflow run; once the run is over,
    from the batch's report."""
    if upload.airflow_run is None or upload.state is not UploadState.RUNNING:
        return
    airflow = Airflow(archive.settings)
    stages = {
        name: AIRFLOW_STAGES.get(state or "", Stage.QUEUED)
        for name, state in airflow.document_states(upload.airflow_run).items()
    }
    uploads.set_stages(upload.id, [UploadDocument(name, stage) for name, stage in stages.items()])
    state = airflow.run(upload.airflow_run)["state"]
    if state not in FINISHED:
        return
    done = [b for b in archive.catalog.batches(source=upload.path) if b.report]
    if not done:
        ended = {"failed": "thất bại"}.get(state, state)
        uploads.finish(upload.id, UploadState.FAILED, error=f"Lượt chạy trong Airflow {ended}.")
        return
    report = BatchReport.model_validate(done[0].report)
    uploads.set_stages(upload.id, [stage_of(entry) for entry in report.documents])
    uploads.finish(upload.id, state_of(report), batch_id=report.batch_id)


def stage_of(entry: DocumentReport) -> UploadDocument:
    archived = entry.status in (Outcome.ARCHIVED, Outcome.ALREADY_ARCHIVED)
    return UploadDocument(  # for the web: the reason in Vietnamese
        entry.name,
        Stage.ARCHIVED if archived else Stage.FAILED,
        entry.reason_vi or entry.reason,
        entry.id,
    )


def state_of(report: BatchReport) -> UploadState:
    return UploadState.FINISHED if report.ok else UploadState.PROBLEMS


class _Stages:
    """The runner's progress as stages: the workers take documents in the order given, so
    the first of those not finished are in OCR and the rest wait."""

    def __init__(self, uploads: Uploads, upload_id: str, workers: int):
        self.uploads, self.upload_id, self.workers = uploads, upload_id, workers
        self.waiting: list[str] = []

    def started(self, names: list[str]) -> None:
        self.waiting = list(names)
        self._update([])

    def finished(self, entry: DocumentReport) -> None:
        if entry.name in self.waiting:
            self.waiting.remove(entry.name)
        self._update([stage_of(entry)])

    def _update(self, done: list[UploadDocument]) -> None:
        working = [UploadDocument(n, Stage.OCR) for n in self.waiting[: self.workers]]
        waiting = [UploadDocument(n, Stage.QUEUED) for n in self.waiting[self.workers :]]
        self.uploads.set_stages(self.upload_id, done + working + waiting)


def _archive(upload: Upload, archive: Archive, uploads: Uploads) -> None:
    from pipelines.ingest.runner import ingest  # the OCR stack: the worker's, not the web's

    stages = _Stages(uploads, upload.id, archive.settings.workers)
    try:
        report = ingest(Path(upload.path), archive, stages, upload.split_at_blank)
    except SohoaError as error:
        log.warning("upload %s refused: %s", upload.id, error)
        uploads.finish(upload.id, UploadState.FAILED, error=error.vi or str(error))
        return
    except Exception:  # the next upload must still be processed
        log.exception("upload %s failed", upload.id)
        message = "Máy chủ gặp lỗi khi xử lý lô này; lỗi đã được ghi lại để quản trị viên xử lý."
        uploads.finish(upload.id, UploadState.FAILED, error=message)
        return
    uploads.set_stages(upload.id, [stage_of(entry) for entry in report.documents])
    uploads.finish(upload.id, state_of(report), batch_id=report.batch_id)


@contextmanager
def _only_worker(lock: Path) -> Iterator[None]:
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # waits for a worker still running
        yield
