"""Write transactions of one process on one SQLite file, committed in groups (`GroupCommit`).

They take turns (`WriterQueue`, an asyncio lock: SQLite's own busy handler sleeps up to 100 ms a
try instead of waking when the lock frees) on one writer connection, each in a SAVEPOINT of a
transaction the group shares, and one COMMIT ends the group. A rolled-back member rolls back its
savepoint only; a member's `commit()` returns once the group's COMMIT has, so nothing is answered
before it is durable. With `synchronous=FULL` each COMMIT syncs the WAL to disk: on a busy disk
5-7 ms, paid once a group instead of once a transaction. BEGIN IMMEDIATE and the busy timeout
still keep writers of other processes apart. The connections are kit/sqlite_driver.py's.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Callable, Sequence

from maitred.kit.sqlite_driver import (
    Connection,
    PlannerStatistics,
    _set_exception,
    _set_result,
)


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

    def release(self) -> None:
        """Ends the turn taken with `enter`."""
        self._lock().release()


class _Group:
    """One event loop's side of the writer: its turns, its connection, the members waiting for
    the COMMIT."""

    def __init__(self, patience: float) -> None:
        self.turns = WriterQueue(patience)
        self.waiting = 0  # members queued for a turn
        self.writer: Connection | None = None
        self.opening: asyncio.Lock = asyncio.Lock()
        self.batch: list[asyncio.Future[None]] = []
        self.committer: asyncio.Task[None] | None = None


class GroupCommit:
    """The write transactions of one process on one database file, run one after the other on
    a single writer connection, each in its own SAVEPOINT, and committed together.

    A member whose turn ends while others wait for theirs leaves the COMMIT to the group: the
    last of the queue (or a committer task queued behind it, or the member that fills
    `max_batch`) commits for all. One failure never undoes another: its savepoint is rolled
    back. Only when SQLite itself drops the whole transaction (an I/O error, a full disk) or the
    COMMIT fails does every member of that group get the error, and none of them an answer of
    success.
    """

    def __init__(
        self,
        database: str,
        pragmas: Sequence[str] = (),
        statistics: PlannerStatistics | None = None,
        *,
        patience: float = 10.0,
        max_batch: int = 64,
    ) -> None:
        self.database = database
        self.pragmas = tuple(pragmas)
        self.statistics = statistics
        self.patience = patience
        self.max_batch = max_batch
        self.commits = 0  # COMMITs made (a test reads it to see groups form)
        self.members = 0  # transactions committed through them
        self._groups: dict[asyncio.AbstractEventLoop, _Group] = {}
        self._abandoned: set[asyncio.Task[None]] = set()

    def _group(self) -> _Group:
        loop = asyncio.get_running_loop()
        group = self._groups.get(loop)
        if group is None:
            self._groups = {k: v for k, v in self._groups.items() if not k.is_closed()}
            group = self._groups[loop] = _Group(self.patience)
        return group

    async def _writer(self, group: _Group) -> Connection:
        async with group.opening:
            if group.writer is None:
                writer = Connection(self.database, self.statistics)
                await writer.open(self.database)
                conn = writer._require()
                pragmas = self.pragmas

                def setup() -> None:
                    for pragma in pragmas:
                        conn.execute(f"PRAGMA {pragma}").close()

                await writer._run(setup)
                group.writer = writer
            return group.writer

    async def join(self) -> tuple[_Group, Connection]:
        """This caller's turn on the writer (sqlite3.OperationalError after `patience`)."""
        group = self._group()
        group.waiting += 1
        try:
            turn = await group.turns.enter()
        finally:
            group.waiting -= 1
        if turn is None:
            raise sqlite3.OperationalError("database is locked (no turn among the writers)")
        try:
            return group, await self._writer(group)
        except BaseException:
            turn.release()
            raise

    def writers_waiting(self) -> bool:
        """Does a write transaction of this loop wait on the member holding the turn: queued for
        a turn, or done and waiting for the group's COMMIT (its answer waits for it)? A long
        member (the worker's batch) hands the turn on only when one does."""
        group = self._groups.get(asyncio.get_running_loop())
        return group is not None and (group.waiting > 0 or bool(group.batch))

    def begin(self, writer: Connection) -> tuple[Callable[[sqlite3.Connection], None], bool]:
        """What runs before the member's first statement, and whether it may run inline: the
        group's BEGIN IMMEDIATE when none is open (on the writer's thread: it may wait for
        another process's writer), then the member's SAVEPOINT."""
        reload = writer._take_reload()
        inline = writer._require().in_transaction

        def begin(conn: sqlite3.Connection) -> None:
            if not conn.in_transaction:
                if reload:
                    conn.execute("ANALYZE sqlite_schema").close()
                conn.execute("BEGIN IMMEDIATE").close()
            conn.execute("SAVEPOINT member").close()

        return begin, inline

    async def finish(self, group: _Group, *, commit: bool) -> None:
        """Ends the member holding the turn: its savepoint released (`commit`) or rolled back;
        the group's COMMIT now when nobody waits for a turn or the group is full. Returns once
        the member's writes are committed (or raises why not)."""
        writer = group.writer
        assert writer is not None
        conn = writer._require()
        mine: asyncio.Future[None] | None = None
        if commit:
            mine = asyncio.get_running_loop().create_future()
            group.batch.append(mine)
        now = bool(group.batch) and (group.waiting == 0 or len(group.batch) >= self.max_batch)
        batch = group.batch
        if now:
            group.batch = []

        failure: Exception | None = None
        try:
            # Inline: ending a savepoint is quick and waits for nothing; the COMMIT (a sync of
            # the WAL) goes to the writer's thread.
            if not conn.in_transaction:
                raise sqlite3.OperationalError("the group's transaction was rolled back")
            if commit:
                try:
                    conn.execute("RELEASE member").close()
                except sqlite3.Error:
                    conn.execute("ROLLBACK TO member").close()
                    conn.execute("RELEASE member").close()
                    raise
            else:
                conn.execute("ROLLBACK TO member").close()
                conn.execute("RELEASE member").close()
            if now:
                await writer._run(lambda: _commit_or_roll_back(conn))
            else:
                _end_if_idle(group, conn)
        except Exception as exc:
            failure = exc
        finally:
            group.turns.release()
        if failure is None:
            if now:
                self._committed(batch)
        elif now or not conn.in_transaction:
            # The transaction is gone: every member waiting for it failed with it.
            victims = batch if now else group.batch
            if not now:
                group.batch = []
            for future in victims:
                _set_exception(future, failure)
        elif mine is not None and mine in group.batch:
            group.batch.remove(mine)  # only this member's RELEASE failed; the rest stands
            _set_exception(mine, failure)
        if group.batch:
            self._commit_soon(group)
        if mine is not None:
            await mine

    def _committed(self, batch: list[asyncio.Future[None]]) -> None:
        self.commits += 1
        self.members += len(batch)
        for future in batch:
            _set_result(future, None)

    def _commit_soon(self, group: _Group) -> None:
        """A task queued behind the waiting members: it commits whatever the group holds when
        its turn comes (a member queued meanwhile that then gave up must not strand the rest)."""
        if group.committer is not None and not group.committer.done():
            return

        async def commit_pending() -> None:
            group.waiting += 1
            try:
                turn = await group.turns.enter()
            finally:
                group.waiting -= 1
            if turn is None:
                return
            try:
                batch, group.batch = group.batch, []
                if not batch:
                    return
                writer = group.writer
                assert writer is not None
                conn = writer._require()
                try:
                    await writer._run(lambda: _commit_or_roll_back(conn))
                except Exception as exc:
                    for future in batch:
                        _set_exception(future, exc)
                    return
                self._committed(batch)
            finally:
                turn.release()
                if group.batch:
                    group.committer = None
                    self._commit_soon(group)

        group.committer = asyncio.get_running_loop().create_task(commit_pending())

    def abandon(self, group: _Group) -> None:
        """A member's connection was closed or terminated mid-transaction (its task cancelled,
        perhaps while its first statement was still on the writer's thread): its savepoint is
        rolled back on that thread, after whatever it still runs, and only then does the turn
        pass on."""
        writer = group.writer
        conn = writer._connection if writer is not None else None

        def roll_back() -> None:
            if conn is not None and conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK TO member").close()
                    conn.execute("RELEASE member").close()
                    _end_if_idle(group, conn)

        async def roll_back_then_pass_on() -> None:
            try:
                if writer is not None and conn is not None:
                    with contextlib.suppress(Exception):
                        await writer._run(roll_back)
            finally:
                group.turns.release()
                if group.batch:
                    self._commit_soon(group)

        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no loop (a finalizer): nothing else can run meanwhile
            roll_back()
            group.turns.release()
            return
        task = loop.create_task(roll_back_then_pass_on())
        self._abandoned.add(task)
        task.add_done_callback(self._abandoned.discard)

    async def close(self) -> None:
        """Closes this loop's writer connection (after committing what is pending)."""
        group = self._groups.pop(asyncio.get_running_loop(), None)
        if group is None or group.writer is None:
            return
        if group.committer is not None:
            with contextlib.suppress(Exception):
                await group.committer
        writer, group.writer = group.writer, None
        await writer.close()


def _end_if_idle(group: _Group, conn: sqlite3.Connection) -> None:
    """Ends the group's transaction when it holds nobody's writes and nobody waits to add
    some: left open, its write lock would keep every other process's writers out (a request
    that rolled back would otherwise leave the lock held until the next write of this one)."""
    if not group.batch and group.waiting == 0 and conn.in_transaction:
        conn.execute("ROLLBACK").close()


def _commit_or_roll_back(conn: sqlite3.Connection) -> None:
    try:
        conn.execute("COMMIT").close()
    except sqlite3.Error:
        if conn.in_transaction:
            conn.execute("ROLLBACK").close()
        raise
