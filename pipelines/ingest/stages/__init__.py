"""The stages of a document (README, "What happens to a document"): ocr, describe,
classify, register, index; intake is `pipelines.ingest.intake`, packaging
`pipelines.package`.

Each is a typed function of the document it works on that records an event on it."""
