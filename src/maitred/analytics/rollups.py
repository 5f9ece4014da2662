"""Rollups of the booking figures: one row per organization, local event day, status and event
type (analytics/models.BookingDayFigures), so a year's figures read about days × statuses ×
types rows instead of scanning every booking.

Kept by outbox handlers: a change to a booking (created, status changed, rescheduled) or to its
money (a payment completed, a refund) makes the worker recompute the whole of that booking's
day (both days for a reschedule) from the bookings themselves. Recomputing rather than adding
deltas keeps a rollup exact whatever the order, repetition or concurrency of deliveries: the
day is locked first (an advisory lock on PostgreSQL; SQLite has one writer), so the last
recomputation of a day sees every change committed before it.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from datetime import date

from sqlalchemy import delete, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.analytics.models import BookingDayFigures
from maitred.bookings.figures_repository import BookingFigures, DayRow
from maitred.bookings.models import Booking
from maitred.kit import outbox

# Events after which a booking's figures may differ; their payloads name the booking.
EVENTS = (
    "booking.created",
    "booking.status_changed",
    "booking.rescheduled",
    "payment.completed",
    "payment.refunded",
)


def _lock_key(organization_id: uuid.UUID, day: date) -> int:
    digest = hashlib.blake2b(f"{organization_id}:{day}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


async def refresh_days(
    session: AsyncSession, organization_id: uuid.UUID, days: Iterable[date]
) -> None:
    """The rollup rows of these days, recomputed from the bookings."""
    figures = BookingFigures(session, organization_id)
    for day in sorted(set(days)):
        if session.get_bind().dialect.name == "postgresql":
            await session.execute(
                text("SELECT pg_advisory_xact_lock(:key)"),
                {"key": _lock_key(organization_id, day)},
            )
        await session.execute(
            delete(BookingDayFigures).where(
                BookingDayFigures.organization_id == organization_id,
                BookingDayFigures.day == day,
            )
        )
        rows = await figures.by_day(day, day)
        if rows:
            await session.execute(
                insert(BookingDayFigures),
                [
                    {
                        "id": uuid.uuid4(),
                        "organization_id": organization_id,
                        "day": row.day,
                        "status": row.status,
                        "event_type": row.event_type,
                        "count": row.count,
                        "guests": row.guests,
                        "recognised_minor": row.recognised_minor,
                        "earned_minor": row.earned_minor,
                    }
                    for row in rows
                ],
            )


async def rebuild(session: AsyncSession, organization_id: uuid.UUID) -> int:
    """Every day of the organization's bookings (after a migration or an import); how many."""
    days = (
        await session.scalars(
            select(Booking.event_date).where(Booking.organization_id == organization_id).distinct()
        )
    ).all()
    await refresh_days(session, organization_id, days)
    return len(days)


async def day_rows(
    session: AsyncSession, organization_id: uuid.UUID, start: date, end: date
) -> list[DayRow]:
    """The same rows as `BookingFigures.by_day(start, end)`, read from the rollup: what the
    figures service folds (analytics/service._folded) when it reads rollups."""
    statement = select(
        BookingDayFigures.day,
        BookingDayFigures.status,
        BookingDayFigures.event_type,
        BookingDayFigures.count,
        BookingDayFigures.guests,
        BookingDayFigures.recognised_minor,
        BookingDayFigures.earned_minor,
    ).where(
        BookingDayFigures.organization_id == organization_id,
        BookingDayFigures.day >= start,
        BookingDayFigures.day <= end,
    )
    return [DayRow(*row) for row in (await session.execute(statement)).all()]


async def _booking_changed(session: AsyncSession, event: outbox.Event) -> None:
    if event.organization_id is None:
        return
    days = {
        date.fromisoformat(str(event.payload[k]))
        for k in ("from_date", "to_date")
        if event.payload.get(k)
    }
    booking_id = event.payload.get("booking_id")
    if booking_id:
        current = await session.scalar(
            select(Booking.event_date).where(
                Booking.organization_id == event.organization_id,
                Booking.id == uuid.UUID(str(booking_id)),
            )
        )
        if current is not None:
            days.add(current)
    await refresh_days(session, event.organization_id, days)


for _name in EVENTS:
    outbox.register(_name, _booking_changed, name="analytics.rollups.booking_days")
