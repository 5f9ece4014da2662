"""The staff pages' compiled reads of bookings (Today and the calendar), one statement a panel.

Why: the pages drew their panels from `list_bookings`, a count and a page per panel with every
customer's name, email and phone decrypted, and the calendar's day read each booking whole for
its team. These reads count and limit in SQL and fetch only what a page shows (the customer's
name). Like the list, they read committed data outside the request's transaction; they are
organization-wide, for staff (customers have no pages).
"""

from __future__ import annotations

import functools
import uuid
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Date, Integer, String, Uuid, and_, bindparam, func, select, union_all

from maitred.bookings.list_queries import TABLE_COLUMNS
from maitred.bookings.models import Booking
from maitred.customers.models import Customer
from maitred.kit.reads import ReadPool, ReadQuery, Row

ACTIVE = ("pending", "confirmed")
_CUSTOMER = and_(
    Customer.id == Booking.customer_id, Customer.organization_id == Booking.organization_id
)
_ROW_COLUMNS = (*TABLE_COLUMNS, Booking.chef_team_id)


def _org() -> Any:
    return Booking.organization_id == bindparam("organization_id", type_=Uuid())


def _active() -> Any:
    return Booking.status.in_([bindparam(f"status_{i}", type_=String()) for i in range(2)])


def _day(name: str) -> Any:
    return bindparam(name, type_=Date())


def _values(organization_id: uuid.UUID, **more: Any) -> dict[str, Any]:
    statuses = {f"status_{i}": status for i, status in enumerate(ACTIVE)}
    return {"organization_id": organization_id, **statuses, **more}


def _count(*where: Any) -> Any:
    return select(func.count()).select_from(Booking).where(_org(), *where).scalar_subquery()


@functools.cache
def _figures_query() -> ReadQuery:
    return ReadQuery(
        select(
            _count(_active(), Booking.event_date == _day("today")).label("today"),
            _count(
                _active(), Booking.event_date >= _day("today"), Booking.event_date <= _day("last")
            ).label("week"),
            _count(
                Booking.status == bindparam("pending", type_=String()),
                Booking.event_date >= _day("today"),
            ).label("pending"),
        )
    )


async def figures(
    reads: ReadPool, organization_id: uuid.UUID, today: date, last: date
) -> dict[str, int]:
    """Active bookings today and from today to `last`, and pending ones from today on."""
    row = await reads.one(
        _figures_query(), **_values(organization_id, today=today, last=last, pending="pending")
    )
    assert row is not None
    return {name: int(row[name] or 0) for name in ("today", "week", "pending")}


def _shaped(row: Row) -> Row:
    row["customer"] = {"name": row.pop("customer_name") or ""}
    return row


@functools.cache
def _upcoming_query(pending_only: bool) -> ReadQuery:
    status = Booking.status == bindparam("pending", type_=String()) if pending_only else _active()
    where = [_org(), status, Booking.event_date >= _day("first")]
    if not pending_only:
        where.append(Booking.event_date <= _day("last"))
    return ReadQuery(
        select(*_ROW_COLUMNS, Customer.name.label("customer_name"))
        .select_from(Booking.__table__.outerjoin(Customer, _CUSTOMER))
        .where(*where)
        .order_by(Booking.event_date, Booking.event_time, Booking.id)
        .limit(bindparam("limit", type_=Integer()))
        .offset(bindparam("offset", type_=Integer()))  # SQLite's LIMIT comes with an OFFSET
    )


async def upcoming(
    reads: ReadPool, organization_id: uuid.UUID, first: date, last: date, limit: int
) -> list[Row]:
    """The first `limit` active bookings from `first` to `last`, by date and time."""
    rows = await reads.all(
        _upcoming_query(False),
        **_values(organization_id, first=first, last=last, limit=limit, offset=0),
    )
    return [_shaped(row) for row in rows]


async def pending_from(
    reads: ReadPool, organization_id: uuid.UUID, first: date, limit: int
) -> list[Row]:
    """The first `limit` pending bookings from `first` on: those waiting for a person."""
    rows = await reads.all(
        _upcoming_query(True),
        organization_id=organization_id,
        pending="pending",
        first=first,
        limit=limit,
        offset=0,
    )
    return [_shaped(row) for row in rows]


@functools.cache
def _days_query() -> ReadQuery:
    ranked = (
        select(
            *_ROW_COLUMNS,
            Booking.customer_id,
            Booking.organization_id,
            func.row_number()
            .over(
                partition_by=Booking.event_date,
                order_by=(Booking.event_time, Booking.id),
            )
            .label("place"),
            func.count().over(partition_by=Booking.event_date).label("day_total"),
        )
        .where(
            _org(),
            _active(),
            Booking.kind == bindparam("kind", type_=String()),
            Booking.event_date >= _day("first"),
            Booking.event_date <= _day("last"),
        )
        .subquery()
    )
    shown = [ranked.c[column.key] for column in _ROW_COLUMNS]
    return ReadQuery(
        select(*shown, ranked.c.day_total, Customer.name.label("customer_name"))
        .select_from(
            ranked.outerjoin(
                Customer,
                and_(
                    Customer.id == ranked.c.customer_id,
                    Customer.organization_id == ranked.c.organization_id,
                ),
            )
        )
        .where(ranked.c.place <= bindparam("per_day", type_=Integer()))
        .order_by(ranked.c.event_date, ranked.c.event_time, ranked.c.id)
    )


async def catering_by_day(
    reads: ReadPool, organization_id: uuid.UUID, first: date, last: date, per_day: int
) -> dict[date, tuple[list[Row], int]]:
    """Each day's first `per_day` active catering bookings (by time) from `first` to `last`,
    with how many the day holds in all; days without bookings are absent."""
    rows = await reads.all(
        _days_query(),
        **_values(organization_id, first=first, last=last, per_day=per_day, kind="catering"),
    )
    return _by_day(rows)


WEEK_DAYS = 7
# What a week's chip and its move-form option show (no amount, currency or team to convert).
_CHIP_COLUMNS = (
    Booking.id,
    Booking.reference_number,
    Booking.event_date,
    Booking.event_time,
    Booking.guest_count,
    Booking.status,
)


@functools.cache
def _week_query() -> ReadQuery:
    """Each of 7 days' first `per_day` bookings, one limited read per day on the (organization,
    status, day) index, their customers' names joined after the limit, and each day's total.
    Why: ranking the whole week with window functions sorted and numbered every booking of it
    (~1.1 ms of SQLite at 100,000 bookings, the week page's largest cost); this is ~40 % less."""
    where = [_org(), _active(), Booking.kind == bindparam("kind", type_=String())]
    each_day = []
    for n in range(WEEK_DAYS):
        day = (
            select(*_CHIP_COLUMNS, Booking.customer_id)
            .where(*where, Booking.event_date == _day(f"day_{n}"))
            .order_by(Booking.event_time, Booking.id)
            .limit(bindparam("per_day", type_=Integer()))
            .offset(bindparam("offset", type_=Integer()))  # SQLite's LIMIT comes with an OFFSET
            .subquery()
        )
        each_day.append(select(day))
    shown = union_all(*each_day).cte("shown").prefix_with("MATERIALIZED")
    totals = (
        select(Booking.event_date, func.count().label("day_total"))
        .where(*where, Booking.event_date >= _day("first"), Booking.event_date <= _day("last"))
        .group_by(Booking.event_date)
        .cte("totals")
        .prefix_with("MATERIALIZED")
    )
    return ReadQuery(
        select(
            *(shown.c[column.key] for column in _CHIP_COLUMNS),
            totals.c.day_total,
            Customer.name.label("customer_name"),
        )
        .select_from(
            shown.join(totals, totals.c.event_date == shown.c.event_date).outerjoin(
                Customer,
                and_(Customer.id == shown.c.customer_id, Customer.organization_id == _org().right),
            )
        )
        .order_by(shown.c.event_date, shown.c.event_time, shown.c.id)
    )


async def catering_of_week(
    reads: ReadPool, organization_id: uuid.UUID, first: date, per_day: int
) -> dict[date, tuple[list[Row], int]]:
    """`catering_by_day` for the 7 days from `first` (the calendar's week), with only what a
    chip shows: id, reference, date, time, guests, status and the customer's name."""
    days_asked = {f"day_{n}": first + timedelta(days=n) for n in range(WEEK_DAYS)}
    rows = await reads.all(
        _week_query(),
        **_values(
            organization_id,
            first=first,
            last=first + timedelta(days=WEEK_DAYS - 1),
            per_day=per_day,
            offset=0,
            kind="catering",
            **days_asked,
        ),
    )
    return _by_day(rows)


def _by_day(rows: list[Row]) -> dict[date, tuple[list[Row], int]]:
    days: dict[date, tuple[list[Row], int]] = {}
    for row in rows:
        total = int(row.pop("day_total"))
        days.setdefault(row["event_date"], ([], total))[0].append(_shaped(row))
    return days


@functools.cache
def _month_query() -> ReadQuery:
    return ReadQuery(
        select(Booking.event_date, func.count().label("total"))
        .where(
            _org(),
            _active(),
            Booking.event_date >= _day("first"),
            Booking.event_date <= _day("last"),
        )
        .group_by(Booking.event_date)
    )


async def counts_by_day(
    reads: ReadPool, organization_id: uuid.UUID, first: date, last: date
) -> dict[date, int]:
    """How many active bookings each day from `first` to `last` holds."""
    rows = await reads.all(_month_query(), **_values(organization_id, first=first, last=last))
    return {row["event_date"]: int(row["total"]) for row in rows}
