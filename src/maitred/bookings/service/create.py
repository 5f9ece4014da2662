"""Making a booking: check the date, price it, promise a chef team, number it, record it.

The team is claimed before anything is written, so a full slot (CapacityExceeded) leaves
nothing behind, not even a spent reference number; except the public request on PostgreSQL,
which claims last and takes its number first (`write_booking`): a full slot there rolls the
booking back and skips a number.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.availability import service as availability_service
from maitred.bookings.models import Booking, BookingLine
from maitred.bookings.repository import BookingRepository
from maitred.bookings.schemas import BookingCreate, MenuItemIn
from maitred.bookings.service.access import Viewer, booking_customer
from maitred.bookings.service.location import place_of
from maitred.bookings.service.numbers import next_reference, take_reference_now
from maitred.bookings.service.read import detail
from maitred.bookings.service.seats import create_seat_booking
from maitred.bookings.service.status import CONFIRMED, PENDING
from maitred.customers import service as customers_service
from maitred.kit import outbox
from maitred.kit.auditnote import record
from maitred.kit.clock import utcnow
from maitred.kit.errors import Forbidden, InvalidState, NotFound, ValidationFailed
from maitred.kit.reads import ReadPool
from maitred.pricing import service as pricing_service
from maitred.tenancy import service as tenancy_service
from maitred.tenancy.book_settings import BookingPolicySettings
from maitred.tenancy.models import Organization


async def organization_of(session: AsyncSession, organization_id: uuid.UUID) -> Organization:
    organization = await tenancy_service.get(session, organization_id)
    if organization is None:
        raise NotFound("No such organization")
    return organization


# What a seat booking takes from its event instead of the form.
CATERING_FIELDS = frozenset(
    {"guest_count", "child_count", "event_type", "location", "menu_items", "upgrades"}
    | {"special_requests", "status", "chef_team_id", "event_time"}
)


def checked_event_type(policy: BookingPolicySettings, event_type: str) -> str:
    wanted = (event_type or "other").strip().lower()
    if wanted not in policy.event_types:
        raise ValidationFailed(
            details={"event_type": f"Must be one of: {', '.join(policy.event_types)}"}
        )
    return wanted


def quoted_amounts(quote: pricing_service.Quote) -> dict[str, Any]:
    """The quote's amounts as the booking's columns."""
    return {
        "currency": quote.currency,
        "subtotal": quote.subtotal,
        "service_fee": quote.service_fee,
        "travel_fee": quote.travel_fee,
        "tax": quote.tax,
        "total_amount": quote.total_amount,
        "deposit_amount": quote.deposit_amount,
        "pricing": quote.as_json(),
    }


def quoted_lines(booking_id: uuid.UUID, quote: pricing_service.Quote) -> list[dict[str, Any]]:
    """The quote's menu lines as the booking's lines (`booking_lines` columns)."""
    return [
        {
            "booking_id": booking_id,
            "menu_item_id": line.menu_item_id,
            "name": line.name,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "pricing_unit": line.pricing_unit or "per_item",
            "amount": line.amount,
            "position": position,
        }
        for position, line in enumerate(line for line in quote.lines if line.kind == "menu")
    ]


def apply_quote(booking: Booking, quote: pricing_service.Quote) -> list[BookingLine]:
    """Copies the quote's amounts onto the booking; returns its menu lines to store."""
    for column, value in quoted_amounts(quote).items():
        setattr(booking, column, value)
    return [BookingLine(**line) for line in quoted_lines(booking.id, quote)]


@dataclass
class BookingPlan:
    """A booking read, checked and priced, not written yet: everything `write_booking` needs
    but the customer, the team the claim picks and the reference number."""

    organization_id: uuid.UUID
    # Held so that the writes find it in the session (its identity map keeps no strong refs).
    organization: Organization
    actor_user_id: uuid.UUID | None
    booking: dict[str, Any]
    lines: list[dict[str, Any]]
    change: dict[str, Any]
    window: Any
    guest_count: int
    hold_until: datetime | None
    team_id: uuid.UUID | None
    year: int
    message: str


async def create_booking(
    session: AsyncSession,
    *,
    customer_id: uuid.UUID,
    customer: customers_service.CustomerBrief | None = None,
    **request: Any,
) -> dict[str, Any]:
    """The booking as BookingRead (`plan_booking` then `write_booking`). The caller that has
    just found or made the customer passes its brief (one read fewer)."""
    plan = await plan_booking(session, **request)
    brief = customer
    if brief is None or brief.id != customer_id:
        brief = await customers_service.brief(
            session, organization_id=plan.organization_id, customer_id=customer_id
        )
    return await write_booking(session, plan, brief)


async def plan_booking(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    actor_user_id: uuid.UUID | None,
    event_date: date,
    event_time: time | None,
    guest_count: int,
    event_type: str = "other",
    location: str = "",
    location_details: dict[str, Any] | None = None,
    menu: Sequence[pricing_service.MenuChoice] = (),
    upgrades: Sequence[pricing_service.UpgradeChoice] = (),
    child_count: int = 0,
    notes: str = "",
    special_requests: str = "",
    status: str = PENDING,
    source: str = "admin",
    lead_id: uuid.UUID | None = None,
    public: bool = False,
    chef_team_id: uuid.UUID | None = None,
    message: str = "",
    calendar_checked: bool = False,
) -> BookingPlan:
    """Every read and check of a new booking, and its rows built, before anything is written
    (so that a request that defers its write turn, kit/db.py `defer_to_write`, holds the turn
    for its writes only). `event_time` None means the first slot of the day; a caller that has
    already run `check_bookable` on the same date, time and place says so."""
    outbox.fan_out_later(session)  # the worker writes the deliveries of this request's events
    organization = await organization_of(session, organization_id)
    settings = tenancy_service.settings_of(organization)
    if status not in (PENDING, CONFIRMED):
        raise ValidationFailed(details={"status": "A new booking is pending or confirmed"})
    if child_count > guest_count:
        raise ValidationFailed(details={"child_count": "Children are counted in guest_count"})
    kind_of_event = checked_event_type(settings.bookings, event_type)
    start_time = event_time or time.fromisoformat(settings.availability.slot_times[0])
    place = place_of(location, location_details)
    if not calendar_checked:
        await availability_service.check_bookable(
            session,
            organization_id=organization_id,
            event_date=event_date,
            event_time=start_time,
            city=place.city,
            zip_code=place.zip_code,
            public=public,
        )
    quote = await pricing_service.quote(
        session,
        organization_id=organization_id,
        request=pricing_service.PriceRequest(
            guest_count=guest_count,
            child_count=child_count,
            menu=tuple(menu),
            upgrades=tuple(upgrades),
            zip_code=place.zip_code,
            city=place.city,
        ),
    )
    if (
        status == CONFIRMED
        and quote.deposit_amount > 0
        and (settings.payments.require_deposit_to_confirm)
    ):
        raise InvalidState(
            f"The deposit is not paid yet ({quote.deposit_amount} {quote.currency} due); book it "
            "pending: the deposit confirms it when it arrives",
            details={"deposit_due": str(quote.deposit_amount)},
        )
    window = await availability_service.window(
        session, organization_id=organization_id, event_date=event_date, event_time=start_time
    )
    now = utcnow()
    hold_until = now + timedelta(hours=settings.availability.hold_hours)
    booking_id = uuid.uuid4()
    booking = {
        "id": booking_id,
        "reference_number": None,  # write_booking's
        "kind": "catering",
        "event_id": None,
        "customer_id": None,  # write_booking's
        "status": status,
        "event_date": event_date,
        "event_time": start_time,
        "timezone": window.timezone,
        "starts_at": window.starts_at,
        "ends_at": window.ends_at,
        "guest_count": guest_count,
        "child_count": child_count,
        "event_type": kind_of_event,
        "location": place.text,
        "location_details": place.details,
        "zip_code": place.zip_code,
        "city": place.city,
        "notes": notes,
        "special_requests": special_requests,
        "source": source,
        "chef_team_id": None,  # write_booking's
        "hold_expires_at": hold_until if status == PENDING else None,
        "confirmed_at": now if status == CONFIRMED else None,
        "completed_at": None,
        "cancelled_at": None,
        "cancellation_reason": None,
        "lead_id": lead_id,
        "created_by": actor_user_id,
        "amount_paid": Decimal(0),
        "amount_refunded": Decimal(0),
        "created_at": now,
        "updated_at": now,
        **quoted_amounts(quote),
    }
    lines = [
        {"id": uuid.uuid4(), "created_at": now, "updated_at": now, **line}
        for line in quoted_lines(booking_id, quote)
    ]
    change = {
        "id": uuid.uuid4(),
        "booking_id": booking_id,
        "from_status": None,
        "to_status": status,
        "reason": "",
        "changed_by": actor_user_id,
        "created_at": now,
        "updated_at": now,
    }
    return BookingPlan(
        organization_id=organization_id,
        organization=organization,
        actor_user_id=actor_user_id,
        booking=booking,
        lines=lines,
        change=change,
        window=window,
        guest_count=guest_count,
        hold_until=hold_until if status == PENDING else None,
        team_id=chef_team_id,
        year=now.astimezone(ZoneInfo(window.timezone)).year,
        message=message,
    )


async def write_booking(
    session: AsyncSession,
    plan: BookingPlan,
    customer: customers_service.CustomerBrief,
    *,
    reads: ReadPool | None = None,
) -> dict[str, Any]:
    """The planned booking's writes, back to back: its claim on a team (CapacityExceeded when
    none is free: nothing written, not even a number spent), its number, the booking with its
    lines and history, and its event. Returns it as BookingRead.

    With `reads` (the public request) on PostgreSQL, the hot rows are held for one round trip
    each: the number is taken first on `reads`, committed at once (a number then skipped when
    the booking rolls back is allowed, kit/numbering.py), and a party of one team is claimed as
    the transaction's last write (availability `claim_at_commit`), so the answer names no team
    (the public answer shows none)."""
    organization_id = plan.organization_id
    booking = plan.booking
    booking_id = booking["id"]
    claim_last = (
        reads is not None
        and plan.team_id is None
        and await availability_service.claim_at_commit(
            session,
            organization_id=organization_id,
            booking_id=booking_id,
            window=plan.window,
            guest_count=plan.guest_count,
            hold_until=plan.hold_until,
        )
    )
    if claim_last:
        assert reads is not None
        booking["chef_team_id"] = None  # the claim sets it at commit
        booking["reference_number"] = await take_reference_now(reads, organization_id, plan.year)
    else:
        booking["chef_team_id"] = await availability_service.claim(
            session,
            organization_id=organization_id,
            booking_id=booking_id,
            window=plan.window,
            guest_count=plan.guest_count,
            hold_until=plan.hold_until,
            team_id=plan.team_id,
            new_booking=True,
        )
        booking["reference_number"] = await next_reference(session, organization_id, plan.year)
    booking["customer_id"] = customer.id
    await BookingRepository(session, organization_id).insert_new(booking, plan.lines, plan.change)
    await outbox.emit(
        session,
        "booking.created",
        organization_id=organization_id,
        booking_id=booking_id,
        customer_id=customer.id,
        reference_number=booking["reference_number"],
        source=booking["source"],
        event_date=booking["event_date"].isoformat(),
        guest_count=booking["guest_count"],
        event_type=booking["event_type"],
        message=plan.message,
    )
    record(
        "booking.created",
        resource_type="booking",
        resource_id=booking_id,
        actor_user_id=plan.actor_user_id,
        organization_id=organization_id,
        changes={"reference_number": booking["reference_number"], "status": booking["status"]},
    )
    return detail(
        SimpleNamespace(organization_id=organization_id, **booking),
        customer,
        [SimpleNamespace(**line) for line in plan.lines],
        [SimpleNamespace(**plan.change)],
    )


def menu_choices(items: Sequence[MenuItemIn | str]) -> tuple[pricing_service.MenuChoice, ...]:
    """Seed 001's `{menu_item_id, quantity}` objects or seed 000's plain names."""
    return tuple(
        pricing_service.MenuChoice(name=item)
        if isinstance(item, str)
        else pricing_service.MenuChoice(
            menu_item_id=item.menu_item_id, name=item.name, quantity=item.quantity
        )
        for item in items
    )


async def create_from_form(
    session: AsyncSession, viewer: Viewer, form: BookingCreate
) -> dict[str, Any]:
    """POST /bookings (a `BookingCreate`): staff book for any customer, customers for
    themselves (pending only, within the public calendar's rules)."""
    if viewer.is_customer and form.status == CONFIRMED:
        raise Forbidden("Customers cannot confirm their own bookings")
    customer, source = await booking_customer(
        session, viewer, customer_id=form.customer_id, customer=form.customer
    )
    public = viewer.is_customer
    if form.event_id is not None:
        catering_only = sorted(CATERING_FIELDS & form.model_fields_set)
        if catering_only:
            raise ValidationFailed(
                details=dict.fromkeys(catering_only, "A seat booking takes this from its event")
            )
        return await create_seat_booking(
            session,
            organization_id=viewer.organization_id,
            actor_user_id=viewer.user_id,
            customer=customer,
            customer_user_id=viewer.user_id if viewer.is_customer else None,
            event_id=form.event_id,
            notes=form.notes,
            source=source,
        )
    # The form checked that a catering booking has both.
    assert form.event_date is not None
    assert form.guest_count is not None
    location = form.location
    return await create_booking(
        session,
        organization_id=viewer.organization_id,
        actor_user_id=viewer.user_id,
        customer_id=customer.id,
        event_date=form.event_date,
        event_time=form.event_time,
        guest_count=form.guest_count,
        child_count=form.child_count,
        event_type=form.event_type,
        location=location if isinstance(location, str) else "",
        location_details=None if isinstance(location, str) else location.model_dump(),
        menu=menu_choices(form.menu_items),
        upgrades=tuple(
            pricing_service.UpgradeChoice(name=u.name, quantity=u.quantity) for u in form.upgrades
        ),
        notes=form.notes,
        special_requests=form.special_requests,
        status=str(form.status),
        source=source,
        public=public,
        chef_team_id=None if viewer.is_customer else form.chef_team_id,
        customer=customer,
    )
