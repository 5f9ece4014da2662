"""One claimed batch of outbox deliveries, run in ONE transaction (kit/worker.py's docstring
says why): the leased rows read and locked in one statement, the handlers run (set-based ones
once for all the batch's events they take), the `done` marks in one UPDATE, failures noted with
their backoff; and the one-at-a-time fallback when the batch's transaction itself fails. Split
from kit/worker.py, which keeps the loop and the pollers (the claim: kit/worker_claim.py)."""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit.clock import utcnow
from maitred.kit.outbox import (
    DeliveryStatus,
    Event,
    OutboxDelivery,
    OutboxEvent,
    handler_for,
    many_for,
)
from maitred.kit.outbox import sharing as outbox_sharing

if TYPE_CHECKING:
    from maitred.kit.worker import Worker

log = logging.getLogger("maitred.worker")
# A delivery with what its handler is called with.
_DELIVERY_ROW = select(
    OutboxDelivery.id,
    OutboxDelivery.handler,
    OutboxDelivery.attempts,
    OutboxEvent.id.label("event_id"),
    OutboxEvent.name,
    OutboxEvent.organization_id,
    OutboxEvent.payload,
    OutboxEvent.created_at,
).join(OutboxEvent, OutboxEvent.id == OutboxDelivery.event_id)
# The deliveries of a batch still leased to this worker, with their events, locked until the
# batch commits (PostgreSQL: another worker's claim skips them even once the lease runs out).
_LEASED = _DELIVERY_ROW.where(
    OutboxDelivery.locked_by == bindparam("worker"),
    OutboxDelivery.status == DeliveryStatus.pending,
).with_for_update(of=OutboxDelivery)
_MARK_DONE = (
    update(OutboxDelivery)
    .where(
        OutboxDelivery.locked_by == bindparam("worker"),
        OutboxDelivery.status == DeliveryStatus.pending,
    )
    .values(status=DeliveryStatus.done, completed_at=bindparam("now"), last_error=None)
    .execution_options(synchronize_session=False)
)


async def deliver(worker: Worker, delivery_id: uuid.UUID) -> bool:
    """Runs one delivery; True when its handler succeeded (or it was no longer ours)."""
    try:
        async with worker.database.transaction() as session:
            done = await session.execute(
                update(OutboxDelivery)
                .where(
                    OutboxDelivery.id == delivery_id,
                    OutboxDelivery.locked_by == worker.worker_id,
                    OutboxDelivery.status == DeliveryStatus.pending,
                )
                .values(status=DeliveryStatus.done, completed_at=utcnow(), last_error=None)
                .execution_options(synchronize_session=False)
            )
            if done.rowcount == 0:  # type: ignore[attr-defined]
                return True  # lease lost to another worker, who will handle it
            row = (
                await session.execute(_DELIVERY_ROW.where(OutboxDelivery.id == delivery_id))
            ).one()
            await _run_handler(session, row)
    except Exception as exc:
        log.warning("delivery %s failed: %s", delivery_id, exc, exc_info=True)
        await _record_failure(worker, delivery_id, exc)
        worker.failed += 1
        return False
    worker.processed += 1
    return True


class _HandlerFailed(Exception):
    """A handler failed in a batch run without savepoints: the batch runs again with them.
    `delivery_id` is None when a set-based handler failed: which of its events made it fail is
    not known, so the careful run calls it again for each of them alone."""

    def __init__(self, delivery_id: uuid.UUID | None, error: Exception) -> None:
        super().__init__(delivery_id)
        self.delivery_id = delivery_id
        self.error = error


async def deliver_batch(worker: Worker, ids: list[uuid.UUID], *, bounded: bool = False) -> None:
    """Runs the claimed deliveries in one transaction (module docstring); `bounded` (the
    running worker): for about `batch_seconds` at most while a writer may wait for it
    (`Worker.writers_may_wait`), to its end otherwise.

    First without a savepoint per handler (two statements each, most of what a delivery that
    writes nothing costs), handler after handler in name order, a set-based handler
    (`outbox.register_many`) called once with all the batch's events it takes: one statement
    per shape for all of them. Should a handler fail, that transaction is rolled back and the
    batch runs again with a savepoint each, one delivery at a time: the handlers before it run
    again (idempotent: their writes were rolled back), the failing one is not (its failure is
    noted as it was, so an attempt is still one call), unless it was set-based: then each of
    its events is tried again alone, and only the one that fails is noted. Should the
    transaction itself fail (not a handler: the database), each delivery is run alone, in its
    own transaction, as `deliver` does."""
    try:
        try:
            done, failures = await _run_batch(worker, ids, bounded=bounded, careful=False)
        except _HandlerFailed as failed:
            log.warning(
                "delivery %s failed: %s", failed.delivery_id, failed.error, exc_info=failed.error
            )
            done, failures = await _run_batch(
                worker, ids, bounded=bounded, careful=True, failed=failed
            )
    except Exception:
        log.warning("a batch of %d deliveries failed; each runs alone", len(ids), exc_info=True)
        for index, delivery_id in enumerate(ids):
            if worker.stopping:
                await release(worker, ids[index:])
                break
            await deliver(worker, delivery_id)
        return
    worker.processed += len(done)
    worker.failed += len(failures)


async def _run_batch(
    worker: Worker,
    ids: list[uuid.UUID],
    *,
    bounded: bool,
    careful: bool,
    failed: _HandlerFailed | None = None,
) -> tuple[list[uuid.UUID], list[tuple[uuid.UUID, Exception]]]:
    """The batch's transaction: which deliveries are done, and which failed (careful only;
    otherwise a failure raises `_HandlerFailed` and nothing is kept)."""
    done: list[uuid.UUID] = []
    failures: list[tuple[uuid.UUID, Exception]] = []
    async with worker.database.transaction() as session:
        mine = {
            row.id: row
            for row in (
                await session.execute(
                    _LEASED.where(OutboxDelivery.id.in_(ids)),
                    {"worker": worker.worker_id},
                )
            ).all()
        }
        # Handlers sharing what they all read: an event's, and the batch's.
        memos: dict[uuid.UUID, dict[Any, Any]] = {}
        batch_memo: dict[Any, Any] = {}
        steps = _one_by_one(ids, mine) if careful else _by_handler(ids, mine)
        loop = asyncio.get_running_loop()
        ends = loop.time() + worker.options.batch_seconds
        for index, step in enumerate(steps):
            # Asked to stop, or the batch has held its transaction long enough and a writer
            # may wait for it (on SQLite every writer of the process waits for it): the rest
            # go back.
            if worker.stopping or (
                bounded and index and loop.time() > ends and worker.writers_may_wait()
            ):
                rest = [delivery_id for later in steps[index:] for delivery_id in later]
                if failed is not None and failed.delivery_id in rest:  # it ran: noted, not back
                    rest.remove(failed.delivery_id)
                    failures.append((failed.delivery_id, failed.error))
                await hand_back(worker, session, rest)
                break
            rows = [mine[delivery_id] for delivery_id in step if delivery_id in mine]
            if not rows:
                continue  # lease lost to another worker, who will handle it
            if careful:
                row = rows[0]
                if failed is not None and row.id == failed.delivery_id:
                    failures.append((row.id, failed.error))
                    continue
                with outbox_sharing(memos.setdefault(row.event_id, {}), batch_memo, memos):
                    try:
                        async with session.begin_nested():
                            await _run_handler(session, row)
                    except Exception as exc:
                        log.warning("delivery %s failed: %s", row.id, exc, exc_info=True)
                        failures.append((row.id, exc))
                        continue
            else:
                many = many_for(rows[0].name, rows[0].handler)
                # A set-based handler reaches each event's memo through `outbox.handling`.
                memo = {} if many is not None else memos.setdefault(rows[0].event_id, {})
                with outbox_sharing(memo, batch_memo, memos):
                    try:
                        if many is not None:
                            await many(session, [_event(row) for row in rows])
                        else:
                            await _run_handler(session, rows[0])
                        await session.flush()  # its writes' failures are its own
                    except Exception as exc:
                        raise _HandlerFailed(rows[0].id if len(step) == 1 else None, exc) from exc
            done.extend(row.id for row in rows)
            await asyncio.sleep(0)  # the turn is held: let requests do their reads
        if done:
            await session.execute(
                _MARK_DONE.where(OutboxDelivery.id.in_(done)),
                {"worker": worker.worker_id, "now": utcnow()},
            )
        for delivery_id, error in failures:
            await _note_failure(worker, session, delivery_id, error)
    return done, failures


async def _run_handler(session: AsyncSession, row: Any) -> None:
    handler = handler_for(row.name, row.handler)
    if handler is None:
        raise LookupError(f"no handler {row.handler!r} for {row.name!r}")
    await handler(session, _event(row))


def _event(row: Any) -> Event:
    """What the handler of a `_DELIVERY_ROW` is called with."""
    return Event(
        id=row.event_id,
        name=row.name,
        organization_id=row.organization_id,
        payload=row.payload,
        created_at=row.created_at,
        attempt=row.attempts,
    )


async def _record_failure(worker: Worker, delivery_id: uuid.UUID, exc: Exception) -> None:
    async with worker.database.transaction() as session:
        await _note_failure(worker, session, delivery_id, exc)


async def _note_failure(
    worker: Worker, session: AsyncSession, delivery_id: uuid.UUID, exc: Exception
) -> None:
    """The delivery back to pending with its error and a backoff, or dead."""
    # Locked: another worker must not claim it (lease just expired) between read and write.
    delivery = await session.get(OutboxDelivery, delivery_id, with_for_update=True)
    if (
        delivery is None
        or delivery.locked_by != worker.worker_id
        or delivery.status != DeliveryStatus.pending
    ):
        return
    delivery.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    delivery.locked_by = None
    delivery.locked_until = None
    if delivery.attempts >= worker.options.max_attempts:
        delivery.status = DeliveryStatus.dead
        log.error("delivery %s is dead after %d attempts", delivery_id, delivery.attempts)
    else:
        delivery.next_attempt_at = utcnow() + worker.backoff(delivery.attempts)


async def release(worker: Worker, ids: list[uuid.UUID]) -> None:
    """Hands back unstarted leases so another worker need not wait for them to expire."""
    async with worker.database.transaction() as session:
        await hand_back(worker, session, ids)


async def hand_back(worker: Worker, session: AsyncSession, ids: list[uuid.UUID]) -> None:
    await session.execute(
        update(OutboxDelivery)
        .where(
            OutboxDelivery.id.in_(ids),
            OutboxDelivery.locked_by == worker.worker_id,
            OutboxDelivery.status == DeliveryStatus.pending,
        )
        .values(locked_by=None, locked_until=None, attempts=OutboxDelivery.attempts - 1)
        .execution_options(synchronize_session=False)
    )


def _by_event(ids: list[uuid.UUID], rows: dict[uuid.UUID, Any]) -> list[uuid.UUID]:
    """`ids` with the deliveries of each event together, in the order the events first come."""
    first: dict[Any, int] = {}
    for index, delivery_id in enumerate(ids):
        row = rows.get(delivery_id)
        first.setdefault(row.event_id if row is not None else delivery_id, index)

    def place(delivery_id: uuid.UUID) -> int:
        row = rows.get(delivery_id)
        return first[row.event_id if row is not None else delivery_id]

    return sorted(ids, key=place)


def _one_by_one(ids: list[uuid.UUID], rows: dict[uuid.UUID, Any]) -> list[list[uuid.UUID]]:
    """The careful run's steps: one delivery each, an event's handlers together."""
    return [[delivery_id] for delivery_id in _by_event(ids, rows)]


def _by_handler(ids: list[uuid.UUID], rows: dict[uuid.UUID, Any]) -> list[list[uuid.UUID]]:
    """The first run's steps: handler after handler in name order (so each event's handlers
    still run in name order, as in the careful run), the deliveries of a set-based handler
    in one step, in the order their events first come; any other delivery a step alone."""
    ordered = _by_event(ids, rows)
    position = {delivery_id: index for index, delivery_id in enumerate(ordered)}
    ordered.sort(key=lambda d: (rows[d].handler if d in rows else "", position[d]))
    steps: list[list[uuid.UUID]] = []
    together: dict[Any, list[uuid.UUID]] = {}
    for delivery_id in ordered:
        row = rows.get(delivery_id)
        many = many_for(row.name, row.handler) if row is not None else None
        if row is None or many is None:
            steps.append([delivery_id])
            continue
        key = (row.handler, id(many))  # one function may serve several events (webhooks)
        if key not in together:
            together[key] = []
            steps.append(together[key])
        together[key].append(delivery_id)
    return steps
