"""Reading the book: a booking's detail and summary built from its rows (ORM objects inside a unit
of work, or the compiled reads of detail.py and listing.py), a customer's bookings, and the
booking figures the customers domain shows."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.bookings import list_queries
from maitred.bookings.models import Booking, BookingLine, BookingStatusChange
from maitred.bookings.repository import BookingRepository
from maitred.bookings.service.access import Viewer, own_customer
from maitred.customers import service as customers_service
from maitred.customers import stats as customer_stats
from maitred.events import service as events_service
from maitred.kit.clock import utcnow
from maitred.kit.errors import NotFound
from maitred.kit.money import from_minor
from maitred.tenancy import service as tenancy_service

SORTS = list_queries.SORTS
KINDS = ("catering", "seat")
ZERO = Decimal("0.00")


def customer_ref(
    customer_id: uuid.UUID, brief: customers_service.CustomerBrief | None
) -> dict[str, Any]:
    if brief is None:
        return {"id": customer_id, "name": "", "email": None, "phone": None}
    return {"id": brief.id, "name": brief.name, "email": brief.email, "phone": brief.phone}


def user_ref(
    customer_id: uuid.UUID, brief: customers_service.CustomerBrief | None
) -> dict[str, Any]:
    """Seed 002's `user`: the customer's name split at its first space."""
    first, _, last = (brief.name if brief else "").strip().partition(" ")
    return {
        "id": customer_id,
        "email": brief.email if brief else None,
        "first_name": first,
        "last_name": last.strip(),
    }


def _payment(booking: Booking | SimpleNamespace) -> dict[str, Any]:
    """Derived from the paid and refunded totals (payments/totals.py keeps them); nothing is due
    on a cancelled booking, and one refunded in part (by the cancellation policy) reads
    `refunded`."""
    paid = booking.amount_paid or ZERO
    refunded = booking.amount_refunded or ZERO
    net = paid - refunded
    total = booking.total_amount or ZERO
    cancelled = booking.status == "cancelled"
    if refunded > 0 and (net <= 0 or cancelled):
        status = "refunded"
    elif net <= 0:
        status = "unpaid"
    elif net >= total:
        status = "paid"
    else:
        status = "partial"
    return {
        "deposit_paid": net > 0 and net >= (booking.deposit_amount or ZERO),
        "balance_due": ZERO if cancelled else max(total - net, ZERO),
        "payment_status": status,
        "amount_paid": paid,
        "amount_refunded": refunded,
    }


def summary(
    booking: Booking | SimpleNamespace, brief: customers_service.CustomerBrief | None
) -> dict[str, Any]:
    """A booking of the list: an ORM row, or a row of bookings/list_queries.py."""
    return {
        "id": booking.id,
        "reference_number": booking.reference_number,
        "kind": booking.kind,
        "customer": customer_ref(booking.customer_id, brief),
        "user": user_ref(booking.customer_id, brief),
        "event_date": booking.event_date,
        "event_time": booking.event_time,
        "guest_count": booking.guest_count,
        "event_type": booking.event_type,
        "location": booking.location,
        "status": booking.status,
        "currency": booking.currency,
        "total_amount": booking.total_amount,
        "deposit_amount": booking.deposit_amount,
        "event": None,
        "booking_date": booking.created_at,
        "created_at": booking.created_at,
        "updated_at": booking.updated_at,
        **_payment(booking),
    }


def detail(
    booking: Booking | SimpleNamespace,
    brief: customers_service.CustomerBrief | None,
    lines: Sequence[BookingLine | SimpleNamespace],
    history: Sequence[BookingStatusChange | SimpleNamespace],
) -> dict[str, Any]:
    """The detail of seed 001: from ORM rows (inside a unit of work), the rows of
    bookings/detail_queries.py (GET), or the values a new booking was written with."""
    return {
        **summary(booking, brief),
        "customer_id": booking.customer_id,
        "child_count": booking.child_count,
        "location_details": booking.location_details or {},
        "source": booking.source,
        "menu_items": [
            {
                "id": line.menu_item_id,
                "name": line.name,
                "quantity": line.quantity,
                "price": line.unit_price,
                "amount": line.amount,
                "pricing_unit": line.pricing_unit,
            }
            for line in lines
        ],
        "subtotal": booking.subtotal,
        "tax": booking.tax,
        "service_fee": booking.service_fee,
        "travel_fee": booking.travel_fee,
        "notes": booking.notes,
        "special_requests": booking.special_requests,
        "chef_team_id": booking.chef_team_id,
        "hold_expires_at": booking.hold_expires_at,
        "lead_id": booking.lead_id,
        "status_history": [
            {
                "from_status": change.from_status,
                "to_status": change.to_status,
                "reason": change.reason,
                "changed_by": change.changed_by,
                "changed_at": change.created_at,
            }
            for change in history
        ],
        "confirmed_at": booking.confirmed_at,
        "cancelled_at": booking.cancelled_at,
        "completed_at": booking.completed_at,
        "cancellation_reason": booking.cancellation_reason,
        "pricing": booking.pricing or {},
        "crm_notified": True,
        # Not in BookingRead: for services that schedule around the start (reminders).
        "starts_at": booking.starts_at,
        "timezone": booking.timezone,
    }


async def read_booking(session: AsyncSession, booking: Booking) -> dict[str, Any]:
    repository = BookingRepository(session, booking.organization_id)
    brief = await customers_service.brief(
        session, organization_id=booking.organization_id, customer_id=booking.customer_id
    )
    lines = await repository.lines_of(booking.id)
    history = await repository.history_of(booking.id)
    found = detail(booking, brief, lines, history)
    await with_events(session, booking.organization_id, [found], [booking.event_id])
    return found


async def visible_booking(session: AsyncSession, viewer: Viewer, booking_id: uuid.UUID) -> Booking:
    """The booking, or 404 when it is another organization's, or another customer's."""
    booking = await BookingRepository(session, viewer.organization_id).get_or_404(booking_id)
    if viewer.is_customer:
        own = await own_customer(session, viewer)
        if own is None or own.id != booking.customer_id:
            raise NotFound("No such booking")
    return booking


async def get_booking(
    session: AsyncSession, viewer: Viewer, booking_id: uuid.UUID
) -> dict[str, Any]:
    return await read_booking(session, await visible_booking(session, viewer, booking_id))


async def bookings_of_customer(
    session: AsyncSession, viewer: Viewer, *, customer_id: uuid.UUID | None, limit: int = 10
) -> list[dict[str, Any]]:
    """A customer's bookings from today on, soonest first (the assistant's "find my booking").
    A customer viewer always gets their own, whatever `customer_id` says."""
    if viewer.is_customer:
        own = await own_customer(session, viewer)
        customer_id = own.id if own is not None else None
    if customer_id is None:
        return []
    today = (await local_now(session, viewer.organization_id)).date()
    rows = await BookingRepository(session, viewer.organization_id).of_customer_from(
        customer_id, today, limit
    )
    return [await read_booking(session, booking) for booking in rows]


def event_ref(event: events_service.EventBrief) -> dict[str, Any]:
    return {
        "id": event.id,
        "title": event.title,
        "event_type": event.event_type,
        "start_datetime": event.starts_at,
        "end_datetime": event.ends_at,
        "facilitator_id": event.facilitator_id,
    }


async def with_events(
    session: AsyncSession,
    organization_id: uuid.UUID,
    items: list[dict[str, Any]],
    event_ids: Sequence[uuid.UUID | None],
) -> None:
    """Fills `event` of the seat bookings among `items` (one query for the page)."""
    wanted = {event_id for event_id in event_ids if event_id is not None}
    events = await events_service.event_briefs(session, organization_id, wanted)
    for item, event_id in zip(items, event_ids, strict=True):
        if event_id is not None and event_id in events:
            item["event"] = event_ref(events[event_id])


async def local_now(session: AsyncSession, organization_id: uuid.UUID) -> datetime:
    organization = await tenancy_service.get(session, organization_id)
    zone = ZoneInfo(organization.timezone if organization else "UTC")
    return utcnow().astimezone(zone)


async def booking_stats(
    session: AsyncSession, organization_id: uuid.UUID, customer_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, customer_stats.BookingStats]:
    """The customers domain's figures (registered with customers/stats.py at import)."""
    today = (await local_now(session, organization_id)).date()
    rows = await BookingRepository(session, organization_id).stats(customer_ids, today)
    return {
        row.customer_id: customer_stats.BookingStats(
            total_bookings=row.total_bookings,
            total_spent=from_minor(row.spent_minor),
            upcoming_bookings=row.upcoming_bookings,
            last_booking_date=row.last_booking_date,
        )
        for row in rows
    }
