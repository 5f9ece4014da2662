"""A running worker asks an idle poller only as often as it says, less and less often while it
stays idle, at once when a commit in its process queued work for it; idle, it writes nothing
but its heartbeat; and on SQLite only one process's worker runs at a time."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import event, select

from maitred.config import Settings
from maitred.kit import pollers, worker_lock
from maitred.kit.db import Database
from maitred.kit.outbox import DeliveryStatus
from maitred.kit.pollers import PollContext, Registered
from maitred.kit.worker import Worker, WorkerOptions
from maitred.tenancy.models import Organization
from tests.kit.outbox_probe import (
    Subscriptions,
    all_deliveries,
    emit_committed,
    eventually,
    subscriptions,
)

OPTIONS = WorkerOptions(poll_seconds=0.01, backoff_seconds=0.01, lease_seconds=30)


async def test_an_idle_poller_is_asked_once_per_interval_and_a_busy_one_at_once(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: dict[str, int] = {"idle": 0, "busy": 0}
    work = [3]  # the busy poller has three rounds of work, then none

    async def idle(_context: PollContext) -> int:
        asked["idle"] += 1
        return 0

    async def busy(_context: PollContext) -> int:
        asked["busy"] += 1
        if work[0]:
            work[0] -= 1
            return 1
        return 0

    monkeypatch.setattr(pollers, "_pollers", {})
    pollers.poller("probe.idle", every=60.0)(idle)
    pollers.poller("probe.busy", every=60.0)(busy)
    worker = Worker(database, OPTIONS)
    task = asyncio.create_task(worker.run())
    try:
        await asyncio.sleep(0.5)  # some fifty rounds of a 10 ms poll
    finally:
        worker.stop()
        await asyncio.wait_for(task, timeout=10)

    # The idle one once; the busy one while it found work, and once more to find none.
    assert asked == {"idle": 1, "busy": 4}
    # Asked directly (tests, `maitred worker` draining), every poller runs.
    assert await Worker(database, OPTIONS).run_once() == 0
    assert asked == {"idle": 2, "busy": 5}
    assert pollers.registered() == [
        Registered("probe.busy", busy, 60.0),
        Registered("probe.idle", idle, 60.0),
    ]


async def test_an_idle_pollers_wait_doubles_up_to_its_cap(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    loop = asyncio.get_running_loop()
    asked: list[float] = []

    async def idle(_context: PollContext) -> int:
        asked.append(loop.time())
        return 0

    monkeypatch.setattr(pollers, "_pollers", {})
    pollers.poller("probe.idle", every=0.05, longest=0.2)(idle)
    worker = Worker(database, OPTIONS)
    task = asyncio.create_task(worker.run())
    try:
        await asyncio.sleep(1.2)
    finally:
        worker.stop()
        await asyncio.wait_for(task, timeout=10)

    # Waits of 0.05, 0.1, 0.2, then 0.2 each (a busy machine only makes them longer): some
    # seven passes in 1.2 s, where a wait that never grew would have made twenty-four.
    gaps = [later - earlier for earlier, later in zip(asked, asked[1:], strict=False)]
    floors = [0.05, 0.1, 0.2, 0.2, 0.2, 0.2, 0.2]
    assert len(gaps) >= 3
    assert all(gap >= floor - 0.005 for gap, floor in zip(gaps, floors, strict=False)), gaps


async def test_a_commit_that_queues_work_for_a_poller_wakes_it_at_once(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = [0]

    async def idle(_context: PollContext) -> int:
        asked[0] += 1
        return 0

    async def asked_twice() -> bool:
        return asked[0] == 2

    monkeypatch.setattr(pollers, "_pollers", {})
    pollers.poller("probe.idle", every=60.0, longest=60.0)(idle)
    worker = Worker(database, OPTIONS)
    task = asyncio.create_task(worker.run())
    try:
        await eventually(lambda: _asked_once(asked), within=10)
        async with database.transaction() as session:
            pollers.wake(session, "probe.idle")
            await session.execute(select(1))
        # Asked again within seconds, not after its minute.
        await eventually(asked_twice, within=10)
        # A transaction that rolls back wakes nobody.
        with contextlib.suppress(RuntimeError):
            async with database.transaction() as session:
                pollers.wake(session, "probe.idle")
                raise RuntimeError("rolled back")
        await asyncio.sleep(0.3)
    finally:
        worker.stop()
        await asyncio.wait_for(task, timeout=10)
    assert asked == [2]


async def _asked_once(asked: list[int]) -> bool:
    return asked[0] == 1


async def test_an_idle_worker_writes_nothing_but_its_heartbeat(
    app: FastAPI, database: Database, settings: Settings
) -> None:
    """Every poller the app registers, and the outbox: an idle pass is a read, and on SQLite a
    write transaction would queue in the writers' turn every request's writes wait for."""
    written: list[str] = []

    def count(_conn: object, _cursor: object, sql: str, *_args: object) -> None:
        verb = sql.lstrip().split(None, 1)[0].upper()
        if verb in {"INSERT", "UPDATE", "DELETE"} and "worker_heartbeats" not in sql:
            written.append(sql)

    worker = Worker(database, OPTIONS, settings=settings)
    task = asyncio.create_task(worker.run())
    try:
        await asyncio.sleep(0.5)  # the first round asks every poller once
        event.listen(database.engine.sync_engine, "before_cursor_execute", count)
        try:
            await asyncio.sleep(1.5)  # the outbox asked some 150 times, each poller some times
        finally:
            event.remove(database.engine.sync_engine, "before_cursor_execute", count)
    finally:
        worker.stop()
        await asyncio.wait_for(task, timeout=10)
    # The app's domains registered theirs.
    assert {p.name for p in pollers.registered()} >= {"messaging.send", "webhooks.deliver"}
    assert written == []


async def workers_seen(client: httpx.AsyncClient) -> list[str]:
    answer = await client.get("/health/workers")
    return [w["worker_id"] for w in answer.json()["workers"]]


async def test_only_the_process_holding_the_lock_runs_its_worker_until_it_stops(
    client: httpx.AsyncClient,
    database: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(worker_lock, "RETRY_SECONDS", 0.05)
    # Two processes' workers, as `maitred serve --workers 2` on one SQLite file starts them (two
    # opens of the file lock conflict within one process as between two).
    lock = tmp_path / "maitred.db.worker-lock"
    first = Worker(database, WorkerOptions(poll_seconds=0.05, lock_path=lock))
    second = Worker(database, WorkerOptions(poll_seconds=0.05, lock_path=lock))
    first_task = asyncio.create_task(first.run())
    await eventually(lambda: _seen(client, [first.worker_id]), within=10)
    second_task = asyncio.create_task(second.run())
    try:
        await asyncio.sleep(0.3)  # the second keeps trying the lock meanwhile
        assert await workers_seen(client) == [first.worker_id]

        first.stop()
        await asyncio.wait_for(first_task, timeout=10)
        await eventually(lambda: _seen(client, [second.worker_id]), within=10)
    finally:
        first.stop()
        second.stop()
        await asyncio.wait_for(asyncio.gather(first_task, second_task), timeout=10)


async def _seen(client: httpx.AsyncClient, expected: list[str]) -> bool:
    return await workers_seen(client) == expected


@pytest.fixture
def subscribe() -> Iterator[Subscriptions]:
    yield from subscriptions()


async def test_a_running_workers_batch_ends_after_its_time_when_a_request_waits_to_write(
    database: Database, subscribe: Subscriptions
) -> None:
    """On SQLite a batch holds the process's write turn, which requests wait for: once its time
    is up and one waits, the batch hands back the rest (PostgreSQL: once its time is up)."""
    writes: list[asyncio.Task[None]] = []

    async def a_request_writes() -> None:
        async with database.transaction() as session:
            session.add(Organization(name="a request's write", slug="a-requests-write"))

    def request_arrives() -> None:
        if not writes:
            writes.append(asyncio.create_task(a_request_writes()))

    recorder = subscribe.add("probe.created", "crm.sync", seconds=0.03, on_call=request_arrives)
    event_ids = [await emit_committed(database, "probe.created", n=n) for n in range(10)]
    worker = Worker(database, WorkerOptions(batch_size=10, batch_seconds=0.05))

    assert await worker.run_once(on_schedule=True) == 10

    handled = len(recorder.calls)
    assert 1 <= handled < 10
    await writes[0]
    async with database.transaction() as session:
        assert await session.scalar(
            select(Organization.id).where(Organization.slug == "a-requests-write")
        )
    rest = [d for d in await all_deliveries(database) if d.status == DeliveryStatus.pending]
    assert len(rest) == 10 - handled
    # Handed back as if never claimed: not locked, the attempt not counted.
    assert {(d.locked_by, d.attempts) for d in rest} == {(None, 0)}

    while await worker.run_once(on_schedule=True):
        pass
    assert Counter(recorder.event_ids()) == dict.fromkeys(event_ids, 1)
    assert {d.attempts for d in await all_deliveries(database)} == {1}


@pytest.mark.parametrize("in_sight", [True, False])
async def test_a_running_workers_batch_runs_on_while_no_writer_of_its_process_waits(
    database: Database, subscribe: Subscriptions, in_sight: bool
) -> None:
    """SQLite, the embedded worker: no request waits, so nothing is handed back to be claimed
    again. A worker that cannot see every writer (its own process), or PostgreSQL: bounded."""
    recorder = subscribe.add("probe.created", "crm.sync", seconds=0.03)
    for n in range(10):
        await emit_committed(database, "probe.created", n=n)
    options = WorkerOptions(batch_size=10, batch_seconds=0.05, writers_in_sight=in_sight)
    worker = Worker(database, options)

    assert await worker.run_once(on_schedule=True) == 10

    if database.is_sqlite and in_sight:
        assert len(recorder.calls) == 10
    else:
        assert 1 <= len(recorder.calls) < 10
