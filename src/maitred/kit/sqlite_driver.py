"""A lean asyncio adapter for sqlite3, handed to SQLAlchemy's aiosqlite dialect as its creator.

Why not plain aiosqlite: it makes a thread round trip for every cursor creation, execute, fetch,
close, BEGIN and COMMIT, about nine per ORM read, and each round trip costs more than the query
itself. This adapter keeps aiosqlite's model (one thread per connection, the event loop never
blocks on the database) but runs execute + fetchall as one round trip, creates and closes cursors
without one, and sends BEGIN along with the first statement of the transaction, so an ORM read
costs two round trips (query, commit). It implements only what SQLAlchemy's adapter calls.

Each connection also reloads the query planner's statistics (`ANALYZE sqlite_schema`, along with
its next statement) once `PlannerStatistics.changed()` says another connection refreshed them:
SQLite reads them only when a connection opens, and pooled connections live for good.

Write transactions of one process queue on a `WriterQueue` before their BEGIN IMMEDIATE: SQLite
lets one writer in and the others wait in its busy handler, which sleeps (up to 100 ms a try)
instead of waking when the lock is free, so 16 concurrent writers made about 60 commits a
second. The queue is only a shortcut within one process; BEGIN IMMEDIATE and the busy timeout
still keep writers of other processes apart.
"""

from __future__ import annotations

import asyncio
import queue
import sqlite3
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
_STOP = object()


class PlannerStatistics:
    """Which version of the sqlite_stat1 figures the connections of one database file use."""

    def __init__(self) -> None:
        self.generation = 0

    def changed(self) -> None:
        self.generation += 1


class WriterQueue:
    """The write transactions of one process on one database file, one at a time, in order.

    A writer that waits longer than `patience` goes on without its turn, to SQLite's busy
    handler: a queue that never moves (a transaction left open) then fails as it would without
    the queue, instead of hanging.
    """

    def __init__(self, patience: float = 10.0) -> None:
        self.patience = patience
        self._locks: dict[asyncio.AbstractEventLoop, asyncio.Lock] = {}

    def _lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        lock = self._locks.get(loop)
        if lock is None:
            self._locks = {k: v for k, v in self._locks.items() if not k.is_closed()}
            lock = self._locks[loop] = asyncio.Lock()
        return lock

    async def enter(self) -> asyncio.Lock | None:
        """The lock now held (release it once), or None when patience ran out."""
        lock = self._lock()
        try:
            async with asyncio.timeout(self.patience):
                await lock.acquire()
        except TimeoutError:
            return None
        return lock


class Connection:
    def __init__(
        self,
        database: str,
        statistics: PlannerStatistics | None = None,
        writers: WriterQueue | None = None,
        **kwargs: Any,
    ) -> None:
        self._jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._connection: sqlite3.Connection | None = None
        self._pending_begin: str | None = None
        self._writers = writers
        self._turn: asyncio.Lock | None = None
        self._statistics = statistics or PlannerStatistics()
        self._seen_generation = self._statistics.generation
        self._thread = threading.Thread(
            target=self._serve, args=(database, kwargs), name="maitred-sqlite", daemon=True
        )

    def _serve(self, database: str, kwargs: dict[str, Any]) -> None:
        while True:
            job = self._jobs.get()
            if job is _STOP:
                return
            future, fn = job
            try:
                result = fn()
            except BaseException as exc:
                future.get_loop().call_soon_threadsafe(_set_exception, future, exc)
            else:
                future.get_loop().call_soon_threadsafe(_set_result, future, result)

    async def _run(self, fn: Callable[[], T]) -> T:
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._jobs.put_nowait((future, fn))
        return await future

    async def open(self, database: str, **kwargs: Any) -> Connection:
        self._thread.start()
        kwargs.update(isolation_level=None, check_same_thread=False)
        self._connection = await self._run(lambda: sqlite3.connect(database, **kwargs))
        return self

    # What SQLAlchemy's aiosqlite adapter uses -------------------------------------------

    def cursor(self) -> Cursor:
        return Cursor(self)

    def begin_with_next_statement(self, statement: str) -> None:
        """BEGIN travels with the transaction's first statement instead of on its own."""
        self._pending_begin = statement

    async def _take_begin(self) -> str | None:
        """The pending BEGIN, after this connection's turn among the writers for IMMEDIATE."""
        begin, self._pending_begin = self._pending_begin, None
        if begin == "BEGIN IMMEDIATE" and self._writers is not None and self._turn is None:
            self._turn = await self._writers.enter()
        return begin

    def _end_turn(self) -> None:
        turn, self._turn = self._turn, None
        if turn is not None:
            turn.release()

    def _take_reload(self) -> bool:
        """Whether the statistics changed since this connection last loaded them."""
        if self._seen_generation == self._statistics.generation:
            return False
        self._seen_generation = self._statistics.generation
        return True

    @property
    def in_transaction(self) -> bool:
        return self._connection is not None and self._connection.in_transaction

    async def commit(self) -> None:
        await self._end("COMMIT")

    async def rollback(self) -> None:
        await self._end("ROLLBACK")

    async def _end(self, statement: str) -> None:
        self._pending_begin = None  # a transaction that ran nothing needs no round trip
        conn = self._connection
        try:
            if conn is not None and conn.in_transaction:
                await self._run(lambda: conn.execute(statement).close())
        finally:
            self._end_turn()

    async def close(self) -> None:
        conn, self._connection = self._connection, None
        self._end_turn()
        if conn is not None:
            await self._run(conn.close)
        self._jobs.put_nowait(_STOP)

    def stop(self) -> None:
        """Force close without waiting (SQLAlchemy's terminate)."""
        self._connection = None
        self._end_turn()
        self._jobs.put_nowait(_STOP)

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        conn = self._require()
        await self._run(lambda: conn.create_function(*args, **kwargs))

    def _require(self) -> sqlite3.Connection:
        if self._connection is None:
            raise sqlite3.ProgrammingError("Cannot operate on a closed database.")
        return self._connection


class Cursor:
    arraysize = 1

    def __init__(self, connection: Connection) -> None:
        self._owner = connection
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self._rows: list[Any] = []

    async def __aenter__(self) -> Cursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        return None

    async def execute(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> Cursor:
        conn = self._owner._require()
        begin = await self._owner._take_begin()
        reload = self._owner._take_reload()

        def work() -> tuple[Any, list[Any], int, int | None]:
            if reload:
                conn.execute("ANALYZE sqlite_schema").close()
            if begin:
                conn.execute(begin).close()
            cursor = conn.execute(sql, parameters)
            try:
                rows = cursor.fetchall() if cursor.description else []
                return cursor.description, rows, cursor.rowcount, cursor.lastrowid
            finally:
                cursor.close()

        self.description, self._rows, self.rowcount, self.lastrowid = await self._owner._run(work)
        return self

    async def executemany(self, sql: str, seq_of_parameters: Sequence[Any]) -> Cursor:
        conn = self._owner._require()
        begin = await self._owner._take_begin()

        def work() -> tuple[int, int | None]:
            if begin:
                conn.execute(begin).close()
            cursor = conn.executemany(sql, seq_of_parameters)
            try:
                return cursor.rowcount, cursor.lastrowid
            finally:
                cursor.close()

        self.description, self._rows = None, []
        self.rowcount, self.lastrowid = await self._owner._run(work)
        return self

    async def fetchall(self) -> list[Any]:
        rows, self._rows = self._rows, []
        return rows

    async def fetchone(self) -> Any:
        return self._rows.pop(0) if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        size = size or self.arraysize
        rows, self._rows = self._rows[:size], self._rows[size:]
        return rows

    async def close(self) -> None:
        self._rows = []


def _set_result(future: asyncio.Future[Any], result: Any) -> None:
    if not future.done():
        future.set_result(result)


def _set_exception(future: asyncio.Future[Any], exc: BaseException) -> None:
    if not future.done():
        future.set_exception(exc)


def creator(
    database: str,
    statistics: PlannerStatistics | None = None,
    writers: WriterQueue | None = None,
    **kwargs: Any,
) -> Callable[[], Any]:
    """An `async_creator` for `create_async_engine`: opens one adapted connection."""

    async def connect() -> Connection:
        return await Connection(database, statistics, writers).open(database, **kwargs)

    return connect
