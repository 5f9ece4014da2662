"""A seat on a scheduled event (seed 002), the second kind of booking beside catering.

Same book, status machine and reference series as catering bookings; the event gives the date,
times, place and price, and `events_service.take_seat` is the one guarded statement that keeps
an event from being oversold. A customer holds at most one active seat per event (a partial
unique index backs the check against two simultaneous requests of the same person); one who
cancelled may book again.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.bookings.models import Booking, BookingStatusChange
from maitred.bookings.repository import BookingRepository
from maitred.bookings.service.numbers import next_reference
from maitred.bookings.service.read import detail, event_ref
from maitred.bookings.service.status import CONFIRMED
from maitred.crm import service as crm_service
from maitred.customers import service as customers_service
from maitred.events import service as events_service
from maitred.kit import outbox
from maitred.kit.auditnote import record
from maitred.kit.clock import utcnow
from maitred.kit.errors import AlreadyExists


async def create_seat_booking(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    actor_user_id: uuid.UUID | None,
    customer: customers_service.CustomerBrief,
    customer_user_id: uuid.UUID | None,
    event_id: uuid.UUID,
    notes: str = "",
    source: str = "admin",
) -> dict[str, Any]:
    """A confirmed seat as BookingRead with `event` and `crm_notified` (seed 002)."""
    repository = BookingRepository(session, organization_id)
    if await repository.active_seat_of(customer.id, event_id) is not None:
        raise _already_booked(event_id)
    event = await events_service.take_seat(session, organization_id, event_id)
    now = utcnow()
    local = event.starts_at.astimezone(ZoneInfo(event.timezone))
    booking = Booking(
        id=uuid.uuid4(),
        reference_number=await next_reference(
            session, organization_id, now.astimezone(ZoneInfo(event.timezone)).year
        ),
        kind="seat",
        event_id=event.id,
        customer_id=customer.id,
        status=CONFIRMED,
        event_date=local.date(),
        event_time=local.time().replace(tzinfo=None),
        timezone=event.timezone,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        guest_count=1,
        child_count=0,
        event_type=event.event_type,
        location=event.location,
        location_details={},
        notes=notes,
        source=source,
        currency=event.currency,
        subtotal=event.price,
        total_amount=event.price,
        deposit_amount=Decimal(0),
        amount_paid=Decimal(0),
        pricing={"kind": "seat", "price": str(event.price), "currency": event.currency},
        confirmed_at=now,
        created_by=actor_user_id,
        created_at=now,
        updated_at=now,
    )
    repository.add(booking)
    try:
        await session.flush()
    except IntegrityError:
        # Another request of the same customer took a seat on this event meanwhile.
        raise _already_booked(event_id) from None
    change = BookingStatusChange(
        booking_id=booking.id,
        from_status=None,
        to_status=CONFIRMED,
        reason="",
        changed_by=actor_user_id,
        created_at=now,
    )
    repository.add_all([change])
    await crm_service.track_booking(
        session,
        organization_id,
        crm_service.TrackedBooking(
            booking_id=booking.id,
            kind="seat",
            customer_id=customer.id,
            user_id=customer_user_id,
            status=CONFIRMED,
            booked_at=now,
            notes=notes,
            event_id=event.id,
            event_title=event.title,
            event_type=event.event_type,
            event_starts_at=event.starts_at,
            event_location=event.location,
            facilitator_id=event.facilitator_id,
        ),
        changed_by=actor_user_id,
    )
    await session.flush()
    await outbox.emit(
        session,
        "booking.created",
        organization_id=organization_id,
        booking_id=booking.id,
        customer_id=customer.id,
        reference_number=booking.reference_number,
        source=source,
        kind="seat",
        event_id=event.id,
        event_date=booking.event_date.isoformat(),
        guest_count=1,
        event_type=event.event_type,
    )
    record(
        "booking.created",
        resource_type="booking",
        resource_id=booking.id,
        actor_user_id=actor_user_id,
        organization_id=organization_id,
        changes={"reference_number": booking.reference_number, "event_id": str(event.id)},
    )
    found = detail(booking, customer, [], [change])
    return {**found, "event": event_ref(event)}


async def has_active_seat(
    session: AsyncSession,
    organization_id: uuid.UUID,
    customer_id: uuid.UUID,
    event_id: uuid.UUID,
) -> bool:
    """Whether the customer holds a pending or confirmed seat on the event (the waitlist
    does not queue someone who has one)."""
    found = await BookingRepository(session, organization_id).active_seat_of(customer_id, event_id)
    return found is not None


def _already_booked(event_id: uuid.UUID) -> AlreadyExists:
    return AlreadyExists(
        "This customer already has a booking for this event",
        details={"event_id": str(event_id)},
    )
