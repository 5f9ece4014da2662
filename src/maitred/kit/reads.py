"""Fast reads: a Core `select` compiled once, run on a connection kept for reading.

Why: an ORM read through `AsyncSession` costs about 300 µs of SQLAlchemy machinery (session,
greenlet hand-offs, pool checkout, result objects) around a query that takes 20 µs, and that
decided the speed of every hot GET endpoint (see bench/README.md). A `ReadQuery` is compiled by
SQLAlchemy once per dialect, so its SQL, parameter order and type conversions are exactly
SQLAlchemy's; only the execution skips the machinery. Rows come back as dicts of converted
values (UUIDs, aware datetimes, Decimals, dicts), ready for a response schema.

Reads run outside the request's transaction: they see committed data only. Use them for
read-only endpoints and lookups; read through the session inside a unit of work that writes.
The connections come from the engine's own pool (so they are set up like every other one) and
are held by the read pool until it closes; a broken one is invalidated and replaced.

On SQLite a read first runs inline on the event loop's thread, with a budget of
`INLINE_SECONDS`: the hot reads take 50–400 µs, and the round trip to the connection's thread
cost more than that in CPU (a queue, a wake-up, the GIL handed over and back, the loop woken
through its self-pipe) and, under load, waits of up to the GIL's switch interval. A read that
outruns the budget is interrupted (a SELECT changes nothing) and runs again on the thread, so a
long count or search never holds the loop for more than the budget.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg
from sqlalchemy import CompoundSelect, Select
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.util import greenlet_spawn

Processor = Callable[[Any], Any] | None
Row = dict[str, Any]
INLINE_SECONDS = 0.004
"""How long a SQLite read may hold the event loop before it is moved to its thread."""
_PROGRESS_STEPS = 1000  # SQLite VM instructions between two looks at the clock (~10 µs)


@dataclass(frozen=True)
class _Plan:
    sql: str
    param_names: tuple[str, ...]
    bind_processors: tuple[Processor, ...]
    keys: tuple[str, ...]
    result_processors: tuple[Processor, ...]
    # The columns with a conversion, when every key is distinct (else None: the slow path).
    conversions: tuple[tuple[str, Callable[[Any], Any]], ...] | None


class ReadQuery:
    """A select with named `bindparam`s, built once at import time and run many times."""

    def __init__(
        self, statement: Select[*tuple[Any, ...]] | CompoundSelect[*tuple[Any, ...]]
    ) -> None:
        self.statement = statement
        self._plans: dict[str, _Plan] = {}

    def plan(self, dialect: Dialect) -> _Plan:
        found = self._plans.get(dialect.name)
        if found is None:
            found = self._plans[dialect.name] = self._compile(dialect)
        return found

    def _compile(self, dialect: Dialect) -> _Plan:
        compiled = self.statement.compile(dialect=dialect)
        binds = compiled.binds
        if any(b.expanding for b in binds.values()):
            raise ValueError("ReadQuery does not support expanding (IN-list) parameters")
        names = tuple(compiled.positiontup or ())
        columns = list(self.statement.selected_columns)
        keys = tuple(str(c.key) for c in columns)
        processors = tuple(c.type._cached_result_processor(dialect, None) for c in columns)
        return _Plan(
            sql=str(compiled),
            param_names=names,
            bind_processors=tuple(binds[n].type._cached_bind_processor(dialect) for n in names),
            keys=keys,
            result_processors=processors,
            conversions=(
                tuple((k, p) for k, p in zip(keys, processors, strict=True) if p is not None)
                if len(set(keys)) == len(keys)
                else None
            ),
        )

    def parameters(self, plan: _Plan, values: Mapping[str, Any]) -> list[Any]:
        missing = [n for n in plan.param_names if n not in values]
        if missing:
            raise TypeError(f"missing query parameters: {', '.join(missing)}")
        return [
            process(values[name]) if process else values[name]
            for name, process in zip(plan.param_names, plan.bind_processors, strict=True)
        ]


def _convert(plan: _Plan, raw_rows: Sequence[Sequence[Any]]) -> list[Row]:
    if plan.conversions is not None:
        # The row as the driver gave it (dict and zip run in C), then only the columns that
        # have a conversion: a page of 20 bookings has ~200 values that need none.
        keys = plan.keys
        rows = [dict(zip(keys, raw, strict=True)) for raw in raw_rows]
        for row in rows:
            for key, process in plan.conversions:
                row[key] = process(row[key])
        return rows
    pairs = list(zip(plan.keys, plan.result_processors, strict=True))
    return [
        {
            key: process(value) if process else value
            for (key, process), value in zip(pairs, raw, strict=True)
        }
        for raw in raw_rows
    ]


class ReadPool:
    """Up to `size` reading connections, each used by one coroutine at a time; more readers
    wait for a slot. A connection is borrowed from the engine on first need and kept."""

    def __init__(self, engine: AsyncEngine, *, size: int = 4) -> None:
        self.engine = engine
        self.size = size
        self.dialect = engine.dialect
        self._slots = asyncio.Semaphore(size)
        self._idle: list[PoolProxiedConnection] = []
        self._in_use = 0
        self._is_sqlite = engine.dialect.name == "sqlite"
        self._invalidating: set[asyncio.Task[Any]] = set()
        # Called with each statement's SQL before it runs (the statement-budget tests and
        # bench/profile_reads.py count them beside the session's; empty in production).
        self.listeners: list[Callable[[str], None]] = []

    async def one(self, query: ReadQuery, **values: Any) -> Row | None:
        rows = await self.all(query, **values)
        return rows[0] if rows else None

    async def all(self, query: ReadQuery, **values: Any) -> list[Row]:
        plan = query.plan(self.dialect)
        parameters = query.parameters(plan, values)
        for listener in self.listeners:
            listener(plan.sql)
        async with self._slots:
            connection = self._idle.pop() if self._idle else await self.engine.raw_connection()
            self._in_use += 1
            try:
                raw_rows = await self._fetch(connection.driver_connection, plan.sql, parameters)
            except asyncio.CancelledError:
                # The driver may still be mid-query: never hand this connection out again.
                self._forget(connection)
                raise
            except Exception as exc:
                if not self._broken(exc, connection.driver_connection):
                    self._idle.append(connection)
                    raise
                self._forget(connection)
                raise ConnectionError(f"database connection lost: {exc}") from exc
            finally:
                self._in_use -= 1
            self._idle.append(connection)
        return _convert(plan, raw_rows)

    async def open(self) -> None:
        """Borrows every slot's connection now, so the first requests find them open rather than
        each paying a connect, authentication and the driver's set-up (the engine's first
        connection also asks the server its version and settings) while others queue behind."""
        missing = self.size - self.held
        if missing > 0:
            opened = await asyncio.gather(*(self.engine.raw_connection() for _ in range(missing)))
            self._idle.extend(opened)

    @property
    def held(self) -> int:
        """Connections borrowed from the engine right now (idle or in use)."""
        return self._in_use + len(self._idle)

    async def _fetch(self, driver: Any, sql: str, parameters: list[Any]) -> Sequence[Any]:
        if self._is_sqlite:
            inline = _inline_sqlite_read(driver, sql, parameters)
            if inline is not None:
                return inline
            _restored(driver)  # on its thread, a read may wait for a lock as configured
            cursor = driver.cursor()
            await cursor.execute(sql, parameters)
            rows: list[Any] = await cursor.fetchall()
            return rows
        records: Sequence[Any] = await driver.fetch(sql, *parameters)
        return records

    def _broken(self, exc: Exception, driver: Any) -> bool:
        """Whether the connection is unusable after `exc` (rather than the query being bad)."""
        if isinstance(exc, OSError):
            return True
        if self._is_sqlite:
            return "closed" in str(exc).lower()
        # asyncpg: an error reported by the server leaves the connection usable, unless the
        # server is dropping it; anything raised on the client side may not.
        if isinstance(exc, asyncpg.PostgresConnectionError | asyncpg.OperatorInterventionError):
            return True
        return not isinstance(exc, asyncpg.PostgresError) or bool(driver.is_closed())

    def _forget(self, connection: PoolProxiedConnection) -> None:
        task = asyncio.get_running_loop().create_task(greenlet_spawn(connection.invalidate))
        self._invalidating.add(task)
        task.add_done_callback(self._invalidating.discard)

    async def close(self) -> None:
        """Hands every held connection back to the engine's pool."""
        await asyncio.gather(*self._invalidating, return_exceptions=True)
        while self._idle:
            connection = self._idle.pop()
            if self._is_sqlite:
                _restored(connection.driver_connection)
            await greenlet_spawn(connection.close)


def _inline_sqlite_read(driver: Any, sql: str, parameters: list[Any]) -> list[Any] | None:
    """The rows of a read run on the loop's thread (kit/sqlite_driver.Connection, opened with
    check_same_thread off), or None when it must run on the connection's thread: the planner's
    statistics changed (the thread reloads them first), the read outran `INLINE_SECONDS`, or
    SQLite asked it to wait for a lock (rare for a WAL reader; on the loop's thread the busy
    timeout would hold every request, so it waits on its thread instead). The read pool lends
    a connection to one coroutine at a time, so nothing else is using it."""
    statistics = getattr(driver, "_statistics", None)
    if statistics is None or driver._seen_generation != statistics.generation:
        return None
    conn: sqlite3.Connection = driver._require()
    waits = _busy_timeout(conn)
    deadline = time.perf_counter() + INLINE_SECONDS

    def past_deadline() -> bool:
        return time.perf_counter() > deadline

    if waits and _quieted.get(id(conn)) is not conn:
        # Kept at 0 while the connection reads inline (two PRAGMAs a read saved); `_restored`
        # sets it back before a read waits on the thread or the connection leaves the pool.
        # Before the progress handler, which would interrupt it too once past the deadline.
        conn.execute("PRAGMA busy_timeout=0").close()
        _quieted[id(conn)] = conn
    conn.set_progress_handler(past_deadline, _PROGRESS_STEPS)
    try:
        cursor = conn.execute(sql, parameters)
        try:
            return cursor.fetchall()
        finally:
            cursor.close()
    except sqlite3.OperationalError as exc:
        if "interrupted" in str(exc) or "locked" in str(exc) or "busy" in str(exc):
            return None
        raise
    finally:
        conn.set_progress_handler(None, 0)


_busy_timeouts: dict[int, tuple[sqlite3.Connection, int]] = {}
_quieted: dict[int, sqlite3.Connection] = {}
"""The read pool's connections whose busy timeout is 0 (they read inline, where waiting would
hold the loop)."""


def _restored(driver: Any) -> None:
    """The connection's own busy timeout back, if inline reads had set it to 0."""
    conn: sqlite3.Connection | None = getattr(driver, "_connection", None)
    if conn is not None and _quieted.get(id(conn)) is conn:
        del _quieted[id(conn)]
        conn.execute(f"PRAGMA busy_timeout={_busy_timeout(conn)}").close()


def _busy_timeout(conn: sqlite3.Connection) -> int:
    """The connection's busy timeout in ms (set by its pragmas), read once per connection."""
    known = _busy_timeouts.get(id(conn))
    if known is None or known[0] is not conn:
        row = conn.execute("PRAGMA busy_timeout").fetchone()
        known = _busy_timeouts[id(conn)] = (conn, int(row[0]) if row else 0)
    return known[1]
