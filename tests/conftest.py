"""Fixtures: the real app over httpx's ASGI transport, on a real database.

SQLite (a file in a temporary directory) by default; PostgreSQL when MAITRED_TEST_DATABASE_URL
is set. The schema comes from the migrations, applied once per run; every test starts from
empty tables.

The suite runs in parallel (pytest-xdist, `-n` in pyproject's addopts): each worker process has
a database of its own, see `database_url`. Redis (MAITRED_TEST_REDIS_URL) needs no such split:
the rate-limit tests use a key prefix of their own each, and the live-inbox pushes (pub/sub,
which ignores database numbers anyway) carry the organization they are for.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import make_url, text, update

from maitred.app import create_app
from maitred.config import Settings
from maitred.customers.models import Customer
from maitred.domains import import_models
from maitred.kit import crypto
from maitred.kit.db import Base, Database
from maitred.kit.migrate import upgrade
from tests.probe_router import ProbeControls, install_probe

TEST_DATABASE_URL = os.environ.get("MAITRED_TEST_DATABASE_URL", "")
# This process's pytest-xdist worker ("gw0", "gw1", …), or "" when the run is not distributed.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked `long` first (the rest keep their order): the xdist workers take tests as
    they free up, so a long one left for last would keep one worker busy while the other idles."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Under pytest-xdist each worker has its own temporary base, so its own data_dir."""
    return tmp_path_factory.mktemp("maitred-data")


@pytest.fixture(scope="session")
def database_url(data_dir: Path) -> str:
    """The SQLite file in data_dir, or MAITRED_TEST_DATABASE_URL; a pytest-xdist worker gets a
    PostgreSQL database of its own beside that one (`<name>_gw0`, …), as every test empties the
    tables."""
    if not TEST_DATABASE_URL:
        return f"sqlite:///{data_dir / 'test.db'}"
    if not XDIST_WORKER:
        return TEST_DATABASE_URL
    return asyncio.run(_worker_database(TEST_DATABASE_URL, XDIST_WORKER))


async def _worker_database(url: str, worker: str) -> str:
    """`url` with its database renamed for `worker`, created (through `url`'s) when missing."""
    given = make_url(url)
    name = f"{given.database}_{worker}"
    connection = await asyncpg.connect(
        user=given.username,
        password=given.password,
        host=given.host,
        port=given.port,
        database=given.database,
    )
    try:
        for attempt in range(20):
            if await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
                break
            try:
                await connection.execute(f'CREATE DATABASE "{name}"')
            except asyncpg.DuplicateDatabaseError:
                break
            except asyncpg.ObjectInUseError:  # another worker copies template1 right now
                await asyncio.sleep(0.1 * (attempt + 1))
    finally:
        await connection.close()
    return given.set(database=name).render_as_string(hide_password=False)


def make_settings(data_dir: Path, database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "data_dir": data_dir,
        "database_url": database_url,
        "embedded_worker": False,
        "health_cache_seconds": 0,
        "rate_limit_enabled": False,  # the rate-limit tests switch it on themselves
        "secret_key": "test-secret-key-that-is-long-enough-for-production",
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def settings(data_dir: Path, database_url: str) -> Settings:
    return make_settings(data_dir, database_url)


@pytest.fixture(scope="session", autouse=True)
def keyring(settings: Settings) -> crypto.Keyring:
    """Encrypted columns work in every test, with or without an app."""
    ring = crypto.Keyring.from_settings(settings)
    crypto.configure(ring)
    return ring


@pytest.fixture(scope="session")
def migrated(settings: Settings) -> None:
    if not settings.is_sqlite:
        asyncio.run(_drop_everything(settings.sqlalchemy_url))
    upgrade(settings.sqlalchemy_url)
    import_models()


async def _drop_everything(url: str) -> None:
    database = Database(url)
    try:
        async with database.transaction() as session:
            await session.execute(text("DROP SCHEMA public CASCADE"))
            await session.execute(text("CREATE SCHEMA public"))
    finally:
        await database.dispose()


@pytest.fixture(scope="session")
async def shared_database(settings: Settings, migrated: None) -> AsyncIterator[Database]:
    db = settings.database()
    yield db
    await db.dispose()


@pytest.fixture
async def database(shared_database: Database) -> AsyncIterator[Database]:
    """The run's database handle, on empty tables. Its connections are closed after each test,
    as a test's own handle was: a connection kept open across the subprocess tests (real servers
    and workers, some killed) came to fail with SQLite short reads."""
    async with shared_database.transaction() as session:
        # Deleting the record two possible duplicates point to sets both free (ON DELETE SET
        # NULL) with the same phone, which its unique index refuses: their contacts go first.
        await session.execute(
            update(Customer)
            .where(Customer.possible_duplicate_of.is_not(None))
            .values(email_index=None, phone_index=None)
        )
        for table in reversed(Base.metadata.sorted_tables):
            await session.execute(table.delete())
    yield shared_database
    await shared_database.dispose()


@pytest.fixture(scope="session")
async def shared_app(settings: Settings, shared_database: Database) -> FastAPI:
    """One app for the run: FastAPI prepares its routes on an app's first requests (~0.4 s),
    which every test paid when each had its own app."""
    return create_app(settings, database=shared_database)


@pytest.fixture(scope="session")
async def shared_probe_app(settings: Settings, shared_database: Database) -> FastAPI:
    """The run's app with the probe routes mounted, for the tests of the probe (as `shared_app`:
    each had paid ~0.4 s for an app of its own)."""
    app = create_app(settings, database=shared_database)
    install_probe(app)
    return app


@pytest.fixture
async def app(
    request: pytest.FixtureRequest,
    settings: Settings,
    database: Database,
    shared_app: FastAPI,
    shared_probe_app: FastAPI,
) -> FastAPI:
    """The run's app, or its app with the probe routes for a test of the probe; a test that adds
    routes of its own (marked `own_app`) gets an app of its own."""
    if request.node.get_closest_marker("own_app"):
        return create_app(settings, database=database)
    if "probe" in request.fixturenames:
        return shared_probe_app
    return shared_app


@pytest.fixture
def probe(app: FastAPI) -> ProbeControls:
    """The test-only probe routes (tests/probe_router.py) on this test's app, with controls of
    this test's own."""
    if getattr(app.state, "probe", None) is None:
        return install_probe(app)  # an `own_app`: mount the routes
    controls = app.state.probe = ProbeControls()
    return controls


@pytest.fixture
async def client(app: object) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c
