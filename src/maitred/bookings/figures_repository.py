"""Aggregations of bookings by event date for analytics: each figure is one grouped statement,
amounts summed as integer cents in the database (never a loop over rows in Python).

Revenue is recognised on the event date: the total of confirmed and completed bookings, and
what cancelled bookings and no-shows kept (paid less refunded). Pending bookings count as
bookings but bring no revenue yet."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, and_, case, func, select, type_coerce

from maitred.bookings.models import Booking
from maitred.kit.repository import Repository

EARNED = ("confirmed", "completed")
KEPT = ("cancelled", "no_show")

_net_paid = type_coerce(Booking.amount_paid, BigInteger) - type_coerce(
    Booking.amount_refunded, BigInteger
)
RECOGNISED_MINOR: ColumnElement[Any] = case(
    (Booking.status.in_(EARNED), type_coerce(Booking.total_amount, BigInteger)),
    (Booking.status.in_(KEPT) & (_net_paid > 0), _net_paid),
    else_=0,
)


@dataclass(frozen=True)
class DayRow:
    day: date
    status: str
    event_type: str
    count: int
    guests: int
    recognised_minor: int
    earned_minor: int  # of confirmed and completed bookings only: average booking value


@dataclass(frozen=True)
class CustomerCounts:
    new: int
    returning: int
    active: int


class BookingFigures(Repository[Booking]):
    model = Booking

    def _in(self, start: date, end: date) -> ColumnElement[bool]:
        return and_(
            Booking.organization_id == self.organization_id,
            Booking.event_date >= start,
            Booking.event_date <= end,
        )

    async def by_day(self, start: date, end: date) -> list[DayRow]:
        """One row per event date, status and event type: everything the totals, the series
        and the breakdowns by status and type are folded from (at most days × 5 × types rows)."""
        earned = case(
            (Booking.status.in_(EARNED), type_coerce(Booking.total_amount, BigInteger)), else_=0
        )
        statement = (
            select(
                Booking.event_date,
                Booking.status,
                Booking.event_type,
                func.count(),
                func.coalesce(func.sum(Booking.guest_count), 0),
                func.coalesce(func.sum(RECOGNISED_MINOR), 0),
                func.coalesce(func.sum(earned), 0),
            )
            .where(self._in(start, end))
            .group_by(Booking.event_date, Booking.status, Booking.event_type)
        )
        return [
            DayRow(day, status, kind, int(n), int(guests), int(recognised), int(earned_sum))
            for day, status, kind, n, guests, recognised, earned_sum in (
                await self.session.execute(statement)
            ).all()
        ]

    async def popular_times(self, start: date, end: date, limit: int) -> list[tuple[time, int]]:
        """Start times by how many bookings that went ahead (not cancelled) chose them."""
        statement = (
            select(Booking.event_time, func.count().label("n"))
            .where(self._in(start, end), Booking.status != "cancelled")
            .group_by(Booking.event_time)
            .order_by(func.count().desc(), Booking.event_time)
            .limit(limit)
        )
        return [(at, int(n)) for at, n in (await self.session.execute(statement)).all()]

    async def top_cities(self, start: date, end: date, limit: int) -> list[tuple[str, int]]:
        statement = (
            select(Booking.city, func.count())
            .where(self._in(start, end), Booking.status != "cancelled", Booking.city.is_not(None))
            .group_by(Booking.city)
            .order_by(func.count().desc(), Booking.city)
            .limit(limit)
        )
        return [(str(city), int(n)) for city, n in (await self.session.execute(statement)).all()]

    async def customers(self, start: date, end: date, active_since: date) -> CustomerCounts:
        """Of the customers with a booking (not cancelled) in the period: those whose first
        such booking ever is in it (new) and the others (returning); and how many customers
        have one between `active_since` and the period's end (active)."""
        going = Booking.status != "cancelled"
        mine = Booking.organization_id == self.organization_id
        first = (
            select(Booking.customer_id, func.min(Booking.event_date).label("first_day"))
            .where(mine, going, Booking.event_date <= end)
            .group_by(Booking.customer_id)
            .having(func.max(Booking.event_date) >= start)
            .subquery()
        )
        in_period = (
            select(Booking.customer_id)
            .where(mine, going, Booking.event_date >= start, Booking.event_date <= end)
            .distinct()
            .subquery()
        )
        counts = select(
            func.coalesce(func.sum(case((first.c.first_day >= start, 1), else_=0)), 0),
            func.coalesce(func.sum(case((first.c.first_day < start, 1), else_=0)), 0),
        ).select_from(first.join(in_period, in_period.c.customer_id == first.c.customer_id))
        new, returning = (await self.session.execute(counts)).one()
        active = select(func.count(func.distinct(Booking.customer_id))).where(
            mine, going, Booking.event_date >= active_since, Booking.event_date <= end
        )
        return CustomerCounts(
            int(new), int(returning), int((await self.session.execute(active)).scalar_one())
        )

    async def top_customers(
        self, start: date, end: date, limit: int
    ) -> list[tuple[uuid.UUID, int, int]]:
        """(customer id, bookings, recognised cents) of the best customers of the period."""
        recognised = func.coalesce(func.sum(RECOGNISED_MINOR), 0)
        statement = (
            select(Booking.customer_id, func.count(), recognised)
            .where(self._in(start, end), Booking.status != "cancelled")
            .group_by(Booking.customer_id)
            .order_by(recognised.desc(), func.count().desc(), Booking.customer_id)
            .limit(limit)
        )
        return [
            (customer_id, int(n), int(cents))
            for customer_id, n, cents in (await self.session.execute(statement)).all()
        ]
