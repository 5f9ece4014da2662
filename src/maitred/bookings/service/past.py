"""Recording a booking whose event is over (history brought in from elsewhere, the demo's book):
priced and numbered like a new one, with the status history it went through.

It claims no chef team: a day that has passed has no capacity left to protect, and the claim
ledger only guards events to come. Nothing is announced on the outbox either, so no handler
confirms, reminds or follows up an event that already took place.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.availability import service as availability_service
from maitred.availability import teams as teams_service
from maitred.bookings.models import Booking, BookingStatusChange
from maitred.bookings.repository import BookingRepository
from maitred.bookings.service.crm_records import track_in_crm
from maitred.bookings.service.location import place_of
from maitred.bookings.service.numbers import next_reference
from maitred.bookings.service.organization import checked_event_type, organization_of
from maitred.bookings.service.quoting import apply_quote, quote_at
from maitred.bookings.service.read import detail
from maitred.bookings.service.status import (
    CANCELLED,
    COMPLETED,
    CONFIRMED,
    PENDING,
    check_move,
)
from maitred.customers import service as customers_service
from maitred.kit.auditnote import record
from maitred.kit.clock import utcnow
from maitred.kit.errors import NotFound, ValidationFailed
from maitred.pricing import service as pricing_service
from maitred.tenancy import service as tenancy_service

StatusAt = tuple[str, datetime]


def _check_history(history: Sequence[StatusAt], now: datetime) -> None:
    """A booking starts pending or confirmed and moves as the status machine allows, at
    non-decreasing times no later than now."""
    if not history or history[0][0] not in (PENDING, CONFIRMED):
        raise ValidationFailed(details={"history": "Starts with pending or confirmed"})
    for (before, before_at), (after, after_at) in zip(history, history[1:], strict=False):
        check_move(before, after)
        if after_at < before_at:
            raise ValidationFailed(details={"history": "Times must not go backwards"})
    if history[-1][1] > now:
        raise ValidationFailed(details={"history": "Times must not be in the future"})


async def _check_team(
    session: AsyncSession, organization_id: uuid.UUID, team_id: uuid.UUID | None
) -> None:
    if team_id is None:
        return
    try:
        await teams_service.get(session, organization_id=organization_id, team_id=team_id)
    except NotFound:
        raise ValidationFailed(details={"chef_team_id": "No such chef team"}) from None


async def record_past_booking(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    actor_user_id: uuid.UUID | None,
    customer_id: uuid.UUID,
    event_date: date,
    event_time: time,
    guest_count: int,
    history: Sequence[StatusAt],
    child_count: int = 0,
    event_type: str = "other",
    location: str = "",
    location_details: dict[str, Any] | None = None,
    menu: Sequence[pricing_service.MenuChoice] = (),
    upgrades: Sequence[pricing_service.UpgradeChoice] = (),
    notes: str = "",
    special_requests: str = "",
    source: str = "admin",
    chef_team_id: uuid.UUID | None = None,
    reason: str = "",
) -> dict[str, Any]:
    """The booking as BookingRead. `history` is each status with when it was reached
    (`[("pending", t0), ("confirmed", t1), ("completed", t2)]`): the first time is when it was
    booked (and which year numbers it), the last status is where it stands. The event must be
    over. A completed booking credits the customer's loyalty as completing it would have;
    `reason` goes with a cancellation or a no-show."""
    now = utcnow()
    _check_history(history, now)
    if child_count > guest_count:
        raise ValidationFailed(details={"child_count": "Children are counted in guest_count"})
    organization = await organization_of(session, organization_id)
    settings = tenancy_service.settings_of(organization)
    kind_of_event = checked_event_type(settings.bookings, event_type)
    window = await availability_service.window(
        session, organization_id=organization_id, event_date=event_date, event_time=event_time
    )
    if window.ends_at > now:
        raise ValidationFailed(
            details={"event_date": "The event is not over yet: book it as a new booking"}
        )
    await _check_team(session, organization_id, chef_team_id)
    brief = await customers_service.brief(
        session, organization_id=organization_id, customer_id=customer_id
    )
    place = place_of(location, location_details)
    quote = await quote_at(
        session,
        organization_id,
        place,
        guest_count=guest_count,
        child_count=child_count,
        menu=menu,
        upgrades=upgrades,
    )
    booked_at, (status, updated_at) = history[0][1], history[-1]
    reached = dict(history)
    year = booked_at.astimezone(ZoneInfo(window.timezone)).year
    booking = Booking(
        id=uuid.uuid4(),
        reference_number=await next_reference(session, organization_id, year),
        customer_id=customer_id,
        status=status,
        event_date=event_date,
        event_time=event_time,
        timezone=window.timezone,
        starts_at=window.starts_at,
        ends_at=window.ends_at,
        guest_count=guest_count,
        child_count=child_count,
        event_type=kind_of_event,
        location=place.text,
        location_details=place.details,
        zip_code=place.zip_code,
        city=place.city,
        notes=notes,
        special_requests=special_requests,
        source=source,
        chef_team_id=chef_team_id,
        confirmed_at=reached.get(CONFIRMED),
        completed_at=reached.get(COMPLETED),
        cancelled_at=reached.get(CANCELLED),
        cancellation_reason=(reason or None) if status == CANCELLED else None,
        created_by=actor_user_id,
        amount_paid=Decimal(0),
        created_at=booked_at,
        updated_at=updated_at,
    )
    lines = apply_quote(booking, quote)
    repository = BookingRepository(session, organization_id)
    repository.add(booking)
    await session.flush()  # the booking before the rows that refer to it
    changes = [
        BookingStatusChange(
            booking_id=booking.id,
            from_status=history[index - 1][0] if index else None,
            to_status=to_status,
            reason=reason if index and to_status == history[-1][0] else "",
            changed_by=actor_user_id,
            created_at=at,
        )
        for index, (to_status, at) in enumerate(history)
    ]
    repository.add_all([*lines, *changes])
    await track_in_crm(session, booking, actor_user_id)
    await session.flush()
    if status == COMPLETED:
        await customers_service.credit_completed_booking(
            session,
            organization_id=organization_id,
            customer_id=customer_id,
            amount=booking.total_amount,
        )
    record(
        "booking.recorded",
        resource_type="booking",
        resource_id=booking.id,
        actor_user_id=actor_user_id,
        organization_id=organization_id,
        changes={"reference_number": booking.reference_number, "status": status},
    )
    return detail(booking, brief, lines, changes)
