"""Outbox handlers of waitlist: freed capacity is offered to the people waiting for that date,
a freed seat is booked for the first in an event's queue, a cancelled event's queue is closed.

An offer lapses at its expiry (`waitlist.offer_due`, scheduled when it is made) and passes on.

Emits `waitlist.offered` (waitlist_id, customer_id, preferred_date, offer_expires_at),
`waitlist.offer_expired` (waitlist_id, customer_id, preferred_date) and
`waitlist.converted` (waitlist_id, booking_id, customer_id, event_id) for the notification layer.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit import outbox
from maitred.kit.outbox import Event
from maitred.waitlist import offers, seats


@outbox.on("capacity.released", name="waitlist.offer_freed_capacity")
async def offer_freed_capacity(session: AsyncSession, event: Event) -> None:
    """Idempotent: entries already offered count against what is free, so a repeated delivery
    offers nothing more."""
    if event.organization_id is None:
        return
    await offers.offer_freed_capacity(
        session,
        organization_id=event.organization_id,
        day=date.fromisoformat(str(event.payload["day"])),
    )


@outbox.on("waitlist.offer_due", name="waitlist.lapse_offer")
async def lapse_offer(session: AsyncSession, event: Event) -> None:
    """Idempotent: only an offer still open and past its expiry lapses, once."""
    if event.organization_id is None:
        return
    await offers.lapse_offer(
        session,
        organization_id=event.organization_id,
        waitlist_id=uuid.UUID(str(event.payload["waitlist_id"])),
    )


@outbox.on("seat.released", name="waitlist.give_freed_seat")
async def give_freed_seat(session: AsyncSession, event: Event) -> None:
    """Idempotent: a repeated delivery finds the seat taken or nobody waiting."""
    if event.organization_id is None:
        return
    await seats.give_freed_seats(
        session,
        organization_id=event.organization_id,
        event_id=uuid.UUID(str(event.payload["event_id"])),
    )


@outbox.on("event.cancelled", name="waitlist.close_cancelled_event")
async def close_cancelled_event(session: AsyncSession, event: Event) -> None:
    if event.organization_id is None:
        return
    await seats.close_for_cancelled_event(
        session,
        organization_id=event.organization_id,
        event_id=uuid.UUID(str(event.payload["event_id"])),
    )
