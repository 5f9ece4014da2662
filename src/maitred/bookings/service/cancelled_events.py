"""When an event is cancelled, so are its seats (the `event.cancelled` handler's work)."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.bookings.repository import BookingRepository
from maitred.bookings.service.change import transition


async def cancel_event_seats(
    session: AsyncSession, organization_id: uuid.UUID, event_id: uuid.UUID, reason: str
) -> int:
    """The seats of a cancelled event, cancelled (each with its own status change and events
    for notifications and refunds); run again, it finds none left. How many it cancelled."""
    seats = await BookingRepository(session, organization_id).active_seats_of_event(event_id)
    for booking in seats:
        await transition(
            session,
            booking,
            to_status="cancelled",
            reason=f"Event cancelled: {reason}" if reason else "Event cancelled",
            actor_user_id=None,
        )
    return len(seats)
