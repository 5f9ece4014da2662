"""Alembic environment: async engines on both databases, one migrator at a time on PostgreSQL."""

import asyncio

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import create_async_engine

from maitred.config import load_settings
from maitred.domains import import_models
from maitred.kit.db import Base, UTCDateTime
from maitred.kit.encrypted import EncryptedJSON, EncryptedText
from maitred.kit.money import MoneyColumn

import_models()
target_metadata = Base.metadata
config = context.config


def _url() -> str:
    url = config.attributes.get("sqlalchemy_url")
    return str(url) if url else load_settings().sqlalchemy_url


def _render_item(kind: str, obj: object, autogen_context: AutogenContext) -> str | bool:
    """Migrations spell maitred's column types as plain SQLAlchemy types, so they never import
    application code that may change after the migration was written."""
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if kind == "type" and isinstance(obj, MoneyColumn):
        return "sa.BigInteger()"
    if kind == "type" and isinstance(obj, EncryptedText | EncryptedJSON):
        return "sa.Text()"
    return False


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_item,
    )
    if connection.dialect.name == "postgresql":
        # Several processes may start at once (e.g. `maitred serve` on many hosts).
        connection.execute(text("SELECT pg_advisory_xact_lock(7306297465)"))
    with context.begin_transaction():
        context.run_migrations()


async def _run_async() -> None:
    engine = create_async_engine(_url())
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
            await connection.commit()
    finally:
        await engine.dispose()


if context.is_offline_mode():
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_async())
