"""Outbox handlers of leads: a booking requested on the public form becomes a lead to follow up.

Bookings may not import leads (leads imports bookings), so it announces the booking and this
handler reacts; it is idempotent because delivery may repeat.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit import outbox
from maitred.leads import service as leads_service


@outbox.on("booking.created", name="leads.follow_up_public_booking")
async def follow_up_public_booking(session: AsyncSession, event: outbox.Event) -> None:
    payload = event.payload
    if payload.get("source") != "public" or event.organization_id is None:
        return
    event_date = payload.get("event_date")
    await leads_service.follow_up_booking(
        session,
        organization_id=event.organization_id,
        booking_id=uuid.UUID(str(payload["booking_id"])),
        customer_id=uuid.UUID(str(payload["customer_id"])),
        event_date=date.fromisoformat(event_date) if event_date else None,
        guest_count=payload.get("guest_count"),
        event_type=payload.get("event_type"),
        message=str(payload.get("message") or ""),
    )
