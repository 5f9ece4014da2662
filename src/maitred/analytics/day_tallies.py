"""The booking-day tallies (analytics/models.BookingDayTally): per local event day, how many
bookings that went ahead share a start time, a city or a lead time. Moved by each booking's
difference (analytics/counted.py) and rebuilt by analytics/rollups.rebuild; read here by
summing a period's days. A period's best customers read analytics/customer_spans.py."""

from __future__ import annotations

import uuid
from datetime import date, time

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.analytics.models import BookingDayTally

TIME, CITY, LEAD = "time", "city", "lead"


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
