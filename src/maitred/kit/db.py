"""Database engine, declarative base and the one-transaction-per-request session.

SQLite runs in WAL mode with foreign keys and a busy timeout, through kit/sqlite_driver.py. The
driver's implicit transactions are off and we emit BEGIN ourselves: write transactions use
`BEGIN IMMEDIATE`, because a deferred transaction that reads and then writes fails with
SQLITE_BUSY no matter the busy timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, MetaData, String, TypeDecorator, Uuid, event, make_url
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.pool import ConnectionPoolEntry, NullPool
from sqlalchemy.util import greenlet_spawn

from maitred.kit import group_commit, sqlite_driver
from maitred.kit.clock import utcnow
from maitred.kit.reads import ReadPool

log = logging.getLogger("maitred")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in Python on both databases (SQLite stores no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an aware one is required")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JSONType = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSONType,
        list[Any]: JSONType,
        str: String(),
    }


class Entity:
    """Columns every model has: a UUID key and creation/update times."""

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class TenantOwned(Entity):
    """A row that belongs to one organization; repositories filter on it by construction."""

    organization_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, index=True, nullable=False, sort_order=-1
    )


def sqlite_pragmas(synchronous: str) -> tuple[str, ...]:
    """FULL syncs the WAL on every commit, so an accepted write survives a power cut too;
    NORMAL survives a crash of maitred but not of the machine (and commits ~30× faster)."""
    return (
        "journal_mode=WAL",
        "foreign_keys=ON",
        "busy_timeout=10000",
        f"synchronous={synchronous}",
    )


def _sqlite_pragmas(synchronous: str) -> Callable[[Any, ConnectionPoolEntry], None]:
    def on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        cursor = dbapi_connection.cursor()
        for pragma in sqlite_pragmas(synchronous):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    return on_connect


def _sqlite_on_begin(conn: Any) -> None:
    """Writes begin IMMEDIATE. Reads run in autocommit, one snapshot per statement: the same
    guarantee PostgreSQL's default READ COMMITTED gives, and one thread round trip fewer."""
    if conn.get_execution_options().get("sqlite_immediate", False):
        driver: sqlite_driver.Connection = conn.connection.driver_connection
        driver.begin_with_next_statement("BEGIN IMMEDIATE")


def _sqlite_path(url: str) -> str:
    path = make_url(url).database
    if not path or path == ":memory:":
        raise ValueError("maitred needs an SQLite file, not an in-memory database")
    return path


def make_engine(
    url: str,
    *,
    pool_size: int = 10,
    connect_timeout: float = 3.0,
    synchronous: str = "FULL",
    statistics: sqlite_driver.PlannerStatistics | None = None,
    group: group_commit.GroupCommit | None = None,
) -> AsyncEngine:
    """On SQLite, write transactions (BEGIN IMMEDIATE) are committed in groups by `group`."""
    if url.startswith("sqlite"):
        engine = create_async_engine(
            url,
            async_creator=sqlite_driver.creator(_sqlite_path(url), statistics, group),
            # No overflow: SQLite has one writer anyway, and an overflow connection is closed on
            # return and reopened on the next burst (a thread, a file and PRAGMAs every time).
            pool_size=pool_size,
            max_overflow=0,
            pool_reset_on_return=None,
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas(synchronous))
        event.listen(engine.sync_engine, "begin", _sqlite_on_begin)
        return engine
    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        connect_args={"timeout": connect_timeout, "command_timeout": 60},
    )


def make_probe_engine(url: str, *, connect_timeout: float = 3.0) -> AsyncEngine:
    """The /health monitor's connection (one refresh at a time a process), outside the pool: it
    asks whether the database answers, and under load the pool's wait said "no" for a database
    that was only busy. PostgreSQL keeps it open (pinged before use); SQLite opens one a probe."""
    if url.startswith("sqlite"):
        return create_async_engine(
            url, async_creator=sqlite_driver.creator(_sqlite_path(url)), poolclass=NullPool
        )
    return create_async_engine(
        url,
        pool_size=1,
        max_overflow=0,
        pool_pre_ping=True,
        connect_args={"timeout": connect_timeout, "command_timeout": 10},
    )


_ANALYZE_LOCK = 0x6D61_6974_7265_64  # "maitred": `_analyze_unanalyzed` runs one process at a time
_ANALYZE_MIN_BYTES = 16 * 8192  # below ~1,000 rows, how a table is read hardly matters
_VACUUM_MAX_BYTES = 256 * 1024 * 1024  # about a second of VACUUM at start-up, at most, a table
# The current schema's tables of some size with no column statistics at all, or that grew by
# half again since their statistics were taken (analyzed early in a bulk load).
_UNANALYZED_TABLES = """
SELECT c.relname, pg_relation_size(c.oid) AS size
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_stat_user_tables t ON t.relid = c.oid
WHERE c.relkind = 'r' AND n.nspname = current_schema()
  AND pg_relation_size(c.oid) >= $1
  AND (
    NOT EXISTS (
      SELECT 1 FROM pg_stats s WHERE s.schemaname = n.nspname AND s.tablename = c.relname
    )
    OR t.n_mod_since_analyze > greatest(c.reltuples, 0) / 2 + 1000
  )
ORDER BY c.relname
"""


# Run on a session just before its transaction commits: the outbox (kit/outbox.py) writes the
# events a unit of work emitted there, all in one statement per table.
BEFORE_COMMIT: list[Callable[[AsyncSession], Awaitable[None]]] = []
# A session's set of pollers (kit/pollers.py `wake`) its work queued for: asked once it commits.
WAKE_POLLERS = "wake_pollers"
_LAST_WRITES = "last_writes"


def write_last(session: AsyncSession, write: Callable[[], Awaitable[None]]) -> None:
    """Runs `write` as the transaction's last statements, after the BEFORE_COMMIT hooks and
    just before its COMMIT (not at all if it rolls back); an error it raises rolls it back.

    Why: a write that takes a row lock every request of its kind waits for (PostgreSQL: the
    public booking's claim of the day, availability/claims.py) then holds it for the round trips
    to COMMIT only, not through every write the request makes after it."""
    session.info.setdefault(_LAST_WRITES, []).append(write)


async def defer_to_write(session: AsyncSession) -> bool:
    """SQLite: until this transaction's first INSERT, UPDATE or DELETE, its reads run outside the
    writers' turn (kit/sqlite_driver.py `Connection.defer_to_write`), so the turn, which every
    writer of the process queues for, holds writes only. For a path whose writes check what
    they rely on themselves (the booking request: the claim's INSERT ... SELECT, the number's
    RETURNING); False when the transaction has run a statement already, or on PostgreSQL, where
    reads take no write lock anyway."""
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    return isinstance(driver, sqlite_driver.Connection) and driver.defer_to_write()


async def _commit(session: AsyncSession) -> None:
    for hook in BEFORE_COMMIT:
        await hook(session)
    for write in session.info.pop(_LAST_WRITES, ()):
        await write()
    if session.in_transaction():
        await session.commit()


class Database:
    """The engine, two session factories (on SQLite: reads in autocommit, writes BEGIN
    IMMEDIATE) and the read pool of kit/reads.py."""

    def __init__(
        self,
        url: str,
        *,
        pool_size: int = 10,
        connect_timeout: float = 3.0,
        sqlite_synchronous: str = "FULL",
    ) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self.sqlite_path = _sqlite_path(url) if self.is_sqlite else None
        read_size = min(pool_size, 4)
        self.planner_statistics = sqlite_driver.PlannerStatistics()
        # SQLite only (PostgreSQL keeps one transaction per request): write transactions take
        # turns on one connection and are committed in groups (kit/group_commit.py).
        self.group_commit = (
            group_commit.GroupCommit(
                _sqlite_path(url), sqlite_pragmas(sqlite_synchronous), self.planner_statistics
            )
            if self.is_sqlite
            else None
        )
        # The read pool holds its connections for good: size the engine's pool for both.
        self.engine = make_engine(
            url,
            pool_size=pool_size + read_size,
            connect_timeout=connect_timeout,
            synchronous=sqlite_synchronous,
            statistics=self.planner_statistics,
            group=self.group_commit,
        )
        write_engine = (
            self.engine.execution_options(sqlite_immediate=True) if self.is_sqlite else self.engine
        )
        self.read_sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self.write_sessions = async_sessionmaker(write_engine, expire_on_commit=False)
        self._outbox_signal = asyncio.Event()
        # Pollers woken by commits since the worker last looked (`woken_pollers`).
        self._woken: set[str] = set()
        self.reads = ReadPool(self.engine, size=read_size)
        self.probe_engine = make_probe_engine(url, connect_timeout=connect_timeout)

    def notify_outbox(self) -> None:
        """Wakes this process's worker early after a commit that emitted events."""
        self._outbox_signal.set()

    def wake_pollers(self, names: set[str]) -> None:
        """Wakes this process's worker early, to ask these pollers at once (kit/pollers.py)."""
        self._woken |= names
        self._outbox_signal.set()

    def woken_pollers(self) -> set[str]:
        """The pollers woken since the last call."""
        woken, self._woken = self._woken, set()
        return woken

    async def wait_for_outbox(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._outbox_signal.wait(), seconds)
        self._outbox_signal.clear()

    @asynccontextmanager
    async def transaction(
        self, *, write: bool = True, reads_first: bool = False
    ) -> AsyncIterator[AsyncSession]:
        """One unit of work: committed when the block exits cleanly, rolled back otherwise.
        `reads_first`: its reads before its first write run outside the writers' turn
        (`defer_to_write`)."""
        factory = self.write_sessions if write else self.read_sessions
        async with factory() as session:
            try:
                if write and reads_first:
                    await defer_to_write(session)
                yield session
            except BaseException as exc:
                if getattr(exc, "keep_changes", False) and session.in_transaction():
                    await _commit(session)
                else:
                    await session.rollback()
                raise
            await _commit(session)
            if session.info.pop("outbox_emitted", False):
                self.notify_outbox()
            if woken := session.info.pop(WAKE_POLLERS, None):
                self.wake_pollers(woken)

    async def refresh_statistics(self) -> None:
        """SQLite: a bounded ANALYZE (a few ms at any size), which every connection then loads.

        Without statistics SQLite guesses that `organization_id = ?` matches about ten rows, so
        with 50,000 customers in one organization a lookup of 20 ids scanned all of them (27 ms
        instead of 0.3). PostgreSQL's autovacuum keeps its own statistics, but only a minute or
        more after a bulk load or a restore (pg_restore brings none): the tables that have none
        are vacuumed and analyzed here (`_analyze_unanalyzed`).
        """
        if not self.is_sqlite:
            await self._analyze_unanalyzed()
            return
        async with self.engine.connect() as connection:
            await connection.exec_driver_sql("PRAGMA analysis_limit=400")
            await connection.exec_driver_sql("ANALYZE")
            await connection.commit()
        self.planner_statistics.changed()

    async def open_connections(self) -> None:
        """PostgreSQL: the read pool's connections, and as many of the sessions', opened before
        the server answers (a fresh asyncpg connection costs a connect, authentication and the
        driver's set-up). SQLite opens a file: nothing worth doing ahead."""
        if self.is_sqlite:
            return
        await self.reads.open()
        borrowed = await asyncio.gather(
            *(self.engine.raw_connection() for _ in range(self.reads.size))
        )
        for connection in borrowed:
            await greenlet_spawn(connection.close)  # back to the engine's pool, still open

    async def _analyze_unanalyzed(self) -> None:
        """PostgreSQL: VACUUM (ANALYZE) each table of some size that has no statistics yet, or
        statistics taken before it grew by half again (only ANALYZE, whose sample is bounded,
        past `_VACUUM_MAX_BYTES`: autovacuum does the rest).

        Why: with no statistics the planner guesses one row a condition. After 100,000 bookings
        were loaded, GET /bookings sorted the month's ~600 bookings and looked each one's
        customer up for a page of 20 (2 ms of the server's CPU a request instead of 0.2), and
        until a VACUUM marks the pages all-visible its count's index-only scan visits the table
        too (0.8 ms instead of 0.07). Autovacuum came after bench/book.py's reads had ended.
        Processes starting together take turns (an advisory lock): the first does the work,
        the others then find nothing to do."""
        async with self.engine.connect() as connection:
            auto = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await auto.exec_driver_sql("SELECT pg_advisory_lock($1)", (_ANALYZE_LOCK,))
            try:
                found = await auto.exec_driver_sql(_UNANALYZED_TABLES, (_ANALYZE_MIN_BYTES,))
                for row in found.mappings().all():
                    verb = "VACUUM (ANALYZE)" if row["size"] <= _VACUUM_MAX_BYTES else "ANALYZE"
                    started = time.monotonic()
                    await auto.exec_driver_sql(f'{verb} "{row["relname"]}"')
                    log.info(
                        "%s %s (%d MB, statistics missing or stale): %.1f s",
                        verb,
                        row["relname"],
                        row["size"] // 2**20,
                        time.monotonic() - started,
                    )
            finally:
                await auto.exec_driver_sql("SELECT pg_advisory_unlock($1)", (_ANALYZE_LOCK,))

    async def dispose(self) -> None:
        await self.reads.close()
        await self.engine.dispose()
        await self.probe_engine.dispose()
        if self.group_commit is not None:
            await self.group_commit.close()
