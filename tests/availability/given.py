"""Chef teams, dates and bookings for the availability tests."""

from __future__ import annotations

import itertools
import uuid
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.availability import service as availability_service
from maitred.availability import teams as teams_service
from maitred.availability.calendar import Window
from maitred.availability.models import CapacityClaim
from maitred.bookings.models import Booking
from maitred.customers.models import Customer
from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from maitred.kit.outbox import OutboxEvent
from maitred.tenancy.models import Organization

ZONE = ZoneInfo("America/Los_Angeles")  # the zone of tests.factories.given_organization
_numbers = itertools.count(1)


def local_today() -> date:
    return datetime.now(ZONE).date()


def next_weekday(iso_weekday: int, *, after_days: int = 3) -> date:
    """The first date with `iso_weekday` at least `after_days` from today (local)."""
    day = local_today() + timedelta(days=after_days)
    while day.isoweekday() != iso_weekday:
        day += timedelta(days=1)
    return day


async def given_team(
    database: Database,
    organization: Organization,
    name: str | None = None,
    *,
    working_weekdays: list[int] | None = None,
    time_off: list[dict[str, Any]] | None = None,
    is_active: bool = True,
) -> uuid.UUID:
    async with database.transaction() as session:
        team = await teams_service.create(
            session,
            organization_id=organization.id,
            name=name or f"Team {next(_numbers)}",
            working_weekdays=working_weekdays or [1, 2, 3, 4, 5, 6, 7],
            time_off=time_off or [],
            is_active=is_active,
        )
    team_id: uuid.UUID = team["id"]
    return team_id


async def window_of(database: Database, organization: Organization, day: date, at: str) -> Window:
    hour, minute = at.split(":")
    async with database.transaction(write=False) as session:
        return await availability_service.window(
            session,
            organization_id=organization.id,
            event_date=day,
            event_time=time(int(hour), int(minute)),
        )


async def add_booking(
    session: AsyncSession,
    organization: Organization,
    window: Window,
    *,
    status: str = "pending",
    guest_count: int = 8,
    hold: timedelta | None = None,
) -> uuid.UUID:
    """A booking row as the book keeps it (the bookings service is another part's), without
    any claim: the tests claim for it themselves."""
    customer = Customer(organization_id=organization.id, name="Sam Guest")
    session.add(customer)
    await session.flush()
    booking = Booking(
        organization_id=organization.id,
        reference_number=f"BK-T-{next(_numbers):06d}",
        customer_id=customer.id,
        status=status,
        event_date=window.day,
        event_time=window.starts_at.astimezone(ZONE).time(),
        timezone=window.timezone,
        starts_at=window.starts_at,
        ends_at=window.ends_at,
        guest_count=guest_count,
        hold_expires_at=utcnow() + hold if hold is not None else None,
    )
    session.add(booking)
    await session.flush()
    booking_id: uuid.UUID = booking.id
    return booking_id


async def given_booking(
    database: Database,
    organization: Organization,
    day: date,
    at: str = "18:00",
    *,
    status: str = "pending",
    guest_count: int = 8,
    hold: timedelta | None = None,
) -> uuid.UUID:
    window = await window_of(database, organization, day, at)
    async with database.transaction() as session:
        return await add_booking(
            session, organization, window, status=status, guest_count=guest_count, hold=hold
        )


async def set_booking_status(database: Database, booking_id: uuid.UUID, status: str) -> None:
    async with database.transaction() as session:
        booking = await session.get(Booking, booking_id)
        assert booking is not None
        booking.status = status


async def claims_of(database: Database, booking_id: uuid.UUID) -> list[CapacityClaim]:
    async with database.transaction(write=False) as session:
        rows = await session.scalars(
            select(CapacityClaim)
            .where(CapacityClaim.booking_id == booking_id)
            .order_by(CapacityClaim.created_at)
        )
        return list(rows.all())


async def events_named(database: Database, name: str) -> list[dict[str, Any]]:
    async with database.transaction(write=False) as session:
        rows = await session.scalars(
            select(OutboxEvent).where(OutboxEvent.name == name).order_by(OutboxEvent.created_at)
        )
        return [event.payload for event in rows.all()]
