"""Aggregations of bookings by event date for analytics: each figure is one grouped statement,
amounts summed as integer cents in the database (never a loop over rows in Python).

Revenue is recognised on the event date: the total of confirmed and completed bookings, and
what cancelled bookings and no-shows kept (paid less refunded). Pending bookings count as
bookings but bring no revenue yet.

Bookings have no location of their own: a location's bookings are those served by one of its
chef teams or held at one of its events (`location_id` of chef_teams and events)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, and_, case, func, or_, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.availability.models import ChefTeam
from maitred.bookings.models import Booking
from maitred.events.models import Event
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


def at_location(organization_id: uuid.UUID, location_id: uuid.UUID) -> ColumnElement[bool]:
    """Bookings served by a chef team of the location or held at one of its events."""
    teams = select(ChefTeam.id).where(
        ChefTeam.organization_id == organization_id, ChefTeam.location_id == location_id
    )
    events = select(Event.id).where(
        Event.organization_id == organization_id, Event.location_id == location_id
    )
    return or_(Booking.chef_team_id.in_(teams), Booking.event_id.in_(events))


class BookingFigures(Repository[Booking]):
    model = Booking

    def __init__(
        self,
        session: AsyncSession,
        organization_id: uuid.UUID,
        location_id: uuid.UUID | None = None,
    ) -> None:
        super().__init__(session, organization_id)
        self.location_id = location_id

    def _mine(self) -> ColumnElement[bool]:
        """The organization's bookings, or only its location's when one is asked."""
        mine = Booking.organization_id == self.organization_id
        if self.location_id is None:
            return mine
        return and_(mine, at_location(self.organization_id, self.location_id))

    def _in(self, start: date, end: date) -> ColumnElement[bool]:
        return and_(self._mine(), Booking.event_date >= start, Booking.event_date <= end)

    def _dialect(self) -> str:
        return self.session.get_bind().dialect.name

    async def lead_days(self, start: date, end: date, zone: str) -> list[tuple[int, int]]:
        """(days from request to event, bookings) of the period's bookings not cancelled: a
        histogram the average and median are read from. The request's day is its local day on
        PostgreSQL and its UTC day on SQLite (which has no time zones)."""
        if self._dialect() == "postgresql":
            asked = func.date(func.timezone(zone, Booking.created_at))
            days: ColumnElement[Any] = Booking.event_date - asked
        else:
            days = func.cast(
                func.julianday(Booking.event_date) - func.julianday(func.date(Booking.created_at)),
                BigInteger,
            )
        statement = (
            select(days, func.count())
            .where(self._in(start, end), Booking.status != "cancelled")
            .group_by(days)
        )
        return [(int(d), int(n)) for d, n in (await self.session.execute(statement)).all()]

    async def team_minutes(self, start: date, end: date) -> list[tuple[uuid.UUID, int, int]]:
        """(chef team, events, minutes booked) of bookings not cancelled in the period."""
        if self._dialect() == "postgresql":
            seconds: ColumnElement[Any] = func.extract("epoch", Booking.ends_at - Booking.starts_at)
        else:
            seconds = (func.julianday(Booking.ends_at) - func.julianday(Booking.starts_at)) * 86400
        statement = (
            select(Booking.chef_team_id, func.count(), func.coalesce(func.sum(seconds), 0))
            .where(
                self._in(start, end),
                Booking.status != "cancelled",
                Booking.chef_team_id.is_not(None),
            )
            .group_by(Booking.chef_team_id)
        )
        return [
            (team, int(n), round(float(total) / 60))
            for team, n, total in (await self.session.execute(statement)).all()
        ]

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

    async def popular_times(
        self, start: date, end: date, limit: int | None
    ) -> list[tuple[time, int]]:
        """Start times by how many bookings that went ahead (not cancelled) chose them."""
        statement = (
            select(Booking.event_time, func.count().label("n"))
            .where(self._in(start, end), Booking.status != "cancelled")
            .group_by(Booking.event_time)
            .order_by(func.count().desc(), Booking.event_time)
            .limit(limit)
        )
        return [(at, int(n)) for at, n in (await self.session.execute(statement)).all()]

    async def top_cities(self, start: date, end: date, limit: int | None) -> list[tuple[str, int]]:
        statement = (
            select(Booking.city, func.count())
            .where(self._in(start, end), Booking.status != "cancelled", Booking.city.is_not(None))
            .group_by(Booking.city)
            .order_by(func.count().desc(), Booking.city)
            .limit(limit)
        )
        return [(str(city), int(n)) for city, n in (await self.session.execute(statement)).all()]

    async def customers_of(self, start: date, end: date) -> list[tuple[uuid.UUID, int, int]]:
        """(customer, bookings, recognised cents) of the period's bookings that went ahead (not
        cancelled): `top_customers` unordered and unlimited."""
        return await self.top_customers(start, end, None)

    async def first_day(self, customer_id: uuid.UUID) -> date | None:
        """The event day of the customer's first booking that went ahead, if any."""
        return await self.session.scalar(
            select(func.min(Booking.event_date)).where(
                self._mine(), Booking.customer_id == customer_id, Booking.status != "cancelled"
            )
        )

    async def customers(self, start: date, end: date, active_since: date) -> CustomerCounts:
        """Of the customers with a booking (not cancelled) in the period: those whose first
        such booking ever is in it (new) and the others (returning); and how many customers
        have one between `active_since` and the period's end (active)."""
        going = Booking.status != "cancelled"
        mine = self._mine()
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
        self, start: date, end: date, limit: int | None
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
