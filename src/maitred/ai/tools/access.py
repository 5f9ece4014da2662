"""Which bookings a tool call may touch: staff any of their organization's, a signed-in
customer their own (the bookings service narrows), a visitor only what the thread has proved
(a verified customer's, or the ones booked in this very thread). Another's is 404, as in the API."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.ai.tools.registry import ToolContext, ToolDenied
from maitred.bookings import service as bookings_service
from maitred.kit.errors import NotFound

PROVE_FIRST = (
    "To look at a booking I first need to know it's yours: message us from the phone or email "
    "on the booking, or ask for a one-time code with its reference number."
)


def reading_viewer(context: ToolContext) -> bookings_service.Viewer:
    if context.visitor:
        return bookings_service.Viewer(context.organization_id, None, is_customer=False)
    return bookings_service.viewer_of(context.auth)


def acting_viewer(context: ToolContext) -> bookings_service.Viewer:
    """Staff act as themselves; for a customer or a visitor the assistant acts, after the
    ownership check, with its own identity (customers may not edit bookings through the API)."""
    if context.is_staff:
        return bookings_service.viewer_of(context.auth)
    return bookings_service.Viewer(context.organization_id, None, is_customer=False)


def may_touch_bookings(context: ToolContext) -> bool:
    if context.visitor:
        return context.verified_customer_id is not None or bool(context.own_booking_ids)
    return context.is_staff or context.is_customer


async def own_booking(session: AsyncSession, context: ToolContext, ref: str) -> dict[str, Any]:
    """The booking named by `ref`, if this caller may touch it; else 404 (or 403 to prove)."""
    if not may_touch_bookings(context):
        raise ToolDenied(PROVE_FIRST)
    viewer = reading_viewer(context)
    booking_id = await bookings_service.booking_id_of(session, viewer, ref)
    booking = await bookings_service.get_booking(session, viewer, booking_id)
    if context.visitor and not (
        booking["customer_id"] == context.verified_customer_id
        or booking_id in context.own_booking_ids
    ):
        raise NotFound("No such booking")
    return booking


def brief(booking: dict[str, Any]) -> dict[str, Any]:
    """What the caller and the model are told of a booking: never anyone's contact details."""
    return {
        "booking_id": str(booking["id"]),
        "reference_number": booking["reference_number"],
        "status": booking["status"],
        "event_date": str(booking["event_date"]),
        "event_time": str(booking["event_time"])[:5] if booking.get("event_time") else None,
        "guest_count": booking["guest_count"],
        "event_type": booking.get("event_type"),
        "currency": booking["currency"],
        "total_amount": float(booking["total_amount"]),
        "deposit_amount": float(booking["deposit_amount"]),
        "balance_due": float(booking.get("balance_due") or 0),
    }


def booking_uuid(booking: dict[str, Any]) -> uuid.UUID:
    value = booking["id"]
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
