"""The archive one command, web request or Airflow task works with: its settings, and the
catalog, the archive store and the search index they name, each opened when first used
and once. Every service of `pipelines` takes it."""

import threading
from collections.abc import Callable
from functools import cached_property
from types import TracebackType
from typing import TypeVar

from archive_schema.catalog import Catalog
from indexing import SearchBackend, open_search
from pipelines.retry import retried
from pipelines.settings import Settings
from pipelines.store import Store, open_store
from pipelines.store.replicated import ReplicatedStore

T = TypeVar("T")


class Archive:
    def __init__(self, settings: Settings | None = None):
        self.settings = settings or Settings()
        self._searches = threading.local()  # a SQLite connection serves one thread only

    @cached_property
    def catalog(self) -> Catalog:
        return Catalog(self.settings.database_url)

    @cached_property
    def store(self) -> Store:
        """The archive store; with SOHOA_REPLICA_URL, it and its replica, written together."""
        s = self.settings
        primary = open_store(
            s.storage_url, s.object_lock_mode, s.s3_endpoint_url, s.s3_region, s.s3_attempts
        )
        if not s.replica_url:
            return primary
        replica = open_store(
            s.replica_url, s.object_lock_mode, s.s3_endpoint_url, s.s3_region, s.s3_attempts
        )
        return ReplicatedStore(primary, replica)

    @property
    def search(self) -> SearchBackend:
        """This thread's search backend."""
        backend: SearchBackend | None = getattr(self._searches, "backend", None)
        if backend is None:
            backend = open_search(self.settings.search_url, self.settings.search_ca_file)
            self._searches.backend = backend
        return backend

    def retried(self, call: Callable[[], T], what: str) -> T:
        """`call()`, tried again with backoff while a service is unavailable."""
        s = self.settings
        return retried(call, s.service_attempts, s.service_retry_seconds, what)

    def close(self) -> None:
        """Close this thread's search backend, if it was opened."""
        backend: SearchBackend | None = getattr(self._searches, "backend", None)
        if backend is not None:
            backend.close()
            self._searches.backend = None

    def __enter__(self) -> "Archive":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
