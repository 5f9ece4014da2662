"""Rollups of the booking figures: one row per organization, local event day, status and event
type (analytics/models.BookingDayFigures), so a year's figures read about days × statuses ×
types rows instead of scanning every booking.

Kept by outbox handlers: a change to a booking (created, status changed, rescheduled, or updated
in what the figures count: guests, price, event type, place, team) or to its money (a payment
completed, a refund) makes the worker recompute the whole of that booking's day (both days for
a reschedule) from the bookings themselves, with the day's tallies (analytics/day_tallies.py)
and the customer's first booking (analytics/customer_firsts.py). Recomputing rather than adding
deltas keeps a rollup exact whatever the order, repetition or concurrency of deliveries: the
day is locked first (an advisory lock on PostgreSQL; SQLite has one writer), so the last
recomputation of a day sees every change committed before it.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from datetime import date

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.analytics import customer_firsts, day_tallies
from maitred.analytics.models import BookingDayFigures, CustomerFirstBooking
from maitred.bookings.figures_repository import BookingFigures, DayRow
from maitred.bookings.models import Booking
from maitred.kit import outbox
from maitred.tenancy.snapshots import local_frame

# Events after which a booking's figures may differ; their payloads name the booking.
EVENTS = (
    "booking.created",
    "booking.status_changed",
    "booking.rescheduled",
    "booking.updated",
    "payment.completed",
    "payment.refunded",
)


def _lock_key(organization_id: uuid.UUID, day: date) -> int:
    digest = hashlib.blake2b(f"{organization_id}:{day}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


async def refresh_days(
    session: AsyncSession, organization_id: uuid.UUID, days: Iterable[date]
) -> None:
    """The rollup rows and tallies of these days, recomputed from the bookings."""
    figures = BookingFigures(session, organization_id)
    zone = (await local_frame(session, organization_id)).zone
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
        await day_tallies.refresh_day(session, figures, day, zone)


async def rebuild(
    session: AsyncSession, organization_id: uuid.UUID, days: Iterable[date] | None = None
) -> int:
    """Every day of the organization's bookings, or only `days` (after a migration or an
    import, which write past the outbox), and every customer's first booking; how many days."""
    if days is None:
        days = (
            await session.scalars(
                select(Booking.event_date)
                .where(Booking.organization_id == organization_id)
                .distinct()
            )
        ).all()
    days = set(days)
    await refresh_days(session, organization_id, days)
    await session.execute(
        delete(CustomerFirstBooking).where(CustomerFirstBooking.organization_id == organization_id)
    )
    firsts = (
        select(Booking.customer_id, func.min(Booking.event_date))
        .where(Booking.organization_id == organization_id, Booking.status != "cancelled")
        .group_by(Booking.customer_id)
    )
    rows = [
        {"id": uuid.uuid4(), "organization_id": organization_id, "customer_id": c, "first_day": d}
        for c, d in (await session.execute(firsts)).all()
    ]
    if rows:
        await session.execute(insert(CustomerFirstBooking), rows)
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


async def period_rows(
    session: AsyncSession, organization_id: uuid.UUID, start: date, end: date
) -> list[DayRow]:
    """The period's rollup summed per status and event type, as rows of its first day: enough
    for its totals but not for a series or weekdays (a previous period's change, read cheaply)."""
    statement = (
        select(
            BookingDayFigures.status,
            BookingDayFigures.event_type,
            func.sum(BookingDayFigures.count),
            func.sum(BookingDayFigures.guests),
            func.sum(BookingDayFigures.recognised_minor),
            func.sum(BookingDayFigures.earned_minor),
        )
        .where(
            BookingDayFigures.organization_id == organization_id,
            BookingDayFigures.day >= start,
            BookingDayFigures.day <= end,
        )
        .group_by(BookingDayFigures.status, BookingDayFigures.event_type)
    )
    return [
        DayRow(start, status, kind, int(n), int(guests), int(recognised), int(earned))
        for status, kind, n, guests, recognised, earned in (await session.execute(statement)).all()
    ]


async def refresh_booking(
    session: AsyncSession,
    organization_id: uuid.UUID,
    booking_id: uuid.UUID | None,
    days: Iterable[date] = (),
) -> None:
    """What one booking's change may have moved: its day (and `days`, such as the one it left)
    and its customer's first booking. Also for bookings written without the outbox (imports)."""
    days = set(days)
    if booking_id is not None:
        found = (
            await session.execute(
                select(Booking.event_date, Booking.customer_id).where(
                    Booking.organization_id == organization_id, Booking.id == booking_id
                )
            )
        ).one_or_none()
        if found is not None:
            days.add(found.event_date)
            await customer_firsts.refresh(session, organization_id, found.customer_id)
    await refresh_days(session, organization_id, days)


async def _booking_changed(session: AsyncSession, event: outbox.Event) -> None:
    if event.organization_id is None:
        return
    booking_id = event.payload.get("booking_id")
    await refresh_booking(
        session,
        event.organization_id,
        uuid.UUID(str(booking_id)) if booking_id else None,
        {
            date.fromisoformat(str(event.payload[k]))
            for k in ("from_date", "to_date")
            if event.payload.get(k)
        },
    )


for _name in EVENTS:
    outbox.register(_name, _booking_changed, name="analytics.rollups.booking_days")
