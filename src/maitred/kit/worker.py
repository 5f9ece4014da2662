"""The background worker: delivers outbox events to their handlers, with retries.

Claiming first writes the deliveries of events emitted with `outbox.fan_out_later` (the booking
request's), then takes a lease on due deliveries with one statement (`FOR UPDATE SKIP LOCKED` on
PostgreSQL, so several worker processes share the work; SQLite serializes writers anyway;
kit/worker_claim.py). The
claimed batch then runs in ONE transaction (`deliver_batch`): the deliveries still leased to this
worker are read and locked in one statement, the handlers run one after the other (should one
fail, the batch runs again with a SAVEPOINT each: a failing handler rolls back its own writes
only, and its delivery is retried alone later; kit/worker_batch.py), and the `done`
marks of those that succeeded commit with their writes: a handler's writes and its `done` mark
commit together or not at all. A booking's eight-odd deliveries so take two write transactions
(the claim, the batch) instead of nine, which on SQLite means two turns among the process's
writers instead of nine. A worker killed mid-batch leaves leases that expire; another worker
takes over and runs the whole batch again (handlers with effects outside the database are
idempotent, as before). Every claim counts as an attempt, so a delivery whose handler keeps
killing its worker (or outliving its lease) still ends `dead` after `max_attempts` instead of
cycling forever. A worker asked to stop finishes the delivery in hand and hands back the leases
it has not started.

At rest the worker costs next to nothing: a claim or a poller's pass that would find nothing
is one read (inline on SQLite, never in the writers' queue) instead of a write transaction,
idle pollers are asked less and less often (kit/pollers.py), and a commit in this process that
emitted events or queued a poller's work wakes the loop at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from maitred.config import Settings, load_settings
from maitred.kit import outbox, pollers, worker_batch, worker_claim, worker_health, worker_lock
from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from maitred.kit.idempotency_records import purge_expired as purge_expired_keys
from maitred.kit.worker_health import HEARTBEAT_SECONDS

log = logging.getLogger("maitred.worker")
SWEEP_SECONDS = 600.0  # housekeeping: expired idempotency keys (an idempotent DELETE)


@dataclass
class WorkerOptions:
    # A booking leaves ~14 deliveries; set-based handlers (kit/worker_batch.py) take all of a
    # batch's events at once, so a batch holds several bookings' (measured: bench/README.md).
    batch_size: int = 50
    # A batch runs handlers for about this long at most; what it has not started goes back to
    # the queue (uncounted) for the next round. On SQLite the batch holds the process's write
    # turn, which the requests' writes wait for: there it runs on past this bound while no
    # writer of the process waits for the turn (kit/group_commit.py says), when
    # `writers_in_sight`. PostgreSQL has no single writer: the bound always holds.
    batch_seconds: float = 0.03
    # Every writer that could wait for the batch is in this process (the embedded worker). A
    # `maitred worker` process on SQLite cannot see the API processes' writers waiting on the
    # file's lock: it keeps to `batch_seconds`.
    writers_in_sight: bool = True
    poll_seconds: float = 0.5
    lease_seconds: float = 60.0
    max_attempts: int = 8
    backoff_seconds: float = 2.0
    max_backoff_seconds: float = 3600.0
    fan_out_batch: int = 200
    # SQLite: a file lock only one process holds at a time (kit/worker_lock.py).
    lock_path: Path | None = None


class Worker:
    def __init__(
        self,
        database: Database,
        options: WorkerOptions | None = None,
        *,
        settings: Settings | None = None,
    ) -> None:
        self.database = database
        self.options = options or WorkerOptions()
        # Pollers read provider settings; without any given, the environment's.
        self.settings = settings or load_settings()
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.started_at = utcnow()
        self.processed = 0
        self.failed = 0
        self._stopping = asyncio.Event()
        self._next_poll: dict[str, float] = {}  # poller -> loop time it is due again
        self._idle_wait: dict[str, float] = {}  # poller -> its wait after its next idle pass
        self.claimed_last = False  # the last claim took deliveries (kit/worker_claim.py)

    @property
    def stopping(self) -> bool:
        """Asked to stop: a running batch hands back what it has not started."""
        return self._stopping.is_set()

    def writers_may_wait(self) -> bool:
        """Might a write transaction wait for this worker's batch to end? Only on SQLite's
        group commit can the worker see that none does (then a batch runs on past its time)."""
        group = self.database.group_commit
        if group is None or not self.options.writers_in_sight:
            return True
        return group.writers_waiting()

    def backoff(self, attempts: int) -> timedelta:
        """Exponential: base, 2×base, 4×base, … capped."""
        seconds = self.options.backoff_seconds * 2 ** max(attempts - 1, 0)
        return timedelta(seconds=min(seconds, self.options.max_backoff_seconds))

    async def claim(self) -> list[uuid.UUID]:
        """Leases a batch of due deliveries to this worker (kit/worker_claim.py)."""
        return await worker_claim.claim(self)

    async def deliver(self, delivery_id: uuid.UUID) -> bool:
        """Runs one delivery; True when its handler succeeded (or it was no longer ours)."""
        return await worker_batch.deliver(self, delivery_id)

    async def deliver_batch(self, ids: list[uuid.UUID], *, bounded: bool = False) -> None:
        """The claimed deliveries in one transaction, a savepoint each (kit/worker_batch.py)."""
        await worker_batch.deliver_batch(self, ids, bounded=bounded)

    async def run_once(self, *, on_schedule: bool = False) -> int:
        """Claims and delivers one batch, then runs the pollers; returns how many items it
        claimed in all (0: nothing was due). Every poller runs, unless `on_schedule` (the
        running worker's loop): then only those due by their own schedule (kit/pollers.py)."""
        claimed = await self.claim()
        if claimed:
            await self.deliver_batch(claimed, bounded=on_schedule)
        worked = len(claimed)
        context = pollers.PollContext(self.database, self.worker_id, self.settings)
        loop = asyncio.get_running_loop()
        for name in self.database.woken_pollers():
            self._next_poll[name] = 0.0  # this process queued work for it: ask it now
            self._idle_wait.pop(name, None)
        for registered in pollers.registered():
            if self._stopping.is_set():
                break
            if on_schedule and self._next_poll.get(registered.name, 0.0) > loop.time():
                continue
            found = 0
            try:
                # Its events' deliveries only for handlers with work for them (outbox.audience).
                with outbox.worker_writes():
                    found = await registered.poll(context)
            except Exception:
                log.exception("poller %s failed; retrying next round", registered.name)
            worked += found
            if found:  # busy: again next round
                self._next_poll[registered.name] = 0.0
                self._idle_wait.pop(registered.name, None)
                continue
            # Idle (or failing): not before its wait, which doubles up to its cap.
            wait = self._idle_wait.get(registered.name, registered.every)
            self._next_poll[registered.name] = loop.time() + wait
            self._idle_wait[registered.name] = min(2 * wait, registered.cap)
        return worked

    def _until_next_poll(self) -> float:
        """Seconds until the first poller is due again (the loop's longest sleep)."""
        if not self._next_poll:
            return 0.0
        return max(0.0, min(self._next_poll.values()) - asyncio.get_running_loop().time())

    async def run(self) -> None:
        """Until stop(): deliver what is due, wake early when this process emitted events.
        With a `lock_path`, only once this process holds that lock (SQLite)."""
        with contextlib.ExitStack() as held:
            if self.options.lock_path is not None:
                lock = await worker_lock.hold(self.options.lock_path, self._stopping)
                if lock is None:
                    return  # stopped while waiting
                held.callback(lock.close)
            await self._run()

    async def _run(self) -> None:
        log.info("worker %s started", self.worker_id)
        last_beat = last_sweep = float("-inf")
        loop = asyncio.get_running_loop()
        while not self._stopping.is_set():
            try:
                if loop.time() - last_beat >= HEARTBEAT_SECONDS:
                    await worker_health.heartbeat(self)
                    last_beat = loop.time()
                if loop.time() - last_sweep >= SWEEP_SECONDS:
                    last_sweep = loop.time()
                    purged = await purge_expired_keys(self.database)
                    if purged:
                        log.info("purged %d expired idempotency keys", purged)
                if await self.run_once(on_schedule=True):
                    continue
                wait = min(self.options.poll_seconds, self._until_next_poll())
            except Exception:
                log.exception("worker loop error; retrying")
                wait = self.options.poll_seconds  # not at once: the error may well recur
            await self.database.wait_for_outbox(wait)
        await worker_health.remove_heartbeat(self)
        log.info("worker %s stopped", self.worker_id)

    def stop(self) -> None:
        self._stopping.set()
        self.database.notify_outbox()
