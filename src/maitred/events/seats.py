"""Seats on an event, taken and given back with one guarded statement each.

`UPDATE events SET seats_taken = seats_taken + 1 WHERE … seats_taken < max_participants` is
atomic on both databases (SQLite runs one writer at a time; PostgreSQL re-checks the condition on
the row it locks), so concurrent bookings for the last seat cannot oversell: the loser updates
no row and gets 409. A read-then-increment (seed 002's) sells the same seat twice.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.events.errors import EventFull
from maitred.events.lookup import EventBrief, event_brief
from maitred.events.models import Event
from maitred.kit import outbox
from maitred.kit.clock import utcnow
from maitred.kit.errors import InvalidState, NotFound


def check_bookable(event: EventBrief, now: datetime) -> None:
    """409 `invalid_state` unless the event is active and has not started (full or not)."""
    if event.status != "active":
        raise InvalidState(f"This event is {event.status}", details={"status": event.status})
    if event.starts_at <= now:
        raise InvalidState("This event has already started")


async def take_seat(
    session: AsyncSession, organization_id: uuid.UUID, event_id: uuid.UUID
) -> EventBrief:
    """One seat of an active event that has not started, or why not (404, 409)."""
    now = utcnow()
    taken = await session.execute(
        update(Event)
        .where(
            Event.organization_id == organization_id,
            Event.id == event_id,
            Event.status == "active",
            Event.starts_at > now,
            Event.seats_taken < Event.max_participants,
        )
        .values(seats_taken=Event.seats_taken + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    event = await event_brief(session, organization_id, event_id)
    if event is None:
        raise NotFound("No such event")
    if taken.rowcount == 1:  # type: ignore[attr-defined]
        return event
    check_bookable(event, now)
    raise EventFull(
        "This event is full; join its waitlist to get the next free seat",
        details={"event_id": str(event_id), "waitlist": f"/api/v1/events/{event_id}/waitlist"},
    )


async def release_seat(
    session: AsyncSession, organization_id: uuid.UUID, event_id: uuid.UUID
) -> None:
    """Gives a seat back (a cancelled or moved seat booking); never below zero. Emits
    `seat.released` (event_id) so the event's waitlist gets the seat."""
    released = await session.execute(
        update(Event)
        .where(
            Event.organization_id == organization_id,
            Event.id == event_id,
            Event.seats_taken > 0,
        )
        .values(seats_taken=Event.seats_taken - 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if released.rowcount == 1:  # type: ignore[attr-defined]
        await outbox.emit(
            session, "seat.released", organization_id=organization_id, event_id=str(event_id)
        )
