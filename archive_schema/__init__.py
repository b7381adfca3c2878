"""archive_schema."""
