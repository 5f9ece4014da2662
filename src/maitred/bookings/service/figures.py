"""The booking figures analytics reads (bookings/figures_repository.py), for the organization's
local calendar days; amounts in cents."""

from __future__ import annotations

import uuid
from datetime import date, time

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.bookings.figures_repository import BookingFigures, CustomerCounts, DayRow

__all__ = [
    "CustomerCounts",
    "DayRow",
    "by_day",
    "customers",
    "lead_days",
    "popular_times",
    "team_minutes",
    "top_cities",
    "top_customers",
]

Place = uuid.UUID | None  # a location's bookings only, or all the organization's


async def by_day(
    session: AsyncSession,
    organization_id: uuid.UUID,
    start: date,
    end: date,
    location_id: Place = None,
) -> list[DayRow]:
    return await BookingFigures(session, organization_id, location_id).by_day(start, end)


async def popular_times(
    session: AsyncSession,
    organization_id: uuid.UUID,
    start: date,
    end: date,
    limit: int = 3,
    location_id: Place = None,
) -> list[tuple[time, int]]:
    return await BookingFigures(session, organization_id, location_id).popular_times(
        start, end, limit
    )


async def top_cities(
    session: AsyncSession,
    organization_id: uuid.UUID,
    start: date,
    end: date,
    limit: int = 5,
    location_id: Place = None,
) -> list[tuple[str, int]]:
    return await BookingFigures(session, organization_id, location_id).top_cities(start, end, limit)


async def customers(
    session: AsyncSession,
    organization_id: uuid.UUID,
    start: date,
    end: date,
    active_since: date,
    location_id: Place = None,
) -> CustomerCounts:
    return await BookingFigures(session, organization_id, location_id).customers(
        start, end, active_since
    )


async def top_customers(
    session: AsyncSession,
    organization_id: uuid.UUID,
    start: date,
    end: date,
    limit: int = 10,
    location_id: Place = None,
) -> list[tuple[uuid.UUID, int, int]]:
    return await BookingFigures(session, organization_id, location_id).top_customers(
        start, end, limit
    )


async def lead_days(
    session: AsyncSession,
    organization_id: uuid.UUID,
    start: date,
    end: date,
    zone: str,
    location_id: Place = None,
) -> list[tuple[int, int]]:
    return await BookingFigures(session, organization_id, location_id).lead_days(start, end, zone)


async def team_minutes(
    session: AsyncSession,
    organization_id: uuid.UUID,
    start: date,
    end: date,
    location_id: Place = None,
) -> list[tuple[uuid.UUID, int, int]]:
    return await BookingFigures(session, organization_id, location_id).team_minutes(start, end)
