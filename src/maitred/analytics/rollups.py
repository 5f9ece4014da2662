"""Rollups of the booking figures: one row per organization, local event day, status and event
type (analytics/models.BookingDayFigures), so a year's figures read about days × statuses ×
types rows instead of scanning every booking; with the day tallies (analytics/day_tallies.py)
and each customer's first booking (analytics/customer_firsts.py).

Kept by outbox handlers: a change to a booking (created, status changed, rescheduled, or updated
in what the figures count: guests, price, event type, place, team) or to its money (a payment
completed, a refund) makes the worker move the rollups by that booking's difference
(analytics/counted.py). A rebuild (after a migration or an import, which write past the outbox)
recomputes them all from the bookings in a few set-based statements.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Date,
    String,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.analytics import cash_days, counted, customer_spans, deltas
from maitred.analytics.day_tallies import CITY, LEAD, TIME
from maitred.analytics.models import (
    BookingDayFigures,
    BookingDayTally,
    CountedBooking,
    CountedCash,
    CustomerDay,
    CustomerFirstBooking,
    CustomerSpanFigures,
    CustomerYear,
    PaymentDayFigures,
)
from maitred.bookings.figures_repository import RECOGNISED_MINOR, DayRow
from maitred.bookings.models import Booking
from maitred.kit import outbox
from maitred.kit.db import Database
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


def _lead_days(dialect: str, zone: str) -> ColumnElement[Any]:
    """Days from request to event, as `BookingFigures.lead_days` counts them."""
    if dialect == "postgresql":
        return Booking.event_date - func.date(func.timezone(zone, Booking.created_at))
    return func.cast(
        func.julianday(Booking.event_date) - func.julianday(func.date(Booking.created_at)),
        BigInteger,
    )


def _tally_keys(dialect: str) -> dict[str, Any]:
    """Each tally's key as analytics/counted.py writes it (a time's ISO form), from the kept
    columns."""
    c = CountedBooking
    at = cast(c.event_time, String) if dialect == "postgresql" else func.substr(c.event_time, 1, 8)
    return {TIME: at, CITY: c.city, LEAD: cast(c.lead_days, String)}


SLICE_DAYS = 31  # a rebuild's statements each cover this many days: each stays short at 1M


async def rebuild(session: AsyncSession, organization_id: uuid.UUID) -> int:
    """Every booking rollup of the organization recomputed from its bookings (after a
    migration, an import, a change of time zone or a customer merge), a slice of days at a
    time; how many days."""
    dialect = session.get_bind().dialect.name
    zone = (await local_frame(session, organization_id)).zone
    new_id = deltas.new_id(dialect)
    org = CountedBooking.organization_id == organization_id
    for model in (CustomerFirstBooking, CustomerDay, CustomerYear):
        await session.execute(delete(model).where(model.organization_id == organization_id))
    first, last = (
        await session.execute(
            select(func.min(Booking.event_date), func.max(Booking.event_date)).where(
                Booking.organization_id == organization_id
            )
        )
    ).one()
    for table in (CountedBooking, BookingDayFigures, BookingDayTally):  # days no booking has
        outside = delete(table).where(table.organization_id == organization_id)
        if first is not None:
            outside = outside.where(~table.day.between(first, last))
        await session.execute(outside)
    start = first
    while first is not None and start <= last:
        end = start + timedelta(days=SLICE_DAYS - 1)
        await _rebuild_days(session, organization_id, dialect, zone, new_id, start, end)
        start = end + timedelta(days=1)
    c = CountedBooking
    going = c.status != "cancelled"
    firsts = (
        select(new_id, c.organization_id, c.customer_id, func.min(c.day))
        .where(org, going)
        .group_by(c.organization_id, c.customer_id)
    )
    columns = ["id", "organization_id", "customer_id", "first_day"]
    await session.execute(
        insert(CustomerFirstBooking).from_select(columns, firsts, include_defaults=True)
    )
    booked = select(c.customer_id, c.day).where(org, going).distinct().subquery()
    previous = func.lag(booked.c.day).over(partition_by=booked.c.customer_id, order_by=booked.c.day)
    customer_days = select(
        new_id, literal(organization_id), booked.c.customer_id, booked.c.day, previous
    )
    columns = ["id", "organization_id", "customer_id", "day", "previous_day"]
    await session.execute(
        insert(CustomerDay).from_select(columns, customer_days, include_defaults=True)
    )
    await _rebuild_years(session, organization_id, dialect, new_id)
    await customer_spans.rebuild(session, organization_id)
    days = select(func.count(func.distinct(c.day))).where(org)
    return int((await session.execute(days)).scalar_one())


TABLES = tuple(
    model.__tablename__
    for model in (
        CountedBooking,
        BookingDayFigures,
        BookingDayTally,
        CustomerFirstBooking,
        CustomerDay,
        CustomerYear,
        CustomerSpanFigures,
        CountedCash,
        PaymentDayFigures,
    )
)


async def _rebuild_years(
    session: AsyncSession, organization_id: uuid.UUID, dialect: str, new_id: Any
) -> None:
    """The customer years from the customer days just rebuilt. Within a year only its first
    day's previous day is before the year: the smallest previous day, if before the year."""
    d = CustomerDay
    year = (
        cast(func.date_trunc("year", d.day), Date)
        if dialect == "postgresql"
        else func.date(d.day, "start of year")
    )
    previous = func.min(d.previous_day)
    years = (
        select(
            new_id,
            d.organization_id,
            d.customer_id,
            year,
            func.min(d.day),
            func.max(d.day),
            case((previous < year, previous)),
        )
        .where(d.organization_id == organization_id)
        .group_by(d.organization_id, d.customer_id, year)
    )
    columns = [
        "id",
        "organization_id",
        "customer_id",
        "year_start",
        "first_day",
        "last_day",
        "previous_day",
    ]
    await session.execute(insert(CustomerYear).from_select(columns, years, include_defaults=True))


async def vacuum(database: Database) -> None:
    """VACUUM (ANALYZE) the rollup tables on PostgreSQL, after a rebuild has committed (it
    cannot run in a transaction). A rebuild rewrites every row, and until the tables are
    vacuumed their reads cannot be index-only: the customers' figures took 2.2 s instead of
    0.5 at a million bookings until autovacuum came by (bench/README.md)."""
    if database.is_sqlite:
        return
    async with database.engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        for table in TABLES:
            await autocommit.exec_driver_sql(f"VACUUM (ANALYZE) {table}")


async def _rebuild_days(
    session: AsyncSession,
    organization_id: uuid.UUID,
    dialect: str,
    zone: str,
    new_id: Any,
    start: date,
    end: date,
) -> None:
    """The kept figures, day rollup and tallies of the bookings of `start`..`end`."""
    org = CountedBooking.organization_id == organization_id
    for table in (CountedBooking, BookingDayFigures, BookingDayTally):
        await session.execute(
            delete(table).where(
                table.organization_id == organization_id, table.day.between(start, end)
            )
        )
    kept = select(
        new_id,
        Booking.organization_id,
        Booking.id,
        Booking.event_date,
        Booking.status,
        Booking.event_type,
        Booking.guest_count,
        RECOGNISED_MINOR,
        counted.EARNED_MINOR,
        Booking.event_time,
        Booking.city,
        _lead_days(dialect, zone),
        Booking.customer_id,
    ).where(Booking.organization_id == organization_id, Booking.event_date.between(start, end))
    columns = ["id", "organization_id", "booking_id", *counted.FIELDS]
    await session.execute(insert(CountedBooking).from_select(columns, kept, include_defaults=True))
    c = CountedBooking
    by_day = (
        select(
            new_id,
            c.organization_id,
            c.day,
            c.status,
            c.event_type,
            func.count(),
            func.sum(c.guests),
            func.sum(c.recognised_minor),
            func.sum(c.earned_minor),
        )
        .where(org, c.day.between(start, end))
        .group_by(c.organization_id, c.day, c.status, c.event_type)
    )
    columns = ["id", "organization_id", *counted.FIGURES.keys, *counted.FIGURES.sums]
    await session.execute(
        insert(BookingDayFigures).from_select(columns, by_day, include_defaults=True)
    )
    going = c.status != "cancelled"
    for kind, key in _tally_keys(dialect).items():
        tallies = (
            select(new_id, c.organization_id, c.day, literal(kind), key, func.count(), literal(0))
            .where(org, going, key.is_not(None), c.day.between(start, end))
            .group_by(c.organization_id, c.day, key)
        )
        columns = ["id", "organization_id", *counted.TALLIES.keys, *counted.TALLIES.sums]
        await session.execute(
            insert(BookingDayTally).from_select(columns, tallies, include_defaults=True)
        )


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
    session: AsyncSession, organization_id: uuid.UUID, booking_id: uuid.UUID
) -> None:
    """What one booking's change may have moved (also for bookings written past the outbox)."""
    await counted.reconcile(session, organization_id, booking_id)


async def _bookings_changed(session: AsyncSession, events: list[outbox.Event]) -> None:
    """A worker's batch of events (any of EVENTS) at once: every booking they name reconciled
    together, one statement per shape for all of them (analytics/counted.reconcile_many)."""
    await counted.reconcile_many(
        session,
        (
            (event.organization_id, uuid.UUID(str(event.payload["booking_id"])))
            for event in events
            if event.organization_id is not None and event.payload.get("booking_id")
        ),
    )


async def _customer_merged(session: AsyncSession, event: outbox.Event) -> None:
    """The merged customer's bookings now belong to the survivor: each is reconciled (its
    customer tallies move, both customers' first booking and days are recomputed)."""
    merged = event.payload.get("merged_id")
    if event.organization_id is None or not merged:
        return
    moved = await session.scalars(
        select(CountedBooking.booking_id).where(
            CountedBooking.organization_id == event.organization_id,
            CountedBooking.customer_id == uuid.UUID(str(merged)),
        )
    )
    organization_id = event.organization_id
    await counted.reconcile_many(session, ((organization_id, b) for b in moved.all()))


async def _zone_changed(session: AsyncSession, event: outbox.Event) -> None:
    """Every local day may have moved (cash by the day it was paid, lead times on PostgreSQL):
    the organization's rollups are recomputed in the new zone."""
    if event.organization_id is None:
        return
    await rebuild(session, event.organization_id)
    await cash_days.rebuild(session, event.organization_id)


for _name in EVENTS:
    outbox.register_many(_name, _bookings_changed, name="analytics.rollups.booking_days")
outbox.register("customer.merged", _customer_merged, name="analytics.rollups.customer_merged")
outbox.register(
    "organization.timezone_changed", _zone_changed, name="analytics.rollups.timezone_changed"
)
