"""The keyed request in flight, and its key marked carried out inside its first commit.

The middleware (kit/idempotency.py) records the answer after the request's commit; a process
that dies in between must leave a key that is never taken over, so `mark_carried_out`, a
kit/db.py BEFORE_COMMIT hook, marks it in the same transaction as the work. Apart from the
middleware because it runs inside every commit of the request, from kit/db.py, not around it.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, false, update
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit.auditnote import current_note
from maitred.kit.db import BEFORE_COMMIT
from maitred.kit.idempotency_records import CARRIED_OUT, IdempotencyRecord


@dataclass(frozen=True)
class Lease:
    """The right to run the request: ours while the record's `locked_until` is still this."""

    locked_until: datetime


@dataclass
class InFlight:
    """The keyed request this task runs: marked once its work commits; answered once its
    response has started (later transactions are not its work)."""

    caller: str
    key: str
    lease: Lease
    marked: bool = False
    answered: bool = False


IN_FLIGHT: ContextVar[InFlight | None] = ContextVar("idempotency_in_flight", default=None)
_MARK = (
    update(IdempotencyRecord)
    .where(
        IdempotencyRecord.scope == bindparam("b_caller"),
        IdempotencyRecord.key == bindparam("b_key"),
        IdempotencyRecord.completed == false(),
        IdempotencyRecord.locked_until == bindparam("b_lease"),
    )
    .values(response_status=CARRIED_OUT)
    .execution_options(synchronize_session=False)
)


async def mark_carried_out(session: AsyncSession) -> None:
    """Before the first commit of a keyed request's work: its key is marked in the same
    transaction, so the mark and the work are durable together or not at all."""
    in_flight = IN_FLIGHT.get()
    if in_flight is None or in_flight.marked or in_flight.answered:
        return
    # Only while the audited app runs: the audit row's own transaction, written once the app
    # has returned (before a 500 is answered, too), is not the request's work.
    if current_note() is None or not session.in_transaction():
        return
    in_flight.marked = True
    await session.execute(
        _MARK,
        {
            "b_caller": in_flight.caller,
            "b_key": in_flight.key,
            "b_lease": in_flight.lease.locked_until,
        },
    )


BEFORE_COMMIT.append(mark_carried_out)
