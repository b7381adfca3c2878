"""Scans to PDF/A and text: every ocrmypdf and tesseract call, cleaning, layout and reading
order, header parsing, quality scores."""

MAX_PAGE_MEGAPIXELS = 200.0  # A0 at 300 dpi is 140: a larger page image is a decompression bomb
