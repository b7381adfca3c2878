"""Every table of the catalog, for the migrations to build and check: each module that
keeps its own table (accounts, sessions and the audit log, web uploads, the records office's
work)."""

from archive_schema import accounts, audit, disposal, review, schedules, sessions, uploads  # noqa: F401
from archive_schema.catalog import Base

__all__ = ["Base"]
