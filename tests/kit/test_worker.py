"""The worker: delivery after commit, retries with backoff, dead letters, leases and restarts."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path
from typing import IO

import pytest
from sqlalchemy import event, select

from maitred.config import Settings
from maitred.kit import outbox
from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from maitred.kit.idempotency_records import IdempotencyRecord
from maitred.kit.outbox import DeliveryStatus, Event, OutboxDelivery
from maitred.kit.worker import Worker, WorkerOptions
from maitred.kit.worker_health import WorkerHeartbeat, outbox_backlog
from tests.kit.outbox_probe import (
    PROJECT_ROOT,
    SLOW_EVENT,
    SLOW_HANDLER,
    Recorder,
    Subscriptions,
    all_deliveries,
    count_deliveries,
    deliveries_by_handler,
    emit_committed,
    eventually,
    organization_slugs,
    record_slowly,
    subscriptions,
)

FAST = WorkerOptions(batch_size=20, poll_seconds=0.05, lease_seconds=30, backoff_seconds=0.01)


@pytest.fixture
def subscribe() -> Iterator[Subscriptions]:
    yield from subscriptions()


async def _called(recorder: Recorder, times: int) -> bool:
    return len(recorder.calls) >= times


def fast(**changes: float) -> WorkerOptions:
    return dataclasses.replace(FAST, **changes)


async def test_worker_delivers_a_committed_event_and_the_handlers_writes_commit_with_done(
    database: Database, subscribe: Subscriptions
) -> None:
    recorder = subscribe.add("probe.created", "crm.sync", writes_organization=True)
    event_id = await emit_committed(database, "probe.created", booking_id="B-1")
    worker = Worker(database, FAST)
    before = utcnow()

    assert await worker.run_once() == 1

    [call] = recorder.calls
    assert call.event == Event(
        id=event_id,
        name="probe.created",
        organization_id=None,
        payload={"booking_id": "B-1"},
        created_at=call.event.created_at,
        attempt=1,
    )
    assert await organization_slugs(database) == [str(event_id)]
    delivery = (await deliveries_by_handler(database, event_id))["crm.sync"]
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("done", 1, None)
    assert delivery.completed_at is not None
    assert before <= delivery.completed_at <= utcnow()
    assert (worker.processed, worker.failed) == (1, 0)


async def test_failing_handler_keeps_none_of_its_writes_and_its_delivery_pending(
    database: Database, subscribe: Subscriptions
) -> None:
    recorder = subscribe.add("probe.created", "crm.sync", failures=1, writes_organization=True)
    event_id = await emit_committed(database, "probe.created", booking_id="B-1")
    worker = Worker(database, FAST)

    assert await worker.run_once() == 1

    assert len(recorder.calls) == 1
    assert await organization_slugs(database) == []
    delivery = (await deliveries_by_handler(database, event_id))["crm.sync"]
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert delivery.last_error == "RuntimeError: failure 1"
    assert (delivery.locked_by, delivery.locked_until, delivery.completed_at) == (None, None, None)
    assert (worker.processed, worker.failed) == (0, 1)


async def test_failing_handler_is_retried_with_exponential_backoff_until_it_succeeds(
    database: Database, subscribe: Subscriptions
) -> None:
    backoff = 0.2
    recorder = subscribe.add("probe.created", "crm.sync", failures=2, writes_organization=True)
    event_id = await emit_committed(database, "probe.created", booking_id="B-1")
    worker = Worker(database, fast(backoff_seconds=backoff, lease_seconds=0.3, max_attempts=5))

    async def delivery() -> OutboxDelivery:
        return (await deliveries_by_handler(database, event_id))["crm.sync"]

    await eventually(lambda: _called(recorder, 1), step=worker.run_once)
    first, first_failed_by = await delivery(), utcnow()
    await eventually(lambda: _called(recorder, 2), step=worker.run_once)
    second, second_failed_by = await delivery(), utcnow()
    await eventually(lambda: _called(recorder, 3), step=worker.run_once)
    third = await delivery()

    calls = recorder.calls
    assert [call.event.attempt for call in calls] == [1, 2, 3]
    assert (first.status, first.attempts) == ("pending", 1)
    assert first.last_error == "RuntimeError: failure 1"
    assert (second.status, second.attempts) == ("pending", 2)
    assert second.last_error == "RuntimeError: failure 2"
    one, two = timedelta(seconds=backoff), timedelta(seconds=2 * backoff)
    assert calls[0].at + one <= first.next_attempt_at <= first_failed_by + one
    assert calls[1].at + two <= second.next_attempt_at <= second_failed_by + two
    assert calls[1].at >= first.next_attempt_at
    assert calls[2].at >= second.next_attempt_at
    assert (third.status, third.attempts, third.last_error) == ("done", 3, None)
    assert await organization_slugs(database) == [str(event_id)]

    await asyncio.sleep(0.35)  # past the lease of the last claim: nothing may look claimable
    assert await worker.run_once() == 0
    assert len(recorder.calls) == 3


def test_backoff_doubles_from_the_base_up_to_the_cap(database: Database) -> None:
    worker = Worker(database, WorkerOptions(backoff_seconds=2, max_backoff_seconds=20))

    assert [worker.backoff(n).total_seconds() for n in range(1, 6)] == [2, 4, 8, 16, 20]


async def test_delivery_is_dead_after_max_attempts_and_never_tried_again(
    database: Database, subscribe: Subscriptions
) -> None:
    recorder = subscribe.add("probe.created", "crm.sync", failures=100)
    event_id = await emit_committed(database, "probe.created", booking_id="B-1")
    worker = Worker(database, fast(max_attempts=3, max_backoff_seconds=0.05))

    async def dead() -> bool:
        return await count_deliveries(database, DeliveryStatus.dead) == 1

    await eventually(dead, step=worker.run_once)

    delivery = (await deliveries_by_handler(database, event_id))["crm.sync"]
    assert (delivery.attempts, delivery.last_error) == (3, "RuntimeError: failure 3")
    assert (delivery.locked_by, delivery.completed_at) == (None, None)
    assert len(recorder.calls) == 3
    await asyncio.sleep(0.1)  # twice the longest backoff
    assert await worker.run_once() == 0
    assert len(recorder.calls) == 3
    assert await outbox_backlog(database) == {"due": 0, "dead": 1}


async def test_one_failing_handler_neither_blocks_nor_repeats_another_on_the_same_event(
    database: Database, subscribe: Subscriptions
) -> None:
    failing = subscribe.add("probe.created", "a.failing", failures=100)
    recording = subscribe.add("probe.created", "b.recording", writes_organization=True)
    event_id = await emit_committed(database, "probe.created", booking_id="B-1")
    worker = Worker(database, fast(max_attempts=3))

    assert await worker.run_once() == 2

    first = await deliveries_by_handler(database, event_id)
    assert (first["b.recording"].status, first["a.failing"].status) == ("done", "pending")

    async def dead() -> bool:
        return await count_deliveries(database, DeliveryStatus.dead) == 1

    await eventually(dead, step=worker.run_once)
    final = await deliveries_by_handler(database, event_id)
    assert (final["a.failing"].status, final["a.failing"].attempts) == ("dead", 3)
    assert (final["b.recording"].status, final["b.recording"].attempts) == ("done", 1)
    # An event's handlers run by name: "a.failing" fails before "b.recording" runs, so the
    # batch that reruns with savepoints (kit/worker_batch.py) does not repeat it either.
    assert (len(failing.calls), len(recording.calls)) == (3, 1)
    assert await organization_slugs(database) == [str(event_id)]


async def test_a_handler_that_ran_before_a_failing_one_is_run_again_and_kept_once(
    database: Database, subscribe: Subscriptions
) -> None:
    """A batch runs its handlers without savepoints; one fails, so the batch runs again with a
    savepoint each: the handler before it runs again (its first writes were rolled back) and
    its writes are kept once; the failing one is not called a second time for that attempt."""
    recording = subscribe.add("probe.created", "a.recording", writes_organization=True)
    failing = subscribe.add("probe.created", "b.failing", failures=100)
    event_id = await emit_committed(database, "probe.created", booking_id="B-1")
    worker = Worker(database, FAST)

    assert await worker.run_once() == 2

    found = await deliveries_by_handler(database, event_id)
    assert (found["a.recording"].status, found["a.recording"].attempts) == ("done", 1)
    assert (found["b.failing"].status, found["b.failing"].attempts) == ("pending", 1)
    assert found["b.failing"].last_error == "RuntimeError: failure 1"
    assert (len(recording.calls), len(failing.calls)) == (2, 1)
    assert await organization_slugs(database) == [str(event_id)]
    assert (worker.processed, worker.failed) == (1, 1)


async def test_a_claimed_batch_runs_in_one_transaction_with_a_savepoint_per_delivery(
    database: Database, subscribe: Subscriptions
) -> None:
    """The worker takes one write transaction for a batch (on SQLite, one turn among the
    process's writers, instead of one a delivery): the handlers that succeed commit with their
    `done` marks; the one that fails loses only its own savepoint and waits for its retry."""
    subscribe.add("probe.created", "a.failing", failures=100)
    subscribe.add("probe.created", "b.recording", writes_organization=True)
    event_ids = [await emit_committed(database, "probe.created", n=n) for n in range(3)]
    worker = Worker(database, FAST)
    claimed = await worker.claim()
    assert len(claimed) == 6
    commits: list[object] = []

    def on_commit(connection: object) -> None:
        commits.append(connection)

    event.listen(database.engine.sync_engine, "commit", on_commit)
    try:
        await worker.deliver_batch(claimed)
    finally:
        event.remove(database.engine.sync_engine, "commit", on_commit)

    assert len(commits) == 1
    assert (worker.processed, worker.failed) == (3, 3)
    assert await organization_slugs(database) == sorted(str(e) for e in event_ids)
    for event_id in event_ids:
        found = await deliveries_by_handler(database, event_id)
        assert found["b.recording"].status == DeliveryStatus.done
        failed = found["a.failing"]
        assert (failed.status, failed.attempts, failed.locked_by) == ("pending", 1, None)
        assert (failed.last_error or "").startswith("RuntimeError: failure")


async def test_event_is_not_delivered_before_its_available_at(
    database: Database, subscribe: Subscriptions
) -> None:
    recorder = subscribe.add("probe.reminder", "notify.customer")
    available_at = utcnow() + timedelta(seconds=0.5)
    later = await emit_committed(database, "probe.reminder", available_at=available_at, n=2)
    now = await emit_committed(database, "probe.reminder", n=1)
    worker = Worker(database, FAST)

    assert await worker.run_once() == 1
    assert recorder.event_ids() == [now]
    waiting = (await deliveries_by_handler(database, later))["notify.customer"]
    assert (waiting.status, waiting.attempts, waiting.locked_by) == ("pending", 0, None)

    async def called_twice() -> bool:
        return len(recorder.calls) == 2

    await eventually(called_twice, step=worker.run_once)
    assert recorder.event_ids() == [now, later]
    assert recorder.calls[1].at >= available_at


async def test_delivery_for_a_handler_this_worker_does_not_know_ends_dead(
    database: Database, subscribe: Subscriptions
) -> None:
    subscribe.add("probe.created", "retired.handler")
    event_id = await emit_committed(database, "probe.created", booking_id="B-1")
    subscribe.clear()
    worker = Worker(database, fast(max_attempts=2))

    async def dead() -> bool:
        return await count_deliveries(database, DeliveryStatus.dead) == 1

    await eventually(dead, step=worker.run_once)
    delivery = (await deliveries_by_handler(database, event_id))["retired.handler"]
    assert delivery.attempts == 2
    assert delivery.last_error == ("LookupError: no handler 'retired.handler' for 'probe.created'")


@contextlib.asynccontextmanager
async def second_database(settings: Settings) -> AsyncIterator[Database]:
    """Another connection pool on the test database, standing for another worker process."""
    other = Database(settings.sqlalchemy_url, pool_size=2)
    try:
        yield other
    finally:
        await other.dispose()


async def test_concurrent_claims_take_disjoint_deliveries(
    database: Database, settings: Settings, subscribe: Subscriptions
) -> None:
    subscribe.add("probe.created", "crm.sync")
    async with database.transaction() as session:
        events = [await outbox.emit(session, "probe.created", n=n) for n in range(60)]

    async with second_database(settings) as other:
        workers = [Worker(db, fast(batch_size=4)) for db in (database, other) for _ in range(3)]
        claims = await asyncio.gather(*(w.claim() for w in workers for _ in range(3)))

    claimed = [delivery_id for claim in claims for delivery_id in claim]
    assert len(claimed) == len(set(claimed)) == 60
    deliveries = await all_deliveries(database)
    assert sorted(d.id for d in deliveries) == sorted(claimed)
    assert {d.event_id for d in deliveries} == {e.id for e in events}
    assert {d.attempts for d in deliveries} == {1}


async def test_expired_lease_passes_the_delivery_to_the_next_worker_and_only_it_runs_it(
    database: Database, settings: Settings, subscribe: Subscriptions
) -> None:
    recorder = subscribe.add("probe.created", "crm.sync")
    event_id = await emit_committed(database, "probe.created", booking_id="B-1")

    async with second_database(settings) as other:
        slow, fresh = Worker(database, fast(lease_seconds=0.1)), Worker(other, FAST)
        [delivery_id] = await slow.claim()
        await asyncio.sleep(0.15)
        assert await fresh.claim() == [delivery_id]
        assert await slow.deliver(delivery_id) is True  # no longer its lease: nothing runs
        assert recorder.calls == []
        assert await fresh.deliver(delivery_id) is True

    assert recorder.event_ids() == [event_id]
    delivery = (await deliveries_by_handler(database, event_id))["crm.sync"]
    assert (delivery.status, delivery.attempts, delivery.locked_by) == (
        "done",
        2,
        fresh.worker_id,
    )


async def test_delivery_whose_handler_outlives_its_lease_is_not_run_again_meanwhile(
    database: Database, settings: Settings, subscribe: Subscriptions
) -> None:
    recorder = subscribe.add("probe.created", "crm.sync", seconds=0.6, writes_organization=True)
    event_id = await emit_committed(database, "probe.created", booking_id="B-1")

    async with second_database(settings) as other:
        slow, eager = Worker(database, fast(lease_seconds=0.1)), Worker(other, FAST)
        running = asyncio.create_task(slow.run_once())
        await eventually(lambda: _called(recorder, 1))
        await asyncio.sleep(0.2)  # the lease has expired while the handler still runs
        assert await eager.run_once() == 0
        assert await running == 1

    assert recorder.event_ids() == [event_id]
    assert await organization_slugs(database) == [str(event_id)]
    delivery = (await deliveries_by_handler(database, event_id))["crm.sync"]
    assert (delivery.status, delivery.attempts) == ("done", 1)


async def test_two_running_workers_deliver_every_event_exactly_once(
    database: Database, settings: Settings, subscribe: Subscriptions
) -> None:
    recorder = subscribe.add("probe.created", "crm.sync", seconds=0.01, writes_organization=True)
    event_ids = [await emit_committed(database, "probe.created", n=n) for n in range(40)]
    # Leases shorter than a batch takes: each worker also meets deliveries the other reclaimed.
    # Every reclaim counts as an attempt, hence max_attempts high enough never to bury one here.
    options = fast(batch_size=6, lease_seconds=0.05, poll_seconds=0.02, max_attempts=1000)

    async with second_database(settings) as other:
        workers = [Worker(database, options), Worker(other, options)]
        tasks = [asyncio.create_task(worker.run()) for worker in workers]
        try:

            async def all_done() -> bool:
                return await count_deliveries(database, DeliveryStatus.done) == 40

            await eventually(all_done, within=30)
        finally:
            for worker in workers:
                worker.stop()
            await asyncio.gather(*tasks)

    assert Counter(recorder.event_ids()) == dict.fromkeys(event_ids, 1)
    assert await organization_slugs(database) == sorted(str(e) for e in event_ids)
    assert sum(worker.processed for worker in workers) == 40
    assert sum(worker.failed for worker in workers) == 0


async def test_delivery_whose_workers_keep_dying_ends_dead_without_running_again(
    database: Database, settings: Settings, subscribe: Subscriptions
) -> None:
    recorder = subscribe.add("probe.created", "crm.sync")
    event_id = await emit_committed(database, "probe.created", booking_id="B-1")
    options = fast(max_attempts=2, lease_seconds=0.05)

    for _ in range(2):  # each worker claims it and dies before delivering
        assert len(await Worker(database, options).claim()) == 1
        await asyncio.sleep(0.06)
    assert await Worker(database, options).claim() == []

    assert recorder.calls == []
    delivery = (await deliveries_by_handler(database, event_id))["crm.sync"]
    assert (delivery.status, delivery.attempts, delivery.locked_by) == ("dead", 2, None)
    assert delivery.last_error == (
        "gave up after 2 attempts; the last ended without an outcome "
        "(its worker died or outlived its lease)"
    )


async def test_stopped_worker_finishes_the_delivery_in_hand_and_hands_back_the_rest(
    database: Database, subscribe: Subscriptions
) -> None:
    worker = Worker(database, fast(lease_seconds=60))
    recorder = subscribe.add("probe.created", "crm.sync", on_call=worker.stop)
    first = await emit_committed(database, "probe.created", n=1)
    rest = [await emit_committed(database, "probe.created", n=n) for n in (2, 3)]

    await asyncio.wait_for(worker.run(), timeout=10)

    assert recorder.event_ids() == [first]
    for event_id in rest:
        delivery = (await deliveries_by_handler(database, event_id))["crm.sync"]
        assert (delivery.status, delivery.attempts) == ("pending", 0)
        assert (delivery.locked_by, delivery.locked_until) == (None, None)
    recorder.on_call = None
    assert await Worker(database, FAST).run_once() == 2
    assert recorder.event_ids() == [first, *rest]


async def test_running_worker_wakes_on_a_commit_in_its_process_and_reports_a_heartbeat(
    database: Database, subscribe: Subscriptions
) -> None:
    recorder = subscribe.add("probe.created", "crm.sync")
    # Polls once a minute: only the wake-up after commit can deliver within the test's deadline.
    worker = Worker(database, fast(poll_seconds=60))
    task = asyncio.create_task(worker.run())
    try:

        async def heartbeat_ids() -> list[str]:
            async with database.transaction(write=False) as session:
                return list(await session.scalars(select(WorkerHeartbeat.worker_id)))

        async def beating() -> bool:
            return await heartbeat_ids() == [worker.worker_id]

        await eventually(beating)
        event_id = await emit_committed(database, "probe.created", booking_id="B-1")
        await eventually(lambda: _called(recorder, 1), within=5)
    finally:
        worker.stop()
        await asyncio.wait_for(task, timeout=10)

    assert recorder.event_ids() == [event_id]
    assert await heartbeat_ids() == []


def _worker_process_env(settings: Settings) -> dict[str, str]:
    return {
        **os.environ,
        "MAITRED_DATABASE_URL": settings.database_url,
        "MAITRED_DATA_DIR": str(settings.data_dir),
        "MAITRED_OUTBOX_LEASE_SECONDS": "2",
        "MAITRED_OUTBOX_POLL_SECONDS": "0.1",
        "MAITRED_LOG_LEVEL": "WARNING",
        "PROBE_HANDLER_SECONDS": "0.1",
    }


async def _start_worker_process(settings: Settings, log: IO[bytes]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.kit.outbox_probe",
        "--batch-size",
        "10",
        # The whole batch of ten runs (1 s, within its 2 s lease), as the kill below needs.
        "--batch-seconds",
        "5",
        cwd=PROJECT_ROOT,
        env=_worker_process_env(settings),
        stdout=log,
        stderr=subprocess.STDOUT,
    )


async def test_worker_process_killed_mid_batch_loses_and_repeats_nothing(
    database: Database, settings: Settings, tmp_path: Path
) -> None:
    # Registered here only so that emit() creates the deliveries the worker processes run.
    outbox.register(SLOW_EVENT, record_slowly, name=SLOW_HANDLER)
    try:
        async with database.transaction() as session:
            events = [await outbox.emit(session, SLOW_EVENT, n=n) for n in range(30)]
    finally:
        outbox.unregister(SLOW_EVENT, SLOW_HANDLER)
    event_ids = sorted(str(event.id) for event in events)
    processes: list[asyncio.subprocess.Process] = []

    async def handled_at_least(count: int) -> bool:
        return len(await organization_slugs(database)) >= count

    async def all_done() -> bool:
        return await count_deliveries(database, DeliveryStatus.done) == 30

    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        try:
            killed = await _start_worker_process(settings, log)
            processes.append(killed)

            async def mid_batch() -> bool:
                """A batch committed, and the next one was leased in the last half second (a
                batch commits all its deliveries at once; ten handlers of 0.1 s take a second,
                and its lease is 2 s)."""
                recent = utcnow() + timedelta(seconds=1.5)
                leased = [
                    d
                    for d in await all_deliveries(database)
                    if d.status == DeliveryStatus.pending
                    and f":{killed.pid}:" in (d.locked_by or "")
                    and d.locked_until is not None
                    and d.locked_until >= recent
                ]
                return bool(leased) and await handled_at_least(3)

            await eventually(mid_batch, within=30)
            killed.send_signal(signal.SIGKILL)
            assert await killed.wait() == -signal.SIGKILL
            handled_before_kill = await organization_slugs(database)
            abandoned = {
                d.id
                for d in await all_deliveries(database)
                if d.status == DeliveryStatus.pending and f":{killed.pid}:" in (d.locked_by or "")
            }

            restarted = await _start_worker_process(settings, log)
            processes.append(restarted)
            await eventually(all_done, within=30)
            restarted.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(restarted.wait(), timeout=10) == 0
        except AssertionError as failure:
            raise AssertionError(f"{failure}\nworker output:\n{log_path.read_text()}") from None
        finally:
            for process in processes:
                if process.returncode is None:
                    process.kill()
                    await process.wait()

    assert 3 <= len(handled_before_kill) < 30
    assert abandoned, "the kill should have left leased deliveries behind"
    assert await organization_slugs(database) == event_ids
    deliveries = await all_deliveries(database)
    assert {d.status for d in deliveries} == {DeliveryStatus.done}
    assert {d.id: d.attempts for d in deliveries if d.id in abandoned} == dict.fromkeys(
        abandoned, 2
    )
    assert {d.attempts for d in deliveries if d.id not in abandoned} == {1}
    assert all(f":{restarted.pid}:" in (d.locked_by or "") for d in deliveries if d.id in abandoned)


async def test_running_worker_sweeps_expired_idempotency_keys(database: Database) -> None:
    now = utcnow()
    async with database.transaction() as session:
        for key, expires_at in (
            ("old", now - timedelta(seconds=1)),
            ("fresh", now + timedelta(hours=1)),
        ):
            session.add(
                IdempotencyRecord(
                    scope="ip:127.0.0.1",
                    key=key,
                    fingerprint="0" * 64,
                    locked_until=now,
                    expires_at=expires_at,
                )
            )
    worker = Worker(database, fast())
    task = asyncio.create_task(worker.run())
    try:

        async def keys() -> list[str]:
            async with database.transaction(write=False) as session:
                return list((await session.scalars(select(IdempotencyRecord.key))).all())

        async def only_fresh_left() -> bool:
            return await keys() == ["fresh"]

        await eventually(only_fresh_left, within=5)
    finally:
        worker.stop()
        await task
    assert await keys() == ["fresh"]
