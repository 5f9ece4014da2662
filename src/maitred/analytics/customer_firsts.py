"""Each customer's first booking that went ahead (analytics/models.CustomerFirstBooking), the
days they have one, each with the previous (analytics/models.CustomerDay), and the years they
have one, with the first and last such day (analytics/models.CustomerYear), kept by the same
outbox events as the booking-day rollup: the customers new in a period, and those with a
booking in it, are then counts over an index instead of the minimum or the distinct count over
every customer's bookings. Recomputed from the customer's bookings (a few rows, by index) when
a booking's customer, day or cancellation changed, under a lock per customer, so deliveries in
any order or twice agree."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, bindparam, delete, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.analytics import deltas
from maitred.analytics.models import CustomerDay, CustomerFirstBooking, CustomerYear
from maitred.bookings.models import Booking

_FIRSTS: Any = CustomerFirstBooking.__table__
_CUSTOMER_DAYS: Any = CustomerDay.__table__
_YEARS: Any = CustomerYear.__table__
_DAYS = (
    select(Booking.organization_id, Booking.customer_id, Booking.event_date)
    .where(  # both lists, so that ix_bookings_org_customer_date serves it on both databases
        Booking.organization_id.in_(bindparam("orgs", expanding=True)),
        Booking.customer_id.in_(bindparam("customers", expanding=True)),
        Booking.status != "cancelled",
    )
    .distinct()
    .order_by(Booking.organization_id, Booking.customer_id, Booking.event_date)
)
_FORGET_FIRST = delete(_FIRSTS).where(
    _FIRSTS.c.organization_id == bindparam("org"), _FIRSTS.c.customer_id == bindparam("customer")
)
_FORGET_DAYS = delete(_CUSTOMER_DAYS).where(
    _CUSTOMER_DAYS.c.organization_id == bindparam("org"),
    _CUSTOMER_DAYS.c.customer_id == bindparam("customer"),
)
_FORGET_YEARS = delete(_YEARS).where(
    _YEARS.c.organization_id == bindparam("org"), _YEARS.c.customer_id == bindparam("customer")
)


async def refresh(
    session: AsyncSession, organization_id: uuid.UUID, customer_id: uuid.UUID
) -> None:
    await refresh_many(session, [(organization_id, customer_id)])


async def refresh_many(
    session: AsyncSession, customers: Iterable[tuple[uuid.UUID, uuid.UUID]]
) -> None:
    """Each (organization, customer)'s rows recomputed from their bookings, all at once: one
    read of their days, one statement per table to forget and one to write."""
    pairs = sorted(set(customers), key=lambda pair: (str(pair[0]), str(pair[1])))
    if not pairs:
        return
    await deltas.lock_many(session, [("first", org, customer) for org, customer in pairs])
    days: dict[tuple[uuid.UUID, uuid.UUID], list[date]] = {pair: [] for pair in pairs}
    asked = {"orgs": sorted({o for o, _ in pairs}), "customers": sorted({c for _, c in pairs})}
    found = await session.execute(_DAYS, asked)
    for org, customer, day in found.all():
        if (org, customer) in days:
            days[(org, customer)].append(day)
    named = [{"org": org, "customer": customer} for org, customer in pairs]
    for forget in (_FORGET_FIRST, _FORGET_DAYS, _FORGET_YEARS):
        await session.execute(forget, named)
    booked = [(pair, each) for pair, each in days.items() if each]
    if not booked:
        return
    firsts = [
        {"id": uuid.uuid4(), "organization_id": org, "customer_id": customer, "first_day": each[0]}
        for (org, customer), each in booked
    ]
    customer_days = [
        {
            "id": uuid.uuid4(),
            "organization_id": org,
            "customer_id": customer,
            "day": day,
            "previous_day": previous,
        }
        for (org, customer), each in booked
        for previous, day in zip([None, *each], each, strict=False)
    ]
    years = [row for (org, customer), each in booked for row in _years(org, customer, each)]
    await session.execute(insert(_FIRSTS), firsts)
    await session.execute(insert(_CUSTOMER_DAYS), customer_days)
    await session.execute(insert(_YEARS), years)


def _years(
    organization_id: uuid.UUID, customer_id: uuid.UUID, days: list[date]
) -> list[dict[str, Any]]:
    """One row per year of `days` (in order): its first and last day, and the day before it."""
    rows: list[dict[str, Any]] = []
    for previous, day in zip([None, *days], days, strict=False):
        if previous is not None and previous.year == day.year:
            rows[-1]["last_day"] = day
            continue
        rows.append(
            {
                "id": uuid.uuid4(),
                "organization_id": organization_id,
                "customer_id": customer_id,
                "year_start": date(day.year, 1, 1),
                "first_day": day,
                "last_day": day,
                "previous_day": previous,
            }
        )
    return rows


def _new(organization_id: uuid.UUID, start: date, end: date) -> Any:
    return (
        select(func.count())
        .where(
            CustomerFirstBooking.organization_id == organization_id,
            CustomerFirstBooking.first_day >= start,
            CustomerFirstBooking.first_day <= end,
        )
        .scalar_subquery()
    )


@dataclass(frozen=True)
class _Piece:
    """The part of a period in one year; `first`: whether the period starts in it."""

    start: date
    end: date
    first: bool


def _pieces(start: date, end: date) -> list[_Piece]:
    return [
        _Piece(max(start, date(year, 1, 1)), min(end, date(year, 12, 31)), year == start.year)
        for year in range(start.year, end.year + 1)
    ]


def _counted_in(organization_id: uuid.UUID, piece: _Piece, start: date) -> Any:
    """How many customers have their first booking of the period (from `start`) in `piece`:
    the first piece, when it ends a year, counts its year's rows whose last day is in it; any
    other starts a year, and counts its year's rows whose first day is in it and whose
    previous day is before the period."""
    years = CustomerYear
    if piece.first and (piece.start.month, piece.start.day) != (1, 1):
        where: tuple[ColumnElement[bool], ...] = (
            years.last_day >= piece.start,
            years.last_day <= piece.end,
        )
    else:
        where = (
            years.first_day >= piece.start,
            years.first_day <= piece.end,
            or_(years.previous_day < start, years.previous_day.is_(None)),
        )
    return (
        select(func.count())
        .where(years.organization_id == organization_id, *where)
        .scalar_subquery()
    )


async def booked_between(
    session: AsyncSession, organization_id: uuid.UUID, start: date, end: date
) -> int:
    """How many customers have a booking that went ahead in the period: each is counted once,
    in the part of the period (one per year) holding their first day in it. A period touching
    a year's edge reads the customer years, about one row per customer and year; one inside a
    year (a month, a quarter) reads its customer days, each counted on the customer's first
    day in it, the one whose previous day is before it."""
    return int((await session.execute(select(_booked(organization_id, start, end)))).scalar_one())


def _booked(organization_id: uuid.UUID, start: date, end: date) -> Any:
    parts = _pieces(start, end)
    if len(parts) > 1 or (start.month, start.day) == (1, 1) or (end.month, end.day) == (12, 31):
        counts = [_counted_in(organization_id, p, start) for p in parts]
        total = counts[0]
        for count in counts[1:]:
            total = total + count
        return total
    days = CustomerDay
    return (
        select(func.count())
        .where(
            days.organization_id == organization_id,
            days.day >= start,
            days.day <= end,
            or_(days.previous_day < start, days.previous_day.is_(None)),
        )
        .scalar_subquery()
    )


async def counts(
    session: AsyncSession, organization_id: uuid.UUID, periods: Sequence[tuple[date, date, date]]
) -> list[tuple[int, int, int]]:
    """For each (start, end, active since) period: the customers new in it, those with a
    booking in it and those with one since `active since`, all in one statement (each
    statement costs about a millisecond of this process's time on top of its reading)."""
    columns: list[Any] = []
    for start, end, since in periods:
        columns += [_new(organization_id, start, end), _booked(organization_id, start, end)]
        if since != start:
            columns.append(_booked(organization_id, since, end))
    row = iter((await session.execute(select(*columns))).one())
    found = []
    for start, _, since in periods:
        new, booked = int(next(row)), int(next(row))
        found.append((new, booked, booked if since == start else int(next(row))))
    return found


async def all_of(session: AsyncSession, organization_id: uuid.UUID) -> list[tuple[uuid.UUID, date]]:
    """(customer, first day) of every customer: what the exactness test compares."""
    statement = select(CustomerFirstBooking.customer_id, CustomerFirstBooking.first_day).where(
        CustomerFirstBooking.organization_id == organization_id
    )
    return [(c, d) for c, d in (await session.execute(statement)).all()]
