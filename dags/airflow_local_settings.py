"""Airflow's local settings: Airflow imports this module in each of its processes (the
scripts of tools/ and the compose file put this folder on PYTHONPATH). The processes that
fork one process per task, a Celery worker and the scheduler running LocalExecutor's
workers, import sohoa's task code and the OCR stack here, once, so that every task starts
warm instead of spending a second or two importing them."""

import sys

if sys.argv[1:2] == ["scheduler"] or sys.argv[1:3] == ["celery", "worker"]:
    import boto3  # noqa: F401  (an archive in S3)
    import ocrmypdf  # noqa: F401
    import opensearchpy  # noqa: F401
    import pikepdf  # noqa: F401

    import pipelines.ingest.steps
    import pipelines.signatures.signing  # noqa: F401
