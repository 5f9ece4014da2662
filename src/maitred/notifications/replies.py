"""Staff answering a conversation with one of the business's own message templates: worded as
the business set it (or the built-in), in the customer's language, with the facts of their next
booking, for staff to read and edit before it goes out as a reply."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.bookings import service as bookings_service
from maitred.kit.errors import NotFound, ValidationFailed
from maitred.notifications.automatic import render_for
from maitred.notifications.facts import booking_facts, business

# The templates that read well as an answer about the customer's booking.
REPLY_TEMPLATES = ("booking_confirmation", "deposit_request", "booking_reminder")


async def reply_text(
    session: AsyncSession,
    organization_id: uuid.UUID,
    name: str,
    *,
    channel: str,
    customer_id: uuid.UUID | None,
) -> str:
    """The text of template `name` for `channel` (email's text part; other channels read the
    short SMS wording) about the customer's next booking."""
    if name not in REPLY_TEMPLATES:
        raise ValidationFailed(details={"template": "Choose one of the reply templates"})
    owner = await business(session, organization_id)
    if owner is None:
        raise NotFound("No such organization")
    viewer = bookings_service.Viewer(
        organization_id=organization_id, user_id=None, is_customer=False
    )
    upcoming = await bookings_service.bookings_of_customer(
        session, viewer, customer_id=customer_id, limit=1
    )
    if not upcoming:
        raise ValidationFailed(
            "This template speaks of a booking, and this customer has none coming up",
            details={"template": "The customer has no upcoming booking"},
        )
    facts = await booking_facts(session, organization_id, upcoming[0]["id"], owner)
    if facts is None:
        raise NotFound("No such booking")
    wording = "email" if channel == "email" else "sms"
    rendered = await render_for(
        session, organization_id, name, wording, facts.data, facts.recipient.language
    )
    return rendered.body_text.strip()
