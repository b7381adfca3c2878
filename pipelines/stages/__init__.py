"""The stages of DESIGN "Data flow": intake, ocr, describe, classify, package, register, index.

Each is a typed function of the document it works on that records an event on it."""
