"""A customer's erasure reaches their bookings' street addresses and requests; amounts, dates,
statuses, and the city and zip code (pricing zones, service areas) stay in the books."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.bookings.models import Booking
from maitred.kit.erasure import Person, eraser

_KEPT_DETAILS = ("city", "state", "zip_code")


@eraser("bookings")
async def erase_booking_addresses(session: AsyncSession, person: Person) -> int:
    bookings = (
        await session.scalars(
            select(Booking).where(
                Booking.organization_id == person.organization_id,
                Booking.customer_id == person.customer_id,
            )
        )
    ).all()
    for booking in bookings:
        details = booking.location_details or {}
        booking.location = ", ".join(
            str(details[key]) for key in ("city", "state") if details.get(key)
        ) or (booking.city or "")
        booking.location_details = {k: details[k] for k in _KEPT_DETAILS if k in details}
        booking.special_requests = ""
    await session.flush()
    person.found["bookings"] = {booking.id for booking in bookings}
    return len(bookings)
