"""Ingest: a batch (folder, zip, inbox) to archived records. Intake, formats and manifests,
the stages a document goes through, the worker that runs them, the batch and its report,
the embedded runner, and the steps the Airflow tasks call."""
