"""Each customer's first booking that went ahead (analytics/models.CustomerFirstBooking) and the
days they have one, each with the previous (analytics/models.CustomerDay), kept by the same
outbox events as the booking-day rollup: the customers new in a period, and those with a
booking in it, are then counts over an index instead of the minimum or the distinct count over
every customer's bookings. Recomputed from the customer's bookings (a few rows, by index) when
a booking's customer, day or cancellation changed, under a lock per customer, so deliveries in
any order or twice agree."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.analytics.models import CustomerDay, CustomerFirstBooking
from maitred.bookings.models import Booking

_FIRSTS: Any = CustomerFirstBooking.__table__
_CUSTOMER_DAYS: Any = CustomerDay.__table__
_DAYS = (
    select(Booking.event_date)
    .where(
        Booking.organization_id == bindparam("org"),
        Booking.customer_id == bindparam("customer"),
        Booking.status != "cancelled",
    )
    .distinct()
    .order_by(Booking.event_date)
)
_FORGET_FIRST = delete(_FIRSTS).where(
    _FIRSTS.c.organization_id == bindparam("org"), _FIRSTS.c.customer_id == bindparam("customer")
)
_FORGET_DAYS = delete(_CUSTOMER_DAYS).where(
    _CUSTOMER_DAYS.c.organization_id == bindparam("org"),
    _CUSTOMER_DAYS.c.customer_id == bindparam("customer"),
)


def _lock_key(organization_id: uuid.UUID, customer_id: uuid.UUID) -> int:
    digest = hashlib.blake2b(f"first:{organization_id}:{customer_id}".encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big", signed=True)


async def refresh(
    session: AsyncSession, organization_id: uuid.UUID, customer_id: uuid.UUID
) -> None:
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(
            text("SELECT pg_advisory_xact_lock(:key)"),
            {"key": _lock_key(organization_id, customer_id)},
        )
    ids = {"org": organization_id, "customer": customer_id}
    days = list((await session.scalars(_DAYS, ids)).all())
    await session.execute(_FORGET_FIRST, ids)
    await session.execute(_FORGET_DAYS, ids)
    if not days:
        return
    await session.execute(
        insert(_FIRSTS),
        {
            "id": uuid.uuid4(),
            "organization_id": organization_id,
            "customer_id": customer_id,
            "first_day": days[0],
        },
    )
    await session.execute(
        insert(_CUSTOMER_DAYS),
        [
            {
                "id": uuid.uuid4(),
                "organization_id": organization_id,
                "customer_id": customer_id,
                "day": day,
                "previous_day": previous,
            }
            for previous, day in zip([None, *days], days, strict=False)
        ],
    )


async def new_between(
    session: AsyncSession, organization_id: uuid.UUID, start: date, end: date
) -> int:
    """Customers whose first booking that went ahead is in the period."""
    statement = select(func.count()).where(
        CustomerFirstBooking.organization_id == organization_id,
        CustomerFirstBooking.first_day >= start,
        CustomerFirstBooking.first_day <= end,
    )
    return int((await session.execute(statement)).scalar_one())


async def booked_between(
    session: AsyncSession, organization_id: uuid.UUID, start: date, end: date
) -> int:
    """How many customers have a booking that went ahead in the period: each is counted on
    their first day in it, the one whose previous day is before it."""
    days = CustomerDay
    statement = select(func.count()).where(
        days.organization_id == organization_id,
        days.day >= start,
        days.day <= end,
        or_(days.previous_day < start, days.previous_day.is_(None)),
    )
    return int((await session.execute(statement)).scalar_one())


async def all_of(session: AsyncSession, organization_id: uuid.UUID) -> list[tuple[uuid.UUID, date]]:
    """(customer, first day) of every customer: what the exactness test compares."""
    statement = select(CustomerFirstBooking.customer_id, CustomerFirstBooking.first_day).where(
        CustomerFirstBooking.organization_id == organization_id
    )
    return [(c, d) for c, d in (await session.execute(statement)).all()]
