"""Where each booking figure is read from: the rollups (analytics/rollups.py, day_tallies.py,
customer_firsts.py, customer_spans.py) for the whole organization, the bookings themselves for
one location (a location's bookings are those of its chef teams and events, which may move
between locations; the rollups are kept per organization only). Both give the same answers
(tests/analytics/test_rollups.py)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, time

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.analytics import customer_firsts, customer_spans, day_tallies, rollups
from maitred.bookings.service import figures as booking_figures

Place = uuid.UUID | None


async def day_rows(
    session: AsyncSession, organization_id: uuid.UUID, start: date, end: date, location_id: Place
) -> list[booking_figures.DayRow]:
    if location_id is None:
        return await rollups.day_rows(session, organization_id, start, end)
    return await booking_figures.by_day(session, organization_id, start, end, location_id)


async def popular_times(
    session: AsyncSession, organization_id: uuid.UUID, start: date, end: date, location_id: Place
) -> list[tuple[time, int]]:
    if location_id is None:
        return await day_tallies.popular_times(session, organization_id, start, end)
    return await booking_figures.popular_times(
        session, organization_id, start, end, location_id=location_id
    )


async def top_cities(
    session: AsyncSession, organization_id: uuid.UUID, start: date, end: date, location_id: Place
) -> list[tuple[str, int]]:
    if location_id is None:
        return await day_tallies.top_cities(session, organization_id, start, end)
    return await booking_figures.top_cities(
        session, organization_id, start, end, location_id=location_id
    )


async def lead_days(
    session: AsyncSession,
    organization_id: uuid.UUID,
    start: date,
    end: date,
    zone: str,
    location_id: Place,
) -> list[tuple[int, int]]:
    if location_id is None:
        return await day_tallies.lead_days(session, organization_id, start, end)
    return await booking_figures.lead_days(session, organization_id, start, end, zone, location_id)


async def top_customers(
    session: AsyncSession, organization_id: uuid.UUID, start: date, end: date, location_id: Place
) -> list[tuple[uuid.UUID, int, int]]:
    if location_id is None:
        return await customer_spans.top_customers(session, organization_id, start, end)
    return await booking_figures.top_customers(
        session, organization_id, start, end, location_id=location_id
    )


async def customers(
    session: AsyncSession,
    organization_id: uuid.UUID,
    start: date,
    end: date,
    active_since: date,
    location_id: Place,
) -> booking_figures.CustomerCounts:
    """New, returning and active customers (`BookingFigures.customers`): new ones from their
    kept first booking, the others from their kept booking days."""
    periods = [(start, end, active_since)]
    return (await customers_of(session, organization_id, periods, location_id))[0]


async def customers_of(
    session: AsyncSession,
    organization_id: uuid.UUID,
    periods: Sequence[tuple[date, date, date]],
    location_id: Place,
) -> list[booking_figures.CustomerCounts]:
    """`customers` of each (start, end, active since) period; from the rollups in one
    statement."""
    if location_id is not None:
        return [
            await booking_figures.customers(session, organization_id, s, e, a, location_id)
            for s, e, a in periods
        ]
    found = await customer_firsts.counts(session, organization_id, periods)
    return [
        booking_figures.CustomerCounts(new, booked - new, active) for new, booked, active in found
    ]
