"""Reading the book: the list (compiled queries: the count, the page, its customers), the
detail of seed 001, and the booking figures the customers domain shows."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.bookings import detail_queries, list_queries
from maitred.bookings.models import Booking, BookingLine, BookingStatusChange
from maitred.bookings.repository import BookingFilters, BookingRepository
from maitred.bookings.service.access import Viewer, own_customer
from maitred.bookings.service.status import STATUSES
from maitred.customers import service as customers_service
from maitred.customers import stats as customer_stats
from maitred.events import service as events_service
from maitred.kit.clock import utcnow
from maitred.kit.errors import NotFound, ValidationFailed
from maitred.kit.list_params import ANY_TIME, ListQuery
from maitred.kit.money import from_minor
from maitred.kit.pagination import PageParams, PaginationInfo, page_info, parse_sort
from maitred.kit.reads import ReadPool
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


_REFERENCE = re.compile(r"BK-\d{4}-\d{1,12}", re.IGNORECASE)


def _id_or_reference(id_or_reference: str) -> uuid.UUID | str:
    try:
        return uuid.UUID(id_or_reference)
    except ValueError:
        pass
    reference = id_or_reference.strip().upper()
    if not _REFERENCE.fullmatch(reference):
        raise ValidationFailed(
            details={
                "booking_id": "Use the booking's id or its reference number, such as BK-2025-000123"
            }
        )
    return reference


async def booking_id_of(session: AsyncSession, viewer: Viewer, id_or_reference: str) -> uuid.UUID:
    """A booking named by its id or by its reference number (`BK-2025-000123`, as customers
    quote it), looked up in the viewer's organization only: another's is 404 either way."""
    reference = _id_or_reference(id_or_reference)
    if isinstance(reference, uuid.UUID):
        return reference
    found = await BookingRepository(session, viewer.organization_id).id_by_reference(reference)
    if found is None:
        raise NotFound("No such booking")
    return found


async def get_booking(
    session: AsyncSession, viewer: Viewer, booking_id: uuid.UUID
) -> dict[str, Any]:
    return await read_booking(session, await visible_booking(session, viewer, booking_id))


async def booking_detail(
    session: AsyncSession, reads: ReadPool, viewer: Viewer, id_or_reference: str
) -> dict[str, Any]:
    """GET /bookings/{id or reference}: two compiled reads of committed data (the booking with
    its customer; its lines and history), no ORM objects. A customer's own bookings take the
    session's way, which checks that the booking is theirs."""
    if viewer.is_customer:
        booking_id = await booking_id_of(session, viewer, id_or_reference)
        return await get_booking(session, viewer, booking_id)
    key = _id_or_reference(id_or_reference)
    organization_id = viewer.organization_id
    if isinstance(key, uuid.UUID):
        row = await reads.one(detail_queries.BOOKING_BY_ID, organization_id=organization_id, id=key)
    else:
        row = await reads.one(
            detail_queries.BOOKING_BY_REFERENCE, organization_id=organization_id, reference=key
        )
    if row is None:
        raise NotFound("No such booking")
    parts = await reads.all(
        detail_queries.LINES_AND_HISTORY,
        lines_of=organization_id,
        lines_booking=row["id"],
        history_of=organization_id,
        history_booking=row["id"],
    )
    lines = sorted(
        (SimpleNamespace(**p) for p in parts if p["part"] == "line"), key=lambda p: p.position
    )
    history = sorted(
        (SimpleNamespace(**p, created_at=p["at"]) for p in parts if p["part"] == "change"),
        key=lambda p: (p.created_at, p.id),
    )
    brief = None
    if row["customer_name"] is not None:
        brief = customers_service.CustomerBrief(
            row["customer_id"], row["customer_name"], row["customer_email"], row["customer_phone"]
        )
    found = detail(SimpleNamespace(**row), brief, lines, history)
    await with_events(session, organization_id, [found], [row["event_id"]])
    return found


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


def parse_statuses(status: str | None) -> tuple[str, ...]:
    """`confirmed`, `CONFIRMED` or `pending,confirmed`."""
    if not status:
        return ()
    wanted = tuple(dict.fromkeys(s.strip().lower() for s in status.split(",") if s.strip()))
    unknown = [s for s in wanted if s not in STATUSES]
    if unknown:
        raise ValidationFailed(
            details={"status": f"Unknown status {unknown[0]!r}; use {', '.join(STATUSES)}"}
        )
    return wanted


async def list_bookings(
    session: AsyncSession,
    reads: ReadPool,
    viewer: Viewer,
    params: PageParams,
    *,
    status: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    customer_id: uuid.UUID | None = None,
    event_type: str | None = None,
    search: str | None = None,
    sort: str | None = None,
    order: str | None = None,
    event_id: uuid.UUID | None = None,
    kind: str | None = None,
    upcoming: bool = False,
    listing: ListQuery | None = None,
) -> tuple[list[dict[str, Any]], PaginationInfo]:
    """One page through the compiled queries of bookings/list_queries.py (committed data);
    `upcoming` (seed 002) keeps the bookings from today on, in the organization's time zone."""
    if kind is not None and kind not in KINDS:
        raise ValidationFailed(details={"kind": f"Use one of: {', '.join(KINDS)}"})
    if upcoming:
        today = (await local_now(session, viewer.organization_id)).date()
        date_from = max(date_from, today) if date_from else today
    if listing is not None:  # seed 004's sort_by / sort_order (`sort` / `order` as aliases)
        sort, order = listing.sort_by, listing.sort_order
    ordering = parse_sort(sort, order, SORTS, default="event_date", default_order="desc")
    window = (
        await tenancy_service.created_window(session, viewer.organization_id, listing)
        if listing is not None
        else ANY_TIME
    )
    if viewer.is_customer:
        own = await own_customer(session, viewer)
        if own is None or (customer_id is not None and customer_id != own.id):
            return [], page_info(params, 0)
        customer_id = own.id
    filters = BookingFilters(
        statuses=parse_statuses(status),
        date_from=date_from,
        date_to=date_to,
        customer_id=customer_id,
        event_type=event_type.strip().lower() if event_type else None,
        search=search.strip() if search and search.strip() else None,
        event_id=event_id,
        kind=kind,
        created_since=window.since,
        created_before=window.before,
    )
    sort_name = sort or "event_date"
    shape, values = list_queries.shape_and_values(
        viewer.organization_id, filters, sort_name, ordering.descending
    )
    counted = await reads.one(list_queries.count_query(shape), **values)
    total = int(counted["total"]) if counted else 0
    rows = []
    if total > params.offset:
        rows = await reads.all(
            list_queries.page_query(shape), limit=params.limit, offset=params.offset, **values
        )
    briefs = await customers_service.briefs_read(
        reads,
        organization_id=viewer.organization_id,
        customer_ids={row["customer_id"] for row in rows},
    )
    items = [summary(SimpleNamespace(**row), briefs.get(row["customer_id"])) for row in rows]
    await with_events(session, viewer.organization_id, items, [row["event_id"] for row in rows])
    return items, page_info(params, total)


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
