"""The stages of a document (DESIGN "Data flow"): ocr, describe, classify, register, index;
intake is `pipelines.ingest.intake`, packaging `pipelines.package`.

Each is a typed function of the document it works on that records an event on it."""
