"""The booking figures analytics reads (bookings/figures_repository.py), for the organization's
local calendar days; amounts in cents."""

from __future__ import annotations

import uuid
from datetime import date, time

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.bookings.figures_repository import BookingFigures, CustomerCounts, DayRow

__all__ = ["CustomerCounts", "DayRow", "by_day", "customers", "popular_times", "top_cities"]


async def by_day(
    session: AsyncSession, organization_id: uuid.UUID, start: date, end: date
) -> list[DayRow]:
    return await BookingFigures(session, organization_id).by_day(start, end)


async def popular_times(
    session: AsyncSession, organization_id: uuid.UUID, start: date, end: date, limit: int = 3
) -> list[tuple[time, int]]:
    return await BookingFigures(session, organization_id).popular_times(start, end, limit)


async def top_cities(
    session: AsyncSession, organization_id: uuid.UUID, start: date, end: date, limit: int = 5
) -> list[tuple[str, int]]:
    return await BookingFigures(session, organization_id).top_cities(start, end, limit)


async def customers(
    session: AsyncSession, organization_id: uuid.UUID, start: date, end: date, active_since: date
) -> CustomerCounts:
    return await BookingFigures(session, organization_id).customers(start, end, active_since)


async def top_customers(
    session: AsyncSession, organization_id: uuid.UUID, start: date, end: date, limit: int = 10
) -> list[tuple[uuid.UUID, int, int]]:
    return await BookingFigures(session, organization_id).top_customers(start, end, limit)
