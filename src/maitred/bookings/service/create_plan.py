"""The first half of making a booking: every read and check, and its rows built, before anything
is written (`plan_booking`). Kept apart from the writes (create_writes.py) so that a request that
defers its write turn holds the turn for its writes only, and the public request can find its
customer between the two."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.availability import service as availability_service
from maitred.bookings.service.location import place_of
from maitred.bookings.service.organization import checked_event_type, organization_of
from maitred.bookings.service.quoting import quote_at, quoted_amounts, quoted_lines
from maitred.bookings.service.status import CONFIRMED, PENDING
from maitred.kit import outbox
from maitred.kit.clock import utcnow
from maitred.kit.errors import InvalidState, ValidationFailed
from maitred.pricing import service as pricing_service
from maitred.tenancy import service as tenancy_service
from maitred.tenancy.models import Organization


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
    quote = await quote_at(
        session,
        organization_id,
        place,
        guest_count=guest_count,
        child_count=child_count,
        menu=menu,
        upgrades=upgrades,
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
