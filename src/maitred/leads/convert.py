"""Converting a lead (seed 001): the customer it becomes, and optionally its first booking.

The customer is found by the lead's email or phone before one is made, so a returning guest is
never duplicated; the booking goes through the bookings service like any other (priced, checked
against the calendar, capacity held). Either everything happens or nothing does.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.bookings import service as bookings_service
from maitred.customers import service as customers_service
from maitred.kit.auditnote import record
from maitred.kit.clock import utcnow
from maitred.kit.errors import InvalidState, NotFound, ValidationFailed
from maitred.leads.models import Lead
from maitred.leads.repository import LeadRepository
from maitred.pricing import service as pricing_service

CONVERTED = "Lead converted to customer successfully"


def _menu(items: list[dict[str, Any]]) -> tuple[pricing_service.MenuChoice, ...]:
    return tuple(
        pricing_service.MenuChoice(
            menu_item_id=item.get("menu_item_id"),
            name=item.get("name"),
            quantity=item.get("quantity"),
        )
        for item in items
    )


async def _book(
    session: AsyncSession,
    *,
    lead: Lead,
    customer_id: uuid.UUID,
    actor_user_id: uuid.UUID | None,
    data: dict[str, Any],
) -> uuid.UUID:
    booking = await bookings_service.create_booking(
        session,
        organization_id=lead.organization_id,
        actor_user_id=actor_user_id,
        customer_id=customer_id,
        event_date=data["event_date"],
        event_time=data.get("event_time"),
        guest_count=data["guest_count"],
        event_type=str(data.get("event_type") or "other").strip().lower(),
        location=data.get("location") or "",
        menu=_menu(data.get("menu_items") or []),
        source="lead",
        lead_id=lead.id,
    )
    lead.event_date = data["event_date"]
    lead.guest_count = data["guest_count"]
    lead.event_type = booking.get("event_type") or lead.event_type
    return uuid.UUID(str(booking["id"]))


async def convert_lead(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    lead_id: uuid.UUID,
    actor_user_id: uuid.UUID | None,
    create_booking: bool,
    booking_data: dict[str, Any] | None,
) -> dict[str, Any]:
    """Seed 001's answer: customer_id, booking_id (null without a booking), message."""
    if create_booking and booking_data is None:
        raise ValidationFailed(
            details={"booking_data": "Field is required when create_booking is true"}
        )
    if not create_booking and booking_data is not None:
        raise ValidationFailed(details={"create_booking": "Send true to book from booking_data"})
    lead = await LeadRepository(session, organization_id).get_for_update(lead_id)
    if lead is None:
        raise NotFound(LeadRepository.not_found_message)
    if lead.converted_at is not None:
        raise InvalidState("This lead was already converted", details={"status": lead.status})
    if create_booking and lead.booking_id is not None:
        raise InvalidState(
            "This lead already has a booking", details={"booking_id": str(lead.booking_id)}
        )
    customer = await customers_service.find_or_create(
        session,
        organization_id=organization_id,
        name=lead.name,
        email=lead.email,
        phone=lead.phone,
        source="lead",
    )
    if create_booking and booking_data is not None:
        lead.booking_id = await _book(
            session,
            lead=lead,
            customer_id=customer.id,
            actor_user_id=actor_user_id,
            data=booking_data,
        )
    before = lead.status
    lead.status, lead.lost_reason = "won", None
    lead.customer_id = customer.id
    lead.converted_at = lead.updated_at = utcnow()
    await session.flush()
    record(
        "lead.converted",
        resource_type="lead",
        resource_id=lead.id,
        organization_id=organization_id,
        changes={
            "status": [before, "won"],
            "customer_id": str(customer.id),
            "booking_id": str(lead.booking_id) if lead.booking_id else None,
        },
    )
    return {"customer_id": customer.id, "booking_id": lead.booking_id, "message": CONVERTED}
