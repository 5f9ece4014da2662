"""Claiming due rows of a work table (messages to send, webhooks to deliver) with a lease.

The table has `status`, `attempts`, `next_attempt_at`, `locked_by` and `locked_until`. One
statement claims a batch (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so several workers share the
work; SQLite has one writer anyway), moves it to the in-progress status and counts the attempt.
A row whose worker died keeps its in-progress status with a lapsed lease, and is claimed again.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, bindparam, exists, literal_column, or_, select, update

from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from maitred.kit.reads import ReadQuery


async def claim_due(
    database: Database,
    model: Any,
    *,
    worker_id: str,
    waiting: str,
    working: str,
    batch: int = 20,
    lease_seconds: float = 60.0,
) -> list[uuid.UUID]:
    """Ids claimed, oldest due first: rows `waiting` and due, or `working` with a lapsed lease.
    When a read finds none, no write transaction is begun: that is an idle poller's whole pass
    (on SQLite a read runs inline, outside the writers' queue)."""
    now = utcnow()
    anything = _anything_due(model)
    if await database.reads.one(anything, now=now, waiting=waiting, working=working) is None:
        return []
    due = (
        select(model.id)
        .where(
            or_(
                and_(model.status == waiting, model.next_attempt_at <= now),
                and_(model.status == working, model.locked_until < now),
            )
        )
        .order_by(model.next_attempt_at)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )
    claim = (
        update(model)
        .where(model.id.in_(due.scalar_subquery()))
        .values(
            status=working,
            locked_by=worker_id,
            locked_until=now + timedelta(seconds=lease_seconds),
            attempts=model.attempts + 1,
        )
        .returning(model.id, model.next_attempt_at)
        .execution_options(synchronize_session=False)
    )
    async with database.transaction() as session:
        rows: Sequence[Any] = (await session.execute(claim)).all()
    return [row.id for row in sorted(rows, key=lambda row: row.next_attempt_at)]


_ANYTHING_DUE: dict[Any, ReadQuery] = {}


def _anything_due(model: Any) -> ReadQuery:
    """Is any row of `model` due? Two index seeks on its (status, next_attempt_at) index."""
    query = _ANYTHING_DUE.get(model)
    if query is None:
        now: Any = bindparam("now")
        waiting = model.status == bindparam("waiting")
        working = model.status == bindparam("working")
        query = _ANYTHING_DUE[model] = ReadQuery(
            select(literal_column("1").label("due")).where(
                or_(
                    exists().where(waiting, model.next_attempt_at <= now),
                    exists().where(working, model.locked_until < now),
                )
            )
        )
    return query


def backoff(attempts: int, *, base_seconds: float, max_seconds: float) -> timedelta:
    """Exponential: base, 2×base, 4×base, … capped."""
    return timedelta(seconds=min(base_seconds * 2 ** max(attempts - 1, 0), max_seconds))


async def renew_lease(
    database: Database, model: Any, row_id: uuid.UUID, *, worker_id: str, lease_seconds: float
) -> bool:
    """Starts the lease of one claimed row afresh, for work done one row after another: the
    last row of a batch must not be taken over while the ones before it were slow. False when
    the row is no longer this worker's."""
    renew = (
        update(model)
        .where(model.id == row_id, model.locked_by == worker_id)
        .values(locked_until=utcnow() + timedelta(seconds=lease_seconds))
        .execution_options(synchronize_session=False)
    )
    async with database.transaction() as session:
        renewed = await session.execute(renew)
    return bool(getattr(renewed, "rowcount", 0))
