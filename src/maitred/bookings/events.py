"""Outbox side of bookings. Bookings emits `booking.created`, `booking.status_changed` and
`booking.rescheduled` (payloads in service/). It handles `event.cancelled`: the events domain
cannot reach into the book, so it announces the cancellation and the seats are cancelled here,
idempotently (delivery may repeat). An expired hold needs no change to the booking, which simply
stays pending without a team until confirmed or cancelled.

A catering booking's CRM record is made here too, after the booking's commit: the booking
request writes only what its answer needs (ARCHITECTURE.md, Hot paths).

Importing the service here registers the customers' booking figures in the worker process too.
"""

from __future__ import annotations

import uuid
from collections import defaultdict

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.bookings import service as bookings_service
from maitred.kit import outbox


@outbox.on("event.cancelled", name="bookings.cancel_event_seats")
async def cancel_event_seats(session: AsyncSession, event: outbox.Event) -> None:
    if event.organization_id is None:
        return
    await bookings_service.cancel_event_seats(
        session,
        event.organization_id,
        uuid.UUID(str(event.payload["event_id"])),
        str(event.payload.get("reason") or ""),
    )


@outbox.on_many("booking.created", name="bookings.track_in_crm")
async def track_in_crm(session: AsyncSession, events: list[outbox.Event]) -> None:
    """A worker's batch of bookings at once, by organization."""
    by_organization: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for event in events:
        if event.organization_id is not None:
            by_organization[event.organization_id].append(
                uuid.UUID(str(event.payload["booking_id"]))
            )
    for organization_id, booking_ids in by_organization.items():
        await bookings_service.track_created_in_crm(session, organization_id, booking_ids)
