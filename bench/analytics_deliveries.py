"""What one delivery of the analytics rollups' outbox handlers costs the worker, in process, on a
database kept by `bench/analytics.py --seed-only DIR`: for `--bookings` bookings of the coming
and past months, the booking is changed (one more guest) and the booking rollups' handler runs
as the worker would run it after `booking.updated`; for as many succeeded payments, the cash
handler runs after `payment.completed`. Each handler's CPU time (`time.process_time`) and wall
time are printed as medians; everything is rolled back, so the database is unchanged.

    . DIR/env && .venv/bin/python bench/analytics_deliveries.py --bookings 200

To time another checkout's handlers on the same database, put its source first:
`PYTHONPATH=/work/main/src .venv/bin/python bench/analytics_deliveries.py`.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import random
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.bookings.models import Booking
from maitred.config import Settings
from maitred.domains import EVENT_HANDLER_MODULES, import_models
from maitred.kit import crypto, outbox
from maitred.kit.clock import utcnow
from maitred.payments.models import Payment


class RolledBack(Exception):
    """Leaves the database as it was."""


def _handler(event: str, name: str) -> outbox.Handler:
    found = outbox.handler_for(event, name)
    if found is None:
        raise SystemExit(f"no handler {name} for {event}")
    return found


def _event(name: str, organization_id: uuid.UUID, **payload: str) -> outbox.Event:
    return outbox.Event(uuid.uuid4(), name, organization_id, payload, utcnow(), 1)


async def _time(session: AsyncSession, run: Callable[[], Awaitable[None]]) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    await run()
    await session.flush()
    return (time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000


def _say(label: str, spent: list[tuple[float, float]]) -> None:
    cpu = statistics.median(c for c, _ in spent)
    wall = statistics.median(w for _, w in spent)
    print(f"{label}: {len(spent)} deliveries, CPU median {cpu:.2f} ms, wall median {wall:.2f} ms")


async def main(count: int) -> None:
    import_models()
    for module in EVENT_HANDLER_MODULES:
        importlib.import_module(module)
    settings = Settings()
    crypto.configure(crypto.Keyring.from_settings(settings))
    database = settings.database()
    rng = random.Random(20261207)
    today = utcnow().date()
    booking_days = _handler("booking.updated", "analytics.rollups.booking_days")
    cash = _handler("payment.completed", "analytics.rollups.cash_days")
    try:
        async with database.transaction(write=False) as session:
            org = (
                await session.execute(
                    select(Booking.organization_id)
                    .group_by(Booking.organization_id)
                    .order_by(func.count().desc())
                    .limit(1)
                )
            ).scalar_one()
            bookings = list(
                (
                    await session.scalars(
                        select(Booking.id).where(
                            Booking.organization_id == org,
                            Booking.event_date >= today - timedelta(days=60),
                            Booking.event_date <= today + timedelta(days=60),
                        )
                    )
                ).all()
            )
            payments = list(
                (
                    await session.scalars(
                        select(Payment.id)
                        .where(Payment.organization_id == org, Payment.status == "succeeded")
                        .order_by(Payment.succeeded_at.desc())
                        .limit(count * 20)
                    )
                ).all()
            )
        try:
            async with database.transaction() as session:
                spent = []
                for booking_id in rng.sample(bookings, min(count, len(bookings))):
                    await session.execute(
                        update(Booking.__table__)
                        .where(Booking.__table__.c.id == booking_id)
                        .values(guest_count=Booking.__table__.c.guest_count + 1)
                    )
                    event = _event("booking.updated", org, booking_id=str(booking_id))
                    spent.append(await _time(session, lambda e=event: booking_days(session, e)))
                _say("booking rollups (booking.updated)", spent)
                spent = []
                for payment_id in rng.sample(payments, min(count, len(payments))):
                    event = _event("payment.completed", org, payment_id=str(payment_id))
                    spent.append(await _time(session, lambda e=event: cash(session, e)))
                _say("cash rollup (payment.completed)", spent)
                raise RolledBack
        except RolledBack:
            pass
    finally:
        await database.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bookings", type=int, default=200)
    asyncio.run(main(parser.parse_args().bookings))
