"""Database connections: SQLite set up for safety (WAL, foreign keys, a busy timeout, durable
commits); PostgreSQL analyzed and connected before the first request."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.config import Settings
from maitred.kit.db import Database
from maitred.kit.group_commit import WriterQueue
from maitred.kit.reads import ReadQuery
from maitred.tenancy.models import Organization
from tests.conftest import make_settings


async def _pragmas(database: Database) -> dict[str, object]:
    found = {}
    async with database.transaction(write=False) as session:
        for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous"):
            found[name] = (await session.execute(text(f"PRAGMA {name}"))).scalar()
    return found


@pytest.mark.parametrize(("setting", "level"), [("FULL", 2), ("NORMAL", 1)])
async def test_sqlite_connections_carry_the_pragmas(
    tmp_path: Path, setting: str, level: int
) -> None:
    settings = make_settings(tmp_path, f"sqlite:///{tmp_path / 'p.db'}", sqlite_synchronous=setting)
    database = settings.database()
    try:
        assert await _pragmas(database) == {
            "journal_mode": "wal",
            "foreign_keys": 1,
            "busy_timeout": 10000,
            "synchronous": level,
        }
    finally:
        await database.dispose()


async def test_durable_commits_are_the_default(tmp_path: Path) -> None:
    assert make_settings(tmp_path, "sqlite:///x.db").sqlite_synchronous == "FULL"


async def _plan(session: AsyncSession, sql: str) -> str:
    rows = (await session.execute(text(f"EXPLAIN QUERY PLAN {sql}"))).all()
    return " / ".join(str(row[-1]) for row in rows)


async def test_sqlite_lookups_by_id_use_the_primary_key_once_statistics_exist(
    tmp_path: Path,
) -> None:
    """Without statistics SQLite takes `org = ?` for a selective index and scans a whole
    organization to find twenty ids. refresh_statistics() analyzes on one connection, and a
    connection that was open all along takes the new figures up too."""
    settings = make_settings(tmp_path, f"sqlite:///{tmp_path / 's.db'}")
    database = settings.database(pool_size=1)
    lookup = (
        "SELECT name FROM people WHERE org = 'a' AND id IN "
        f"({', '.join(repr(f'p{n}') for n in range(20))})"
    )
    try:
        async with database.transaction() as session:
            await session.execute(text("CREATE TABLE people (id TEXT PRIMARY KEY, org, name)"))
            await session.execute(text("CREATE INDEX ix_people_org ON people (org)"))
            await session.execute(
                text("INSERT INTO people VALUES (:id, 'a', 'x')"),
                [{"id": f"p{n}"} for n in range(2000)],
            )
        async with database.transaction(write=False) as session:
            assert "ix_people_org" in await _plan(session, lookup)

            await database.refresh_statistics()  # on the pool's other connection

            assert "ix_people_org" not in await _plan(session, lookup)
    finally:
        await database.dispose()


async def test_writers_of_one_process_take_turns_instead_of_meeting_the_busy_lock(
    tmp_path: Path,
) -> None:
    """With SQLite's busy timeout at zero, any two write transactions that met would fail with
    "database is locked": twenty concurrent ones, each pausing while it holds the lock, all
    commit because they queue in the process before their BEGIN IMMEDIATE."""
    settings = make_settings(tmp_path, f"sqlite:///{tmp_path / 'w.db'}")
    database = settings.database(pool_size=20)

    def impatient(dbapi_connection: Any, _record: object) -> None:
        dbapi_connection.cursor().execute("PRAGMA busy_timeout=0")

    event.listen(database.engine.sync_engine, "connect", impatient)
    try:
        async with database.transaction() as session:
            await session.execute(text("CREATE TABLE counter (n INTEGER)"))
            await session.execute(text("INSERT INTO counter VALUES (0)"))

        async def bump() -> None:
            async with database.transaction() as session:
                n = (await session.execute(text("SELECT n FROM counter"))).scalar_one()
                await asyncio.sleep(0.002)
                await session.execute(text("UPDATE counter SET n = :n"), {"n": n + 1})

        await asyncio.gather(*(bump() for _ in range(20)))
        async with database.transaction(write=False) as session:
            assert (await session.execute(text("SELECT n FROM counter"))).scalar_one() == 20
    finally:
        await database.dispose()


async def test_a_writer_that_waits_past_its_patience_goes_on_without_a_turn() -> None:
    """A transaction left open must not hang every other writer: after `patience` they go to
    SQLite, whose busy timeout then decides."""
    writers = WriterQueue(patience=0.05)
    held = await writers.enter()
    assert held is not None
    assert await writers.enter() is None
    held.release()
    again = await writers.enter()
    assert again is not None
    again.release()


async def test_a_group_keeps_its_members_apart(tmp_path: Path) -> None:
    """Concurrent write transactions share one COMMIT (SQLite's group commit), yet a member
    that fails, or whose task is cancelled mid-transaction, leaves nothing, and the rest of its
    group is stored."""
    settings = make_settings(tmp_path, f"sqlite:///{tmp_path / 'g.db'}")
    database = settings.database(pool_size=20)
    try:
        async with database.transaction() as session:
            await session.execute(text("CREATE TABLE rows (n INTEGER)"))
        group = database.group_commit
        assert group is not None
        members, commits = group.members, group.commits
        paused = asyncio.Event()

        async def write(n: int) -> None:
            async with database.transaction() as session:
                await session.execute(text("INSERT INTO rows VALUES (:n)"), {"n": n})
                if n % 5 == 0:
                    raise RuntimeError("refused")
                if n == 7:
                    paused.set()
                    await asyncio.sleep(30)  # cancelled while holding its turn

        tasks = [asyncio.create_task(write(n)) for n in range(1, 21)]
        await paused.wait()
        tasks[6].cancel()
        outcomes = await asyncio.gather(*tasks, return_exceptions=True)
        async with database.transaction(write=False) as session:
            stored = sorted((await session.execute(text("SELECT n FROM rows"))).scalars())
    finally:
        await database.dispose()

    assert stored == [n for n in range(1, 21) if n % 5 and n != 7]
    assert sum(isinstance(o, RuntimeError) for o in outcomes) == 4
    assert isinstance(outcomes[6], asyncio.CancelledError)
    assert group.members - members == 15
    assert group.commits - commits < 15


async def test_a_refused_write_leaves_the_file_free_for_other_processes(tmp_path: Path) -> None:
    """The group's transaction must not outlive its last member: a request that rolled back
    (a 409, a 422 found mid-transaction) would otherwise keep SQLite's write lock, and a worker
    or a second API process on the same file would meet "database is locked"."""
    path = tmp_path / "free.db"
    settings = make_settings(tmp_path, f"sqlite:///{path}")
    database = settings.database(pool_size=5)
    try:
        async with database.transaction() as session:
            await session.execute(text("CREATE TABLE rows (n INTEGER)"))
        with pytest.raises(RuntimeError):
            await _insert_then_refuse(database)
        cancelled = asyncio.create_task(_insert_then_wait(database))
        await asyncio.sleep(0.05)
        cancelled.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await cancelled
        await asyncio.sleep(0.05)  # the abandoned member's rollback runs on the writer's thread

        other = sqlite3.connect(path, timeout=0.5)  # another process's writer
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("INSERT INTO rows VALUES (2)")
            other.execute("COMMIT")
        finally:
            other.close()
        async with database.transaction(write=False) as session:
            assert list((await session.execute(text("SELECT n FROM rows"))).scalars()) == [2]
    finally:
        await database.dispose()


async def _insert_then_wait(database: Database) -> None:
    async with database.transaction() as session:
        await session.execute(text("INSERT INTO rows VALUES (3)"))
        await asyncio.sleep(30)


async def _insert_then_refuse(database: Database) -> None:
    async with database.transaction() as session:
        await session.execute(text("INSERT INTO rows VALUES (1)"))
        raise RuntimeError("refused")


async def _estimated_rows(database: Database, sql: str) -> int:
    async with database.transaction(write=False) as session:
        plan = (await session.execute(text(f"EXPLAIN (FORMAT JSON) {sql}"))).scalar_one()
    return int(plan[0]["Plan"]["Plan Rows"])


async def test_postgresql_tables_loaded_without_statistics_are_analyzed(
    database: Database,
) -> None:
    """After a bulk load or a restore PostgreSQL has no statistics until autovacuum comes, a
    minute or more later, and guesses a few rows where there are thousands (GET /bookings then
    sorted a month and joined its every customer for a page of 20). refresh_statistics(), run
    at start-up, vacuums and analyzes such a table, or one that grew by half since its
    statistics: the planner then counts right."""
    if database.is_sqlite:
        pytest.skip("PostgreSQL only (SQLite's statistics: the test above)")
    count = "SELECT id FROM probe_loaded WHERE org = 1"
    try:
        async with database.transaction() as session:
            await session.execute(
                text(
                    "CREATE TABLE probe_loaded (id INTEGER PRIMARY KEY, org INTEGER, name TEXT)"
                    " WITH (autovacuum_enabled = false)"
                )
            )
            await session.execute(
                text(
                    "INSERT INTO probe_loaded SELECT n, 1, repeat('x', 40) "
                    "FROM generate_series(1, 5000) AS n"
                )
            )
        assert await _estimated_rows(database, count) < 100

        await database.refresh_statistics()

        assert await _estimated_rows(database, count) > 4000
        async with database.transaction(write=False) as session:
            pages, visible = (
                await session.execute(
                    text(
                        "SELECT relpages, relallvisible FROM pg_class "
                        "WHERE relname = 'probe_loaded'"
                    )
                )
            ).one()
        assert visible == pages > 0  # vacuumed too: an index-only scan reads no table page

        # Analyzed early in a load, then grown fourfold with another organization's rows: its
        # figures are taken again (before, they knew of organization 1 only).
        async with database.transaction() as session:
            await session.execute(
                text(
                    "INSERT INTO probe_loaded SELECT n, 2, repeat('x', 40) "
                    "FROM generate_series(5001, 20000) AS n"
                )
            )
            await session.execute(text("SELECT pg_stat_force_next_flush()"))
        later = "SELECT id FROM probe_loaded WHERE org = 2"
        assert await _estimated_rows(database, later) < 1000

        await database.refresh_statistics()

        assert await _estimated_rows(database, later) > 14000
    finally:
        async with database.transaction() as session:
            await session.execute(text("DROP TABLE IF EXISTS probe_loaded"))


async def test_postgresql_read_connections_are_open_before_the_first_request(
    settings: Settings, migrated: None
) -> None:
    """A fresh asyncpg connection costs a connect, authentication and the driver's set-up: the
    app opens the read pool's before it serves, so a burst of first reads opens none."""
    if settings.is_sqlite:
        pytest.skip("PostgreSQL only: SQLite opens its file on first use")
    database = settings.database()
    opened: list[object] = []
    event.listen(database.engine.sync_engine, "connect", lambda *_: opened.append(1))
    try:
        await database.open_connections()
        assert database.reads.held == database.reads.size
        before = len(opened)
        probe = ReadQuery(select(func.count().label("n")).select_from(Organization))
        rows = await asyncio.gather(
            *(database.reads.one(probe) for _ in range(database.reads.size * 3))
        )
        assert all(row is not None for row in rows)
        assert len(opened) == before
    finally:
        await database.dispose()
