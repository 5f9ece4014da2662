"""Outbox handlers of leads: a booking requested on the public form becomes a lead to follow up.

Bookings may not import leads (leads imports bookings), so it announces the booking and this
handler reacts, for a worker's batch of bookings at once (leads/follow_ups.py); it is idempotent
because delivery may repeat.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit import outbox
from maitred.leads.follow_ups import BookingRequest, follow_up_bookings


@outbox.on_many("booking.created", name="leads.follow_up_public_booking")
async def follow_up_public_bookings(session: AsyncSession, events: list[outbox.Event]) -> None:
    by_organization: dict[uuid.UUID, list[BookingRequest]] = defaultdict(list)
    for event in events:
        payload = event.payload
        if payload.get("source") != "public" or event.organization_id is None:
            continue
        event_date = payload.get("event_date")
        by_organization[event.organization_id].append(
            BookingRequest(
                booking_id=uuid.UUID(str(payload["booking_id"])),
                customer_id=uuid.UUID(str(payload["customer_id"])),
                event_date=date.fromisoformat(event_date) if event_date else None,
                guest_count=payload.get("guest_count"),
                event_type=payload.get("event_type"),
                message=str(payload.get("message") or ""),
            )
        )
    for organization_id, requests in by_organization.items():
        await follow_up_bookings(session, organization_id, requests)


async def follow_up_public_booking(session: AsyncSession, event: outbox.Event) -> None:
    """One event's delivery, as the worker makes it alone."""
    await follow_up_public_bookings(session, [event])
