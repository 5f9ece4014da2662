"""A studio's events for seat booking tests, stored directly (the events API has its own tests)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from maitred.bookings.models import Booking
from maitred.events.models import Event, Facilitator
from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from maitred.tenancy.models import Organization


async def given_event(
    database: Database,
    organization: Organization,
    *,
    seats: int = 10,
    days_ahead: int = 7,
    status: str = "active",
    price: Decimal = Decimal("25.00"),
    event_type: str = "session",
) -> uuid.UUID:
    async with database.transaction() as session:
        facilitator = Facilitator(
            organization_id=organization.id, name="Jane Smith", bio="Meditation teacher"
        )
        session.add(facilitator)
        await session.flush()
        starts = utcnow().replace(microsecond=0) + timedelta(days=days_ahead)
        event = Event(
            organization_id=organization.id,
            title="Morning Meditation Session",
            description="Start your day with mindfulness",
            event_type=event_type,
            facilitator_id=facilitator.id,
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            timezone=organization.timezone,
            location="Wellness Center",
            max_participants=seats,
            price=price,
            currency="USD",
            status=status,
        )
        session.add(event)
        await session.flush()
        return event.id


async def seats_taken(database: Database, event_id: uuid.UUID) -> int:
    async with database.transaction(write=False) as session:
        return int(await session.scalar(select(Event.seats_taken).where(Event.id == event_id)))


async def active_seats(database: Database, event_id: uuid.UUID) -> int:
    async with database.transaction(write=False) as session:
        counted = await session.scalar(
            select(func.count())
            .select_from(Booking)
            .where(Booking.event_id == event_id, Booking.status.in_(("pending", "confirmed")))
        )
        return int(counted or 0)
