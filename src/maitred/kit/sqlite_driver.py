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

Write transactions of one process are committed in groups by kit/group_commit.py: a
connection whose transaction begins IMMEDIATE runs its statements on the group's writer.
"""

from __future__ import annotations

import asyncio
import queue
import sqlite3
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from maitred.kit.group_commit import GroupCommit, _Group

T = TypeVar("T")
_STOP = object()


class PlannerStatistics:
    """Which version of the sqlite_stat1 figures the connections of one database file use."""

    def __init__(self) -> None:
        self.generation = 0

    def changed(self) -> None:
        self.generation += 1


class Connection:
    def __init__(
        self,
        database: str,
        statistics: PlannerStatistics | None = None,
        group: GroupCommit | None = None,
        **kwargs: Any,
    ) -> None:
        self._jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._connection: sqlite3.Connection | None = None
        self._pending_begin: str | None = None
        # The pending BEGIN IMMEDIATE waits for the transaction's first write (`defer_to_write`).
        self._until_write = False
        self._group_commit = group
        # While this connection's write transaction is a member of a group: the group, and the
        # writer connection its statements run on.
        self._member: _Group | None = None
        self._writer: Connection | None = None
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

    def begin_with_next_statement(self, statement: str, *, until_write: bool = False) -> None:
        """BEGIN travels with the transaction's first statement instead of on its own; with
        `until_write`, with its first write (see `defer_to_write`)."""
        self._pending_begin = statement
        self._until_write = until_write

    def defer_to_write(self) -> bool:
        """Until its first INSERT, UPDATE or DELETE, this write transaction's reads run outside
        the writers' turn, each in autocommit on this connection (the snapshot of a statement,
        as PostgreSQL's READ COMMITTED gives): the turn then holds writes only. Opt-in, for a
        path whose writes check what they rely on themselves (INSERT ... SELECT, RETURNING):
        other services read, then write, relying on the write lock taken at their first read.
        False when the transaction has already begun (its turn is taken)."""
        if self._writer is not None or self._pending_begin != "BEGIN IMMEDIATE":
            return False
        self._until_write = True
        return True

    async def _target(
        self, sql: str
    ) -> tuple[Connection, Callable[[sqlite3.Connection], None] | None, bool]:
        """Where the next statement runs, what must run before it in the same round trip, and
        whether it runs inline on the event loop's thread.

        A write transaction's first statement joins the group on the writer connection (its
        BEGIN and SAVEPOINT go along). While the member holds its turn, its statements run
        inline: nothing else uses the writer then, the group's BEGIN IMMEDIATE already holds
        SQLite's write lock (no statement waits on a lock), and a thread round trip costs far
        more than these statements. Under load it cost more still: the database thread waited
        for the GIL while the event loop worked on other requests (up to the 5 ms switch
        interval a round trip), and the whole queue of writers waited with it. A read runs on
        this connection's thread, after the statistics reload."""
        if self._writer is not None:
            return self._writer, None, True
        if self._until_write and _is_read(sql):
            begin = None  # stays pending: this read runs in autocommit
        else:
            begin, self._pending_begin, self._until_write = self._pending_begin, None, False
        if begin == "BEGIN IMMEDIATE" and self._group_commit is not None:
            self._member, self._writer = await self._group_commit.join()
            joined, inline = self._group_commit.begin(self._writer)
            return self._writer, joined, inline
        reload = self._take_reload()
        if not reload and not begin:
            return self, None, False

        def prefix(conn: sqlite3.Connection) -> None:
            if reload:
                conn.execute("ANALYZE sqlite_schema").close()
            if begin:
                conn.execute(begin).close()

        return self, prefix, False

    def _leave_group(self) -> None:
        """Closed mid-transaction: the member's savepoint is rolled back."""
        member, self._member, self._writer = self._member, None, None
        if member is not None and self._group_commit is not None:
            self._group_commit.abandon(member)

    def _take_reload(self) -> bool:
        """Whether the statistics changed since this connection last loaded them."""
        if self._seen_generation == self._statistics.generation:
            return False
        self._seen_generation = self._statistics.generation
        return True

    @property
    def in_transaction(self) -> bool:
        if self._member is not None:
            return True
        return self._connection is not None and self._connection.in_transaction

    async def commit(self) -> None:
        await self._end("COMMIT")

    async def rollback(self) -> None:
        await self._end("ROLLBACK")

    async def _end(self, statement: str) -> None:
        self._pending_begin = None  # a transaction that ran nothing needs no round trip
        self._until_write = False
        member = self._member
        if member is not None:
            self._member = self._writer = None
            assert self._group_commit is not None
            await self._group_commit.finish(member, commit=statement == "COMMIT")
            return
        conn = self._connection
        if conn is not None and conn.in_transaction:
            await self._run(lambda: conn.execute(statement).close())

    async def close(self) -> None:
        conn, self._connection = self._connection, None
        self._leave_group()
        if conn is not None:
            await self._run(conn.close)
        self._jobs.put_nowait(_STOP)

    def stop(self) -> None:
        """Force close without waiting (SQLAlchemy's terminate)."""
        self._connection = None
        self._leave_group()
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
        self._owner._require()
        target, prefix, inline = await self._owner._target(sql)
        conn = target._require()

        def work() -> tuple[Any, list[Any], int, int | None]:
            if prefix is not None:
                prefix(conn)
            cursor = conn.execute(sql, parameters)
            try:
                rows = cursor.fetchall() if cursor.description else []
                return cursor.description, rows, cursor.rowcount, cursor.lastrowid
            finally:
                cursor.close()

        self.description, self._rows, self.rowcount, self.lastrowid = (
            work() if inline else await target._run(work)
        )
        return self

    async def executemany(self, sql: str, seq_of_parameters: Sequence[Any]) -> Cursor:
        self._owner._require()
        target, prefix, inline = await self._owner._target(sql)
        conn = target._require()

        def work() -> tuple[int, int | None]:
            if prefix is not None:
                prefix(conn)
            cursor = conn.executemany(sql, seq_of_parameters)
            try:
                return cursor.rowcount, cursor.lastrowid
            finally:
                cursor.close()

        self.description, self._rows = None, []
        self.rowcount, self.lastrowid = work() if inline else await target._run(work)
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


def _is_read(sql: str) -> bool:
    return sql.lstrip()[:6].upper() == "SELECT"


def _set_result(future: asyncio.Future[Any], result: Any) -> None:
    if not future.done():
        future.set_result(result)


def _set_exception(future: asyncio.Future[Any], exc: BaseException) -> None:
    if not future.done():
        future.set_exception(exc)


def creator(
    database: str,
    statistics: PlannerStatistics | None = None,
    group: GroupCommit | None = None,
    **kwargs: Any,
) -> Callable[[], Any]:
    """An `async_creator` for `create_async_engine`: opens one adapted connection."""

    async def connect() -> Connection:
        return await Connection(database, statistics, group).open(database, **kwargs)

    return connect
