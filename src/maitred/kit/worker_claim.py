"""The worker's claim (kit/worker.py's docstring says how it works): a read that asks whether
anything is due, then one statement that leases a batch of due deliveries to this worker, after
writing the deliveries of events left to fan out; deliveries claimed past `max_attempts` are
buried. Apart from kit/worker.py, which keeps the loop and the pollers, as kit/worker_batch.py
keeps what runs the claimed batch; the statements are built once, at import.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, exists, literal_column, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit.clock import utcnow
from maitred.kit.outbox import DeliveryStatus, OutboxDelivery, OutboxEvent, fan_out
from maitred.kit.reads import ReadQuery

if TYPE_CHECKING:
    from maitred.kit.worker import Worker

log = logging.getLogger("maitred.worker")

# Is there anything for `claim` to take? Index seeks only (ix_outbox_deliveries_due,
# ix_outbox_events_fan_out): the same conditions as the claim's and `fan_out`'s.
_ANYTHING_DUE = ReadQuery(
    select(literal_column("1").label("due")).where(
        or_(
            exists().where(
                OutboxDelivery.status == bindparam("pending"),
                OutboxDelivery.next_attempt_at <= bindparam("now"),
                or_(
                    OutboxDelivery.locked_until.is_(None),
                    OutboxDelivery.locked_until < bindparam("now"),
                ),
            ),
            exists().where(OutboxEvent.fanned_out == bindparam("unfanned")),
        )
    )
)


# A batch of due deliveries leased to one worker, oldest due first (built once: the running
# worker claims many times a second).
_DUE = (
    select(OutboxDelivery.id)
    .where(
        OutboxDelivery.status == DeliveryStatus.pending,
        OutboxDelivery.next_attempt_at <= bindparam("now"),
        or_(
            OutboxDelivery.locked_until.is_(None),
            OutboxDelivery.locked_until < bindparam("now"),
        ),
    )
    .order_by(OutboxDelivery.next_attempt_at)
    .limit(bindparam("batch"))
    .with_for_update(skip_locked=True)
)
_CLAIM = (
    update(OutboxDelivery)
    .where(OutboxDelivery.id.in_(_DUE.scalar_subquery()))
    .values(
        locked_by=bindparam("worker"),
        locked_until=bindparam("until"),
        attempts=OutboxDelivery.attempts + 1,
    )
    .returning(
        OutboxDelivery.id,
        OutboxDelivery.attempts,
        OutboxDelivery.next_attempt_at,
        OutboxDelivery.handler,
    )
    .execution_options(synchronize_session=False)
)


async def claim(worker: Worker) -> list[uuid.UUID]:
    now = utcnow()
    # Idle, this runs twice a second: one read (inline on SQLite) instead of a write
    # transaction in the writers' queue, when nothing is there to claim. Busy (the last
    # claim took something), straight to the claim.
    if not worker.claimed_last and not await worker.database.reads.one(
        _ANYTHING_DUE, now=now, pending=DeliveryStatus.pending, unfanned=False
    ):
        return []
    async with worker.database.transaction() as session:
        # Events a request left for the worker to fan out get their deliveries first, in the
        # same transaction, so this very claim can take them.
        await fan_out(session, worker.options.fan_out_batch)
        # RETURNING follows no ORDER BY (PostgreSQL): sort so the oldest due goes first, and
        # an event's handlers by name on both databases (the order they run in a batch).
        leased = {
            "now": now,
            "worker": worker.worker_id,
            "until": now + timedelta(seconds=worker.options.lease_seconds),
            "batch": worker.options.batch_size,
        }
        claimed = sorted(
            (await session.execute(_CLAIM, leased)).all(),
            key=lambda r: (r.next_attempt_at, r.handler),
        )
        exhausted = [r.id for r in claimed if r.attempts > worker.options.max_attempts]
        if exhausted:
            await _bury_abandoned(worker, session, exhausted)
    worker.claimed_last = bool(claimed)
    return [r.id for r in claimed if r.attempts <= worker.options.max_attempts]


async def _bury_abandoned(worker: Worker, session: AsyncSession, ids: list[uuid.UUID]) -> None:
    """Claimed past `max_attempts`: earlier attempts ended without an outcome (a crash)."""
    await session.execute(
        update(OutboxDelivery)
        .where(OutboxDelivery.id.in_(ids))
        .values(
            status=DeliveryStatus.dead,
            attempts=OutboxDelivery.attempts - 1,
            locked_by=None,
            locked_until=None,
            last_error=f"gave up after {worker.options.max_attempts} attempts; the last ended "
            "without an outcome (its worker died or outlived its lease)",
        )
        .execution_options(synchronize_session=False)
    )
    log.error("deliveries %s are dead: their workers kept dying", ids)
