"""A booking requested on the public form becomes a lead for staff to follow up: the outbox
handler of `booking.created` (leads/events.py) hands over a worker's batch of bookings at once,
and which of them have their lead already, and their customers, are each read with one statement
for all of them; the leads are written together when the batch flushes."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.customers import service as customers_service
from maitred.leads.models import Lead
from maitred.leads.repository import LeadRepository
from maitred.leads.service import announce_created, email_index, phone_index


@dataclass(frozen=True)
class BookingRequest:
    """What `booking.created` says of a booking requested on the public form."""

    booking_id: uuid.UUID
    customer_id: uuid.UUID
    event_date: date | None
    guest_count: int | None
    event_type: str | None
    message: str


async def follow_up_bookings(
    session: AsyncSession, organization_id: uuid.UUID, requests: Sequence[BookingRequest]
) -> None:
    """A lead for each booking that has none yet: once per booking, however often its event is
    delivered (a batch may even hold it twice)."""
    repository = LeadRepository(session, organization_id)
    followed = await repository.booked_among([request.booking_id for request in requests])
    fresh: dict[uuid.UUID, BookingRequest] = {}
    for request in requests:
        if request.booking_id not in followed:
            fresh.setdefault(request.booking_id, request)
    if not fresh:
        return
    customers = await customers_service.briefs(
        session,
        organization_id=organization_id,
        customer_ids={request.customer_id for request in fresh.values()},
    )
    for request in fresh.values():
        customer = customers.get(request.customer_id)
        if customer is None:  # gone: the same error as reading it alone
            customer = await customers_service.brief(
                session, organization_id=organization_id, customer_id=request.customer_id
            )
        lead = repository.add(
            Lead(
                id=uuid.uuid4(),  # known before the flush, which the batch does once for all
                name=customer.name,
                phone=customer.phone,
                phone_index=phone_index(customer.phone) if customer.phone else None,
                email=customer.email,
                email_index=email_index(customer.email) if customer.email else None,
                message=request.message,
                source="booking_form",
                extra={},
                status="new",
                event_date=request.event_date,
                guest_count=request.guest_count,
                event_type=request.event_type,
                customer_id=request.customer_id,
                booking_id=request.booking_id,
            )
        )
        await announce_created(session, lead)
