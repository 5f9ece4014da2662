"""A visitor's seat on a studio's event (the public page's seat form and
`POST /public/events/{id}/seats`): a confirmed seat while one is free, taken by the same
guarded statement as the staff's (never oversold), or else a place in the event's waitlist.

A filled honeypot is answered like a real request (a bot learns nothing) and only counted.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.bookings import service as bookings_service
from maitred.customers import service as customers_service
from maitred.events import service as events_service
from maitred.kit import i18n
from maitred.kit.errors import NotFound
from maitred.leads import service as leads_service
from maitred.tenancy.models import Organization
from maitred.waitlist import seats as waitlist_seats

SPAM_FORM = "event_seat"


async def take_seat_or_queue(
    session: AsyncSession,
    organization: Organization,
    event_id: uuid.UUID,
    *,
    name: str | None,
    phone: str | None,
    email: str | None,
    notes: str = "",
    honeypot: str | None = None,
) -> dict[str, Any]:
    """`{"kind": "seat", "reference_number": …}` or `{"kind": "waitlist", "position": …}`;
    the contact details are checked as the lead form checks them. An event that is not
    public (a draft, another business's) is a 404."""
    event = await events_service.event_brief(session, organization.id, event_id)
    if event is None or event.status == "draft":
        raise NotFound("No such event")
    if (honeypot or "").strip():
        await customers_service.note_spam(session, organization_id=organization.id, form=SPAM_FORM)
        if event.seats_free > 0:
            return {"kind": "seat", "reference_number": None, "position": None}
        return {"kind": "waitlist", "reference_number": None, "position": None}
    name, phone, email = leads_service.checked_form(
        name=name, phone=phone, email=email, message=notes, region=organization.country
    )
    customer = await customers_service.find_or_create(
        session,
        organization_id=organization.id,
        name=name,
        email=email,
        phone=phone,
        source="booking_form",
        preferred_language=i18n.current_language(),
    )
    if event.seats_free > 0:
        seat = await bookings_service.create_seat_booking(
            session,
            organization_id=organization.id,
            actor_user_id=None,
            customer=customer,
            customer_user_id=None,
            event_id=event_id,
            notes=notes,
            source="public",
        )
        return {"kind": "seat", "reference_number": seat["reference_number"], "position": None}
    entry = await waitlist_seats.join_event(
        session,
        bookings_service.Viewer(organization.id, None, False),
        event_id=event_id,
        customer_id=customer.id,
        customer=None,
        notes=notes,
    )
    return {"kind": "waitlist", "reference_number": None, "position": entry["position"]}
