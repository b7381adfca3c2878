"""Every table of the catalog, for the migrations to build and check: each module that
keeps its own table (accounts, sessions, API tokens and the audit log, web uploads, the
records office's work)."""

from archive_schema import (  # noqa: F401
    accounts,
    audit,
    checking,
    claims,
    disposal,
    fonds,
    review,
    schedules,
    sessions,
    tokens,
    uploads,
)
from archive_schema.catalog import Base

__all__ = ["Base"]
