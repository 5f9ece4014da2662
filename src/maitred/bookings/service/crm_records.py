"""A catering booking's CRM record: made in the transaction of a past booking (past.py), and
after the commit of a new one by the outbox handler of `booking.created` (bookings/events.py),
for a worker's batch of bookings at once."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.bookings.models import Booking
from maitred.bookings.repository import BookingRepository
from maitred.crm import service as crm_service


async def track_in_crm(
    session: AsyncSession, booking: Booking, actor_user_id: uuid.UUID | None
) -> None:
    """A catering booking's CRM record (`crm_notified`)."""
    await crm_service.track_booking(
        session,
        booking.organization_id,
        crm_service.TrackedBooking(
            booking_id=booking.id,
            kind=booking.kind,
            customer_id=booking.customer_id,
            user_id=None,
            status=booking.status,
            booked_at=booking.created_at,
            notes=booking.notes,
            event_type=booking.event_type,
            event_starts_at=booking.starts_at,
            event_location=booking.location,
        ),
        changed_by=actor_user_id,
    )


async def track_created_in_crm(
    session: AsyncSession, organization_id: uuid.UUID, booking_ids: Sequence[uuid.UUID]
) -> None:
    """The CRM records of catering bookings, after their commit (the outbox handler of
    `booking.created`, a worker's batch of them at once: one read of those tracked, one of the
    bookings); a repeated delivery finds its record made and changes nothing."""
    untracked = set(booking_ids) - await crm_service.tracked_among(
        session, organization_id, booking_ids
    )
    if not untracked:
        return
    repository = BookingRepository(session, organization_id)
    found = {
        b.id: b for b in await repository.all(repository.scoped().where(Booking.id.in_(untracked)))
    }
    for booking_id in dict.fromkeys(booking_ids):
        booking = found.get(booking_id)
        if booking is not None and booking.kind == "catering":  # seats: in their own transaction
            await track_in_crm(session, booking, booking.created_by)
