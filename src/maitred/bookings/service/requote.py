"""What a change would cost before it is made: the dashboard's live re-quote while staff edit or
reschedule a booking. Priced and checked exactly as `update_booking` would, nothing stored."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.availability import service as availability_service
from maitred.bookings.repository import BookingRepository
from maitred.bookings.schemas import BookingUpdate
from maitred.bookings.service.access import Viewer
from maitred.bookings.service.change import _kept_menu, _kept_upgrades
from maitred.bookings.service.location import place_of
from maitred.bookings.service.quoting import menu_choices, quote_at
from maitred.bookings.service.read import visible_booking
from maitred.kit.errors import AppError, Forbidden


async def requote(
    session: AsyncSession, viewer: Viewer, booking_id: uuid.UUID, form: BookingUpdate
) -> dict[str, Any]:
    """The quote of the booking as `form` would leave it, and, for a new date or time, why that
    slot would be refused (`refused`, empty when it is free)."""
    booking = await visible_booking(session, viewer, booking_id)
    if viewer.is_customer:
        raise Forbidden("Customers cannot change a booking; cancel it or contact us")
    guests = form.guest_count or booking.guest_count
    children = booking.child_count if form.child_count is None else form.child_count
    if form.location is None:
        place = place_of(booking.location, booking.location_details or None)
    elif isinstance(form.location, str):
        place = place_of(form.location)
    else:
        place = place_of("", form.location.model_dump())
    event_date = form.event_date or booking.event_date
    event_time = form.event_time or booking.event_time
    refused = ""
    if (event_date, event_time) != (booking.event_date, booking.event_time):
        try:
            await availability_service.check_bookable(
                session,
                organization_id=viewer.organization_id,
                event_date=event_date,
                event_time=event_time,
                city=place.city,
                zip_code=place.zip_code,
                public=False,
            )
        except AppError as exc:
            reasons = [str(v) for v in (exc.details or {}).values() if isinstance(v, str)]
            refused = "; ".join(reasons) or exc.message
    lines = await BookingRepository(session, viewer.organization_id).lines_of(booking.id)
    menu = _kept_menu(lines) if form.menu_items is None else menu_choices(form.menu_items)
    quote = await quote_at(
        session,
        viewer.organization_id,
        place,
        guest_count=guests,
        child_count=min(children, guests),
        menu=menu,
        upgrades=_kept_upgrades(booking),
    )
    return quote.as_json() | {"refused": refused, "currency": booking.currency}
