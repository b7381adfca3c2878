"""Airflow's local settings: Airflow imports this module in each of its processes (the
scripts of tools/ and the compose file put this folder on PYTHONPATH). The processes that
fork one process per task (a Celery worker, the scheduler running LocalExecutor's workers)
or per DAG file parse (the DAG processor) import sohoa's DAG and task code, the OCR stack
and its dictionary here, once: every task starts warm instead of spending a second or two
loading them, and parsing the DAG files every 30 s costs milliseconds, not seconds of CPU taken
from the OCR (the DAG processor of an idle `make airflow` used 11 s a minute before)."""

import sys

if sys.argv[1:2] in (["scheduler"], ["dag-processor"]) or sys.argv[1:3] == ["celery", "worker"]:
    import boto3  # noqa: F401  (an archive in S3)
    import ocrmypdf  # noqa: F401
    import opensearchpy  # noqa: F401
    import pikepdf  # noqa: F401
    from airflow.providers.standard.operators import trigger_dagrun  # noqa: F401

    import pipelines.ingest.inbox
    import pipelines.ingest.steps
    import pipelines.signatures.signing
    import pipelines.upkeep.fixity
    import pipelines.upkeep.reindex
    import pipelines.upkeep.replica
    import pipelines.upkeep.review  # noqa: F401
    from ocr.spelling import lexicon

    lexicon()  # the OCR's dictionary, read once for every task
