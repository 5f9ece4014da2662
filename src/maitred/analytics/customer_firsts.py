"""Each customer's first booking that went ahead (analytics/models.CustomerFirstBooking), kept by
the same outbox events as the booking-day rollup: the customers new in a period are then a
count over an index instead of the minimum over every booking of every customer. Recomputed
(not adjusted) under a lock per customer, so deliveries in any order or twice agree."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.analytics.models import CustomerFirstBooking
from maitred.bookings.figures_repository import BookingFigures


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
    await session.execute(
        delete(CustomerFirstBooking).where(
            CustomerFirstBooking.organization_id == organization_id,
            CustomerFirstBooking.customer_id == customer_id,
        )
    )
    first = await BookingFigures(session, organization_id).first_day(customer_id)
    if first is not None:
        await session.execute(
            insert(CustomerFirstBooking).values(
                id=uuid.uuid4(),
                organization_id=organization_id,
                customer_id=customer_id,
                first_day=first,
            )
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


async def all_of(session: AsyncSession, organization_id: uuid.UUID) -> list[tuple[uuid.UUID, date]]:
    """(customer, first day) of every customer: what the exactness test compares."""
    statement = select(CustomerFirstBooking.customer_id, CustomerFirstBooking.first_day).where(
        CustomerFirstBooking.organization_id == organization_id
    )
    return [(c, d) for c, d in (await session.execute(statement)).all()]
