"""Changing a booking: its details, its date (re-priced and re-claimed in one transaction), and
its status through the machine of status.py."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.availability import service as availability_service
from maitred.bookings.models import Booking, BookingLine, BookingStatusChange
from maitred.bookings.repository import BookingRepository
from maitred.bookings.schemas import BookingUpdate
from maitred.bookings.service.access import Viewer
from maitred.bookings.service.location import place_of
from maitred.bookings.service.organization import checked_event_type, organization_of
from maitred.bookings.service.quoting import apply_quote, menu_choices, quote_at
from maitred.bookings.service.read import read_booking, visible_booking
from maitred.bookings.service.status import (
    ACTIVE,
    CANCELLED,
    COMPLETED,
    CONFIRMED,
    NO_SHOW,
    PENDING,
    check_move,
)
from maitred.crm import service as crm_service
from maitred.customers import service as customers_service
from maitred.events import service as events_service
from maitred.kit import outbox
from maitred.kit.auditnote import record
from maitred.kit.clock import utcnow
from maitred.kit.errors import Forbidden, InvalidState, ValidationFailed
from maitred.pricing import service as pricing_service
from maitred.tenancy import service as tenancy_service

RELEASING = (CANCELLED, NO_SHOW, COMPLETED)
# What analytics counts of a booking, besides its status, date and money (which have their own
# events): a change to one of them is announced as `booking.updated`.
FIGURES = ("event_type", "guest_count", "total_amount", "city", "chef_team_id", "event_id")


async def transition(
    session: AsyncSession,
    booking: Booking,
    *,
    to_status: str,
    reason: str = "",
    actor_user_id: uuid.UUID | None,
) -> None:
    """Moves the booking with a compare-and-swap on its status, then keeps capacity, loyalty,
    history and the outbox in step."""
    organization_id = booking.organization_id
    repository = BookingRepository(session, organization_id)
    current = booking.status
    check_move(current, to_status)
    now = utcnow()
    values: dict[str, Any] = {"updated_at": now}
    if to_status == CONFIRMED:
        await _check_deposit(session, booking)
        values.update(confirmed_at=now, hold_expires_at=None)
    elif to_status == CANCELLED:
        values.update(cancelled_at=now, cancellation_reason=reason or None)
    elif to_status == COMPLETED:
        values.update(completed_at=now)
    if not await repository.swap_status(booking.id, old=current, new=to_status, values=values):
        await session.refresh(booking)
        check_move(booking.status, to_status)
        raise InvalidState("The booking changed meanwhile; try again")
    await crm_service.booking_status_changed(session, organization_id, booking.id, to_status)
    if booking.kind == "seat":
        # A seat holds no chef team; a cancelled one goes back to the event.
        if to_status == CANCELLED and booking.event_id is not None:
            await events_service.release_seat(session, organization_id, booking.event_id)
    elif to_status == CONFIRMED:
        window = await availability_service.window(
            session,
            organization_id=organization_id,
            event_date=booking.event_date,
            event_time=booking.event_time,
        )
        booking.chef_team_id = await availability_service.confirm(
            session,
            organization_id=organization_id,
            booking_id=booking.id,
            window=window,
            guest_count=booking.guest_count,
        )
    elif to_status in RELEASING:
        await availability_service.release(
            session, organization_id=organization_id, booking_id=booking.id
        )
    if to_status == COMPLETED:
        await customers_service.credit_completed_booking(
            session,
            organization_id=organization_id,
            customer_id=booking.customer_id,
            amount=booking.total_amount,
        )
    repository.add_all(
        [
            BookingStatusChange(
                booking_id=booking.id,
                from_status=current,
                to_status=to_status,
                reason=reason,
                changed_by=actor_user_id,
                created_at=now,
            )
        ]
    )
    await outbox.emit(
        session,
        "booking.status_changed",
        organization_id=organization_id,
        booking_id=booking.id,
        from_status=current,
        to_status=to_status,
        reason=reason,
    )
    record(
        "booking.status_changed",
        resource_type="booking",
        resource_id=booking.id,
        actor_user_id=actor_user_id,
        organization_id=organization_id,
        changes={"from": current, "to": to_status, "reason": reason},
    )


async def _check_deposit(session: AsyncSession, booking: Booking) -> None:
    """Where the organization asks for it, nobody confirms a booking before its deposit."""
    owed = (booking.deposit_amount or 0) - (
        (booking.amount_paid or 0) - (booking.amount_refunded or 0)
    )
    if owed <= 0:
        return
    settings = tenancy_service.settings_of(await organization_of(session, booking.organization_id))
    if settings.payments.require_deposit_to_confirm:
        raise InvalidState(
            f"The deposit is not paid yet ({owed} {booking.currency} still due); "
            "it confirms the booking when it arrives",
            details={"deposit_due": str(owed)},
        )


def _kept_menu(lines: Sequence[BookingLine]) -> tuple[pricing_service.MenuChoice, ...]:
    """The booked menu again; per-guest items follow the (new) guest count."""
    return tuple(
        pricing_service.MenuChoice(
            menu_item_id=line.menu_item_id,
            name=None if line.menu_item_id else line.name,
            quantity=None if line.pricing_unit == "per_guest" else line.quantity,
        )
        for line in lines
    )


def _kept_upgrades(booking: Booking) -> tuple[pricing_service.UpgradeChoice, ...]:
    lines = (booking.pricing or {}).get("lines") or []
    return tuple(
        pricing_service.UpgradeChoice(name=str(line["name"]), quantity=int(line["quantity"]))
        for line in lines
        if isinstance(line, dict) and line.get("kind") == "upgrade"
    )


async def update_booking(
    session: AsyncSession, viewer: Viewer, booking_id: uuid.UUID, form: BookingUpdate
) -> dict[str, Any]:
    booking = await visible_booking(session, viewer, booking_id)
    if viewer.is_customer:
        raise Forbidden("Customers cannot change a booking; cancel it or contact us")
    repository = BookingRepository(session, viewer.organization_id)
    settings = tenancy_service.settings_of(await organization_of(session, viewer.organization_id))
    given = form.model_fields_set
    figures_before = {name: getattr(booking, name) for name in FIGURES}
    if booking.kind == "seat":
        fixed = sorted(given - {"notes", "status", "reason"})
        if fixed:
            raise ValidationFailed(
                details=dict.fromkeys(fixed, "A seat follows its event; cancel it and book another")
            )
    if form.notes is not None:
        booking.notes = form.notes
    if form.special_requests is not None:
        booking.special_requests = form.special_requests
    if form.event_type is not None:
        booking.event_type = checked_event_type(settings.bookings, form.event_type)

    guests = form.guest_count or booking.guest_count
    children = booking.child_count if form.child_count is None else form.child_count
    event_date = form.event_date or booking.event_date
    event_time = form.event_time or booking.event_time
    if form.location is None:
        place = place_of(booking.location, booking.location_details or None)
    elif isinstance(form.location, str):
        place = place_of(form.location)
    else:
        place = place_of("", form.location.model_dump())
    rescheduled = (event_date, event_time) != (booking.event_date, booking.event_time)
    team_changed = "chef_team_id" in given and form.chef_team_id != booking.chef_team_id
    repriced = (
        (guests, children) != (booking.guest_count, booking.child_count)
        or form.menu_items is not None
        or place.text != booking.location
    )
    reclaimed = rescheduled or guests != booking.guest_count or team_changed
    if (repriced or reclaimed) and booking.status not in ACTIVE:
        raise InvalidState(f"A {booking.status} booking can no longer be changed")
    if children > guests:
        raise ValidationFailed(details={"child_count": "Children are counted in guest_count"})
    if rescheduled:
        await availability_service.check_bookable(
            session,
            organization_id=viewer.organization_id,
            event_date=event_date,
            event_time=event_time,
            city=place.city,
            zip_code=place.zip_code,
            public=False,
        )
    if repriced:
        lines = await repository.lines_of(booking.id)
        menu = _kept_menu(lines) if form.menu_items is None else menu_choices(form.menu_items)
        quote = await quote_at(
            session,
            viewer.organization_id,
            place,
            guest_count=guests,
            child_count=children,
            menu=menu,
            upgrades=_kept_upgrades(booking),
        )
    if reclaimed:
        window = await availability_service.window(
            session,
            organization_id=viewer.organization_id,
            event_date=event_date,
            event_time=event_time,
        )
        hold = (
            utcnow() + timedelta(hours=settings.availability.hold_hours)
            if booking.status == PENDING
            else None
        )
        booking.chef_team_id = await availability_service.claim(
            session,
            organization_id=viewer.organization_id,
            booking_id=booking.id,
            window=window,
            guest_count=guests,
            hold_until=hold,
            team_id=form.chef_team_id if team_changed else None,
        )
        booking.hold_expires_at = hold
        booking.starts_at, booking.ends_at = window.starts_at, window.ends_at
        booking.timezone = window.timezone
    if repriced:
        await repository.replace_lines(booking.id, apply_quote(booking, quote))
    if rescheduled:
        await outbox.emit(
            session,
            "booking.rescheduled",
            organization_id=viewer.organization_id,
            booking_id=booking.id,
            from_date=booking.event_date.isoformat(),
            to_date=event_date.isoformat(),
            from_time=booking.event_time.isoformat(),
            to_time=event_time.isoformat(),
        )
    booking.guest_count, booking.child_count = guests, children
    booking.event_date, booking.event_time = event_date, event_time
    booking.location, booking.location_details = place.text, place.details
    booking.city, booking.zip_code = place.city, place.zip_code
    booking.updated_at = utcnow()
    if form.status is not None and form.status != booking.status:
        await transition(
            session,
            booking,
            to_status=str(form.status),
            reason=form.reason or "",
            actor_user_id=viewer.user_id,
        )
    changed = sorted(n for n in FIGURES if getattr(booking, n) != figures_before[n])
    if changed:
        await outbox.emit(
            session,
            "booking.updated",
            organization_id=viewer.organization_id,
            booking_id=booking.id,
            changed=changed,
        )
    await session.flush()
    record(
        "booking.updated",
        resource_type="booking",
        resource_id=booking.id,
        changes={name: str(getattr(form, name)) for name in sorted(given)},
    )
    return await read_booking(session, booking)


async def cancel_booking(
    session: AsyncSession, viewer: Viewer, booking_id: uuid.UUID, *, reason: str = ""
) -> dict[str, Any]:
    """Customers cancel their own bookings, and only until the policy's notice before."""
    booking = await visible_booking(session, viewer, booking_id)
    if viewer.is_customer:
        check_move(booking.status, CANCELLED)
        settings = tenancy_service.settings_of(
            await organization_of(session, viewer.organization_id)
        )
        hours = settings.bookings.customer_cancel_hours
        deadline = booking.starts_at - timedelta(hours=hours)
        if utcnow() > deadline:
            local = deadline.astimezone(ZoneInfo(booking.timezone))
            raise InvalidState(
                f"Bookings can be cancelled online until {hours} hours before the event "
                f"(until {local:%Y-%m-%d %H:%M}); please contact us",
                details={"cancel_until": local.isoformat()},
            )
    await transition(
        session, booking, to_status=CANCELLED, reason=reason, actor_user_id=viewer.user_id
    )
    await session.flush()
    return await read_booking(session, booking)
