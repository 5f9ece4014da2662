"""The waitlist of a full event (seed 002): people queue for a seat, and a seat given back goes
to the first in line as a booking.

Unlike a catering date, a seat needs no answer to be useful: the studio's customer asked for
exactly this event, so a freed seat is booked for them at once (confirmed, source `waitlist`)
rather than offered. They hear of it through `booking.created`, and may cancel like any
booking. The seat is taken with the same guarded statement as every other seat, so the queue
can never oversell the event either.
"""

from __future__ import annotations

import uuid
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.bookings import service as bookings_service
from maitred.customers import service as customers_service
from maitred.events import service as events_service
from maitred.kit import outbox
from maitred.kit.auditnote import record
from maitred.kit.clock import utcnow
from maitred.kit.errors import AlreadyExists, Conflict, InvalidRequest, InvalidState, NotFound
from maitred.waitlist.models import WaitlistEntry
from maitred.waitlist.repository import WaitlistRepository
from maitred.waitlist.views import read


async def _bookable_event(
    session: AsyncSession, organization_id: uuid.UUID, event_id: uuid.UUID
) -> events_service.EventBrief:
    event = await events_service.locked_event_brief(session, organization_id, event_id)
    if event is None:
        raise NotFound("No such event")
    events_service.check_bookable(event, utcnow())
    return event


async def require_event(
    session: AsyncSession, organization_id: uuid.UUID, event_id: uuid.UUID
) -> None:
    """404 for an event this organization does not have, before anything about its queue."""
    if await events_service.event_brief(session, organization_id, event_id) is None:
        raise NotFound("No such event")


async def join_event(
    session: AsyncSession,
    viewer: bookings_service.Viewer,
    *,
    event_id: uuid.UUID,
    customer_id: uuid.UUID | None,
    customer: bookings_service.NewCustomer | None,
    notes: str,
) -> dict[str, Any]:
    """Queues the customer for a seat of a full event; 409 when a seat is free (book it), when
    they hold a seat already, or are queued already. The event's row stays locked until the
    request commits, so a seat given back meanwhile finds this entry in the queue."""
    organization_id = viewer.organization_id
    await require_event(session, organization_id, event_id)  # 404 before anything about the body
    brief, _source = await bookings_service.booking_customer(
        session, viewer, customer_id=customer_id, customer=customer
    )
    event = await _bookable_event(session, organization_id, event_id)
    if event.seats_free > 0:
        raise InvalidState(
            "This event has free seats; book one instead",
            details={"seats_free": event.seats_free},
        )
    if await bookings_service.has_active_seat(session, organization_id, brief.id, event_id):
        raise AlreadyExists(
            "This customer already has a booking for this event",
            details={"event_id": str(event_id)},
        )
    repository = WaitlistRepository(session, organization_id)
    if await repository.open_entry_for_event(brief.id, event_id) is not None:
        raise AlreadyExists(
            "This customer is already on this event's waitlist",
            details={"event_id": str(event_id)},
        )
    local = event.starts_at.astimezone(ZoneInfo(event.timezone))
    entry = repository.add(
        WaitlistEntry(
            customer_id=brief.id,
            event_id=event_id,
            preferred_date=local.date(),
            preferred_time=local.time().replace(tzinfo=None),
            guest_count=1,
            location=event.location,
            location_details={},
            notes=notes.strip(),
            status="waiting",
        )
    )
    await session.flush()
    record(
        "waitlist.created",
        resource_type="waitlist_entry",
        resource_id=entry.id,
        actor_user_id=viewer.user_id,
        organization_id=organization_id,
        changes={"event_id": str(event_id)},
    )
    return {**read(entry, brief), "position": await repository.place_in_queue(entry)}


async def leave_event(
    session: AsyncSession, viewer: bookings_service.Viewer, *, event_id: uuid.UUID
) -> None:
    """A signed-in customer leaves an event's waitlist (staff cancel entries by id)."""
    await require_event(session, viewer.organization_id, event_id)
    if not viewer.is_customer:
        raise InvalidRequest("Staff cancel a waitlist entry with DELETE /waitlist/{id}")
    own, _source = await bookings_service.booking_customer(
        session, viewer, customer_id=None, customer=None
    )
    repository = WaitlistRepository(session, viewer.organization_id)
    entry = await repository.open_entry_for_event(own.id, event_id)
    if entry is None:
        raise NotFound("You are not on this event's waitlist")
    entry.status = "cancelled"
    await session.flush()
    record(
        "waitlist.cancelled",
        resource_type="waitlist_entry",
        resource_id=entry.id,
        actor_user_id=viewer.user_id,
        organization_id=viewer.organization_id,
    )


async def book_seat_for(
    session: AsyncSession,
    entry: WaitlistEntry,
    *,
    actor_user_id: uuid.UUID | None,
) -> dict[str, Any]:
    """The entry's seat booking (raises as booking a seat does) and the entry converted."""
    assert entry.event_id is not None
    brief = await customers_service.brief(
        session, organization_id=entry.organization_id, customer_id=entry.customer_id
    )
    booking = await bookings_service.create_seat_booking(
        session,
        organization_id=entry.organization_id,
        actor_user_id=actor_user_id,
        customer=brief,
        customer_user_id=None,
        event_id=entry.event_id,
        notes=entry.notes,
        source="waitlist",
    )
    booking_id = uuid.UUID(str(booking["id"]))
    repository = WaitlistRepository(session, entry.organization_id)
    if not await repository.mark_converted(entry.id, booking_id):
        raise Conflict("The entry was converted or cancelled meanwhile")
    await outbox.emit(
        session,
        "waitlist.converted",
        organization_id=entry.organization_id,
        waitlist_id=entry.id,
        booking_id=booking_id,
        customer_id=entry.customer_id,
        event_id=entry.event_id,
    )
    record(
        "waitlist.converted",
        resource_type="waitlist_entry",
        resource_id=entry.id,
        actor_user_id=actor_user_id,
        organization_id=entry.organization_id,
        changes={"booking_id": str(booking_id)},
    )
    return booking


async def give_freed_seats(
    session: AsyncSession, *, organization_id: uuid.UUID, event_id: uuid.UUID
) -> list[uuid.UUID]:
    """Books free seats of the event for the queue, oldest entry first, while seats last; the
    entries served. Someone who booked a seat by themselves meanwhile leaves the queue. Safe to
    run twice: a second run finds no free seat, or nobody waiting."""
    event = await events_service.event_brief(session, organization_id, event_id)
    if event is None:
        return []
    try:
        events_service.check_bookable(event, utcnow())
    except InvalidState:
        return []
    served: list[uuid.UUID] = []
    for entry in await WaitlistRepository(session, organization_id).waiting_for_event(event_id):
        if await bookings_service.has_active_seat(
            session, organization_id, entry.customer_id, event_id
        ):
            entry.status = "cancelled"  # they booked a seat by themselves meanwhile
            continue
        try:
            # A savepoint: a refused seat leaves nothing of its attempt behind.
            async with session.begin_nested():
                await book_seat_for(session, entry, actor_user_id=None)
        except (events_service.EventFull, InvalidState):
            break  # full again, or no longer bookable
        served.append(entry.id)
    await session.flush()
    return served


async def close_for_cancelled_event(
    session: AsyncSession, *, organization_id: uuid.UUID, event_id: uuid.UUID
) -> int:
    return await WaitlistRepository(session, organization_id).close_for_event(event_id)
