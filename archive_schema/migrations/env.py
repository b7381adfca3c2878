"""Alembic environment: migrations run on the connection sohoa hands over, or on the URL
of `alembic.ini` / SOHOA_DATABASE_URL when a developer runs `alembic` by hand."""

import os

from alembic import context
from sqlalchemy import Connection, create_engine

from archive_schema.tables import Base

config = context.config
connection = config.attributes.get("connection")


def run(conn: Connection) -> None:
    context.configure(connection=conn, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    run(connection)
else:
    url = (
        os.environ.get("SOHOA_DATABASE_URL")
        or config.get_main_option("sqlalchemy.url")
        or "sqlite:///var/catalog.db"
    )
    with create_engine(url).connect() as conn:
        run(conn)
        conn.commit()
