"""The booking-day tallies (analytics/models.BookingDayTally): per local event day, how many
bookings that went ahead share a start time, a city, a lead time or a customer. Written by
analytics/rollups.refresh_days under its day lock, from the same grouped statements the full
figures use (bookings/figures_repository.py) restricted to that day, so both agree by
construction; read here by summing a period's days."""

from __future__ import annotations

import uuid
from datetime import date, time

from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.analytics.models import BookingDayTally
from maitred.bookings.figures_repository import BookingFigures

TIME, CITY, LEAD, CUSTOMER = "time", "city", "lead", "customer"


async def refresh_day(session: AsyncSession, figures: BookingFigures, day: date, zone: str) -> None:
    """The day's tallies recomputed from its bookings (the caller holds the day's lock)."""
    organization_id = figures.organization_id
    await session.execute(
        delete(BookingDayTally).where(
            BookingDayTally.organization_id == organization_id, BookingDayTally.day == day
        )
    )
    tallies: list[tuple[str, str, int, int]] = []
    times = await figures.popular_times(day, day, None)
    tallies += [(TIME, at.isoformat(), n, 0) for at, n in times]
    tallies += [(CITY, city, n, 0) for city, n in await figures.top_cities(day, day, None)]
    tallies += [(LEAD, str(days), n, 0) for days, n in await figures.lead_days(day, day, zone)]
    tallies += [
        (CUSTOMER, str(c), n, cents) for c, n, cents in await figures.customers_of(day, day)
    ]
    if tallies:
        await session.execute(
            insert(BookingDayTally),
            [
                {
                    "id": uuid.uuid4(),
                    "organization_id": organization_id,
                    "day": day,
                    "kind": kind,
                    "key": key,
                    "count": n,
                    "amount_minor": cents,
                }
                for kind, key, n, cents in tallies
            ],
        )


def _period(organization_id: uuid.UUID, kind: str, start: date, end: date) -> tuple[object, ...]:
    return (
        BookingDayTally.organization_id == organization_id,
        BookingDayTally.kind == kind,
        BookingDayTally.day >= start,
        BookingDayTally.day <= end,
    )


async def _top(
    session: AsyncSession,
    organization_id: uuid.UUID,
    kind: str,
    start: date,
    end: date,
    limit: int | None,
) -> list[tuple[str, int]]:
    total = func.sum(BookingDayTally.count)
    statement = (
        select(BookingDayTally.key, total)
        .where(*_period(organization_id, kind, start, end))  # type: ignore[arg-type]
        .group_by(BookingDayTally.key)
        .order_by(total.desc(), BookingDayTally.key)
        .limit(limit)
    )
    return [(str(key), int(n)) for key, n in (await session.execute(statement)).all()]


async def popular_times(
    session: AsyncSession, organization_id: uuid.UUID, start: date, end: date, limit: int = 3
) -> list[tuple[time, int]]:
    """As `BookingFigures.popular_times`, from the tallies."""
    rows = await _top(session, organization_id, TIME, start, end, limit)
    return [(time.fromisoformat(key), n) for key, n in rows]


async def top_cities(
    session: AsyncSession, organization_id: uuid.UUID, start: date, end: date, limit: int = 5
) -> list[tuple[str, int]]:
    """As `BookingFigures.top_cities`, from the tallies."""
    return await _top(session, organization_id, CITY, start, end, limit)


async def lead_days(
    session: AsyncSession, organization_id: uuid.UUID, start: date, end: date
) -> list[tuple[int, int]]:
    """As `BookingFigures.lead_days` (in the zone the tallies were kept in), from the tallies."""
    rows = await _top(session, organization_id, LEAD, start, end, None)
    return [(int(key), n) for key, n in rows]


async def top_customers(
    session: AsyncSession, organization_id: uuid.UUID, start: date, end: date, limit: int = 10
) -> list[tuple[uuid.UUID, int, int]]:
    """As `BookingFigures.top_customers`, from the tallies."""
    count, cents = func.sum(BookingDayTally.count), func.sum(BookingDayTally.amount_minor)
    statement = (
        select(BookingDayTally.key, count, cents)
        .where(*_period(organization_id, CUSTOMER, start, end))  # type: ignore[arg-type]
        .group_by(BookingDayTally.key)
        .order_by(cents.desc(), count.desc(), BookingDayTally.key)
        .limit(limit)
    )
    return [
        (uuid.UUID(key), int(n), int(total))
        for key, n, total in (await session.execute(statement)).all()
    ]
