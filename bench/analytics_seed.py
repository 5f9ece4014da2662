"""The analytics benchmark's data beyond bookings: a deposit for every booking that got one, the
balance of every completed booking, refunds of a third of the cancelled deposits, and leads
over the same years. Written from the bookings already seeded (bench/book_seed.py), in bulk
INSERTs of maitred's own models, in batches; then the analytics rollups are filled from them
(they bypassed the outbox that keeps the rollups)."""

from __future__ import annotations

import asyncio
import os
import random
import time as clock
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select

from maitred.analytics import cash_days, rollups
from maitred.bookings.models import Booking
from maitred.config import Settings
from maitred.domains import import_models
from maitred.kit import crypto
from maitred.leads.models import Lead
from maitred.payments.models import Payment, Refund

BATCH = 5000
LEAD_SOURCES = ("website", "staff", "ai", "phone", "import")
LEAD_STATUSES = ("new", "contacted", "quoted", "won", "lost")


def _payment(org: uuid.UUID, row: Any, purpose: str, amount: Decimal, at: datetime) -> dict:
    return {
        "id": uuid.uuid4(),
        "organization_id": org,
        "booking_id": row.id,
        "customer_id": row.customer_id,
        "purpose": purpose,
        "amount": amount,
        "currency": "USD",
        "method": "card",
        "status": "succeeded",
        "refunded_amount": Decimal(0),
        "reference": "",
        "notes": "",
        "succeeded_at": at,
        "provider_refunded_minor": 0,
        "meta": {},
        "created_at": at,
        "updated_at": at,
    }


async def seed(organization_id: str, *, leads: int) -> None:
    import_models()
    settings = Settings()
    crypto.configure(crypto.Keyring.from_settings(settings))
    database = settings.database()
    org = uuid.UUID(organization_id)
    rng = random.Random(20261206)
    started = clock.monotonic()
    payments: list[dict[str, Any]] = []
    refunds: list[dict[str, Any]] = []
    counts = {"payments": 0, "refunds": 0}

    async def flush(force: bool = False) -> None:
        if len(payments) < BATCH and not force:
            return
        async with database.transaction() as session:
            if payments:
                await session.execute(insert(Payment), payments)
            if refunds:
                await session.execute(insert(Refund), refunds)
        counts["payments"] += len(payments)
        counts["refunds"] += len(refunds)
        payments.clear()
        refunds.clear()

    try:
        query = select(
            Booking.id, Booking.customer_id, Booking.status, Booking.starts_at, Booking.total_amount
        ).where(Booking.organization_id == org)
        async with database.transaction(write=False) as session:
            rows = (await session.execute(query)).all()
        for row in rows:
            if row.status == "pending":
                continue
            deposit_at = row.starts_at - timedelta(days=rng.randint(7, 60))
            deposit = _payment(org, row, "deposit", Decimal(100), deposit_at)
            payments.append(deposit)
            if row.status == "completed":
                payments.append(
                    _payment(org, row, "balance", row.total_amount - 100, row.starts_at)
                )
            elif row.status == "cancelled" and rng.random() < 1 / 3:
                deposit["refunded_amount"] = Decimal(100)
                refunds.append(
                    {
                        "id": uuid.uuid4(),
                        "organization_id": org,
                        "payment_id": deposit["id"],
                        "amount": Decimal(100),
                        "reason": "",
                        "status": "succeeded",
                        "succeeded_at": deposit_at + timedelta(days=3),
                        "created_at": deposit_at + timedelta(days=3),
                        "updated_at": deposit_at + timedelta(days=3),
                    }
                )
            await flush()
        await flush(force=True)
        print(
            f"    {counts['payments']:,} payments, {counts['refunds']:,} refunds "
            f"({clock.monotonic() - started:.0f} s)",
            flush=True,
        )
        now = datetime.now(UTC)
        batch: list[dict[str, Any]] = []
        for n in range(leads):
            at = now - timedelta(minutes=rng.randint(0, 730 * 24 * 60))
            batch.append(
                {
                    "id": uuid.uuid4(),
                    "organization_id": org,
                    "name": f"Lead {n}",
                    "message": "",
                    "source": rng.choice(LEAD_SOURCES),
                    "extra": {},
                    "status": rng.choice(LEAD_STATUSES),
                    "ip": "",
                    "created_at": at,
                    "updated_at": at,
                }
            )
            if len(batch) == BATCH or n == leads - 1:
                async with database.transaction() as session:
                    await session.execute(insert(Lead), batch)
                batch = []
        print(f"    {leads:,} leads ({clock.monotonic() - started:.0f} s)", flush=True)
        started = clock.monotonic()
        async with database.transaction() as session:  # the rows above went past the outbox
            days = await rollups.rebuild(session, org)
            cash = await cash_days.rebuild(session, org)
        await rollups.vacuum(database)
        print(
            f"    rollups filled: {days:,} booking days, {cash:,} cash days "
            f"({clock.monotonic() - started:.0f} s)",
            flush=True,
        )
        await database.refresh_statistics()
    finally:
        await database.dispose()


def run_seed(env: dict[str, str], organization_id: str, *, leads: int) -> None:
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        asyncio.run(seed(organization_id, leads=leads))
    finally:
        os.environ.clear()
        os.environ.update(saved)
