from datetime import date
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select, text

from archive_schema.catalog import SCHEMA_REVISION, Catalog, EventRow
from archive_schema.models import (
    Document,
    Event,
    OriginalFile,
    Page,
    Retention,
    Source,
    Status,
    StoredFile,
)
from archive_schema.tables import Base
from tests.conftest import another_catalog

pytestmark = pytest.mark.usefixtures("catalog_backend")  # on SQLite and on PostgreSQL


def sample() -> Document:
    return Document(
        id="d1",
        batch_id="b1",
        source_name="a.tif",
        doc_type="Quyết định",
        number_symbol="12/QĐ-UBND",
        issue_date=date(2024, 11, 18),
        subject="Về việc hòa giải",
        recipients=["Như Điều 3;"],
        pages=[
            Page(number=1, text="Trang một", confidence=91.5),
            Page(number=2, text="", confidence=0, needs_review=True),
        ],
        originals=[
            OriginalFile(name="a.tif", sha256="ab" * 32, size=10, media_type="image/tiff", pages=2)
        ],
        files=[
            StoredFile(
                role="pdfa",
                key="records/d1/d1.pdf",
                sha256="cd" * 32,
                size=5,
                media_type="application/pdf",
            )
        ],
        retention=Retention(schedule="s@1", row="1.2", permanent=True, status="classified"),
        sources={"doc_type": Source.OCR, "subject": Source.MANIFEST},
        field_confidence={"doc_type": 74.4},
        events=[Event(stage="ocr", outcome="ok", detail="2 pages")],
    )


def test_migrations_build_exactly_the_models(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    catalog = Catalog(another_catalog(tmp_path, request))
    with catalog.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_register_archive_and_read_back(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    catalog = Catalog(another_catalog(tmp_path, request))
    catalog.start_batch("b1", "/batches/b1")
    doc = sample()
    catalog.register(doc)
    assert catalog.status("d1") == Status.REGISTERED
    assert list(catalog.documents()) == []  # not visible before it is searchable
    catalog.mark_archived("d1", Event(stage="index", outcome="ok"))
    [back] = catalog.documents()
    assert back.model_dump(exclude={"events", "status"}) == doc.model_dump(
        exclude={"events", "status"}
    )
    assert back.status == Status.ARCHIVED


def test_registering_again_replaces(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    catalog = Catalog(another_catalog(tmp_path, request))
    catalog.start_batch("b1", "/batches/b1")
    catalog.register(sample())
    changed = sample()
    changed.subject = "Về việc khác"
    catalog.register(changed)
    catalog.mark_archived("d1", Event(stage="index", outcome="ok"))
    assert [d.subject for d in catalog.documents()] == ["Về việc khác"]
    with catalog.session() as session:
        assert session.scalar(select(func.count()).select_from(EventRow)) == 3  # ocr twice, index


def test_schema_revision_is_the_newest_migration() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", "archive_schema:migrations")
    assert ScriptDirectory.from_config(config).get_current_head() == SCHEMA_REVISION


def test_an_older_catalog_is_upgraded(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    url = another_catalog(tmp_path, request)
    Catalog(url)
    with Catalog(url).engine.begin() as connection:  # as a catalog made before migration 0002
        connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))
        connection.execute(text("ALTER TABLE pages DROP COLUMN quality"))
        connection.execute(text("ALTER TABLE documents DROP COLUMN field_confidence"))  # 0008
        connection.execute(text("DROP INDEX ix_documents_checked_at"))  # 0009
        for column in ("lowest_confidence", "checked_by", "checked_at", "revision"):
            connection.execute(text(f"ALTER TABLE documents DROP COLUMN {column}"))
        for column in ("signatures", "signature_status"):  # 0013
            connection.execute(text(f"ALTER TABLE documents DROP COLUMN {column}"))
        connection.execute(text("ALTER TABLE files DROP COLUMN puid"))  # 0015
        for table in (
            "api_tokens",  # of 0014
            *("dossiers", "fonds"),  # of 0010
            *("corrections", "acceptances"),  # of 0009
            "claims",  # of 0007
            *("sessions", "login_attempts"),  # of 0006
            *("tombstones", "disposal_votes", "disposal_items", "disposals"),  # of 0004
            *("legal_holds", "schedule_versions"),
            *("upload_documents", "uploads", "users", "audit_log"),  # of 0003
        ):
            connection.execute(text(f"DROP TABLE {table}"))
    catalog = Catalog(url)
    with catalog.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
