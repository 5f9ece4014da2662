"""The booking book's benchmark data: a busy hibachi caterer's years of bookings, written fast.

Rows go straight in with bulk INSERTs of maitred's own models (encryption and blind indexes
included), not through the API: 100,000 bookings through HTTP would take longer than the
measurement. The shape is what the API would have made: every active future booking holds one
chef team in the capacity ledger, at most one per team and day.
"""

from __future__ import annotations

import asyncio
import os
import random
import time as clock
import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select, update

from maitred.availability.models import CapacityClaim, ChefTeam
from maitred.bookings.models import Booking
from maitred.config import Settings
from maitred.customers.models import Customer
from maitred.domains import import_models
from maitred.kit import crypto
from maitred.kit.numbering import NumberSeries
from maitred.menu.models import MenuItem
from maitred.tenancy.models import Organization

TEAMS = 50
ACTIVE_PER_DAY = 30  # future days: teams taken by seeded bookings; the rest stay free
SLOTS = ("17:00", "18:00", "19:00")
ZONE = ZoneInfo("America/Los_Angeles")
BATCH = 5000
SETTINGS: dict[str, Any] = {
    "pricing": {
        "price_per_adult": 55,
        "child_age_bands": [
            {"min_age": 0, "max_age": 5, "price": 0},
            {"min_age": 6, "max_age": 12, "price": 30},
        ],
        "minimum_total": 550,
        "upgrades": [
            {"name": "Filet mignon", "price_per_person": 5},
            {"name": "Lobster tail", "price_per_person": 15},
        ],
        "tax_rate": 0.0825,
        "travel_base_zip": "95814",
        "travel_free_miles": 30,
        "travel_per_mile": 2,
        "deposit_fixed": 100,
        "gratuity_suggestion_rates": [0.20, 0.35],
    },
    "availability": {
        "closed_weekdays": [],
        "min_notice_hours": 0,
        "horizon_days": 3 * 365,
        "slot_times": list(SLOTS),
    },
}


def batches(rows: Iterator[dict[str, Any]], size: int = BATCH) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def customer_rows(
    organization_id: uuid.UUID, count: int, now: datetime
) -> Iterator[dict[str, Any]]:
    for n in range(count):
        email = f"customer{n}@seed.example"
        phone = f"+1530{3000000 + n:07d}"
        yield {
            "id": uuid.uuid4(),
            "organization_id": organization_id,
            "name": f"Seed Customer {n}",
            "email": email,
            "email_index": crypto.blind_index(email, purpose="customers.email"),
            "phone": phone,
            "phone_index": crypto.blind_index(phone, purpose="customers.phone"),
            "dietary_restrictions": [],
            "notes": "",
            "source": "seed",
            "loyalty_tier": "bronze",
            "loyalty_points": 0,
            "created_at": now,
            "updated_at": now,
        }


def booking_rows(
    organization_id: uuid.UUID,
    customers: Sequence[uuid.UUID],
    teams: Sequence[uuid.UUID],
    count: int,
    today: date,
    now: datetime,
    claims: list[dict[str, Any]],
) -> Iterator[dict[str, Any]]:
    """85 % in the past two years, 15 % in the next one (at most ACTIVE_PER_DAY active a day)."""
    rng = random.Random(20261126)
    taken: dict[date, int] = {}
    for n in range(count):
        future = rng.random() < 0.15
        if future:
            day = today + timedelta(days=rng.randint(1, 365))
            status = rng.choices(("pending", "confirmed", "cancelled"), (3, 6, 1))[0]
            if status != "cancelled" and taken.get(day, 0) >= ACTIVE_PER_DAY:
                status = "cancelled"
        else:
            day = today - timedelta(days=rng.randint(1, 730))
            status = rng.choices(("completed", "cancelled", "no_show"), (80, 15, 5))[0]
        slot = time.fromisoformat(rng.choice(SLOTS))
        starts = datetime.combine(day, slot, ZONE).astimezone(UTC)
        guests = rng.randint(8, 40)
        total = Decimal(max(guests * 55, 550)) * Decimal("1.0825")
        total = total.quantize(Decimal("0.01"))
        booking_id = uuid.uuid4()
        if status in ("pending", "confirmed") and future:
            index = taken.get(day, 0)
            taken[day] = index + 1
            claims.append(
                {
                    "id": uuid.uuid4(),
                    "organization_id": organization_id,
                    "booking_id": booking_id,
                    "team_id": teams[index],
                    "day": day,
                    "starts_at": starts - timedelta(hours=1),
                    "ends_at": starts + timedelta(hours=3),
                    "expires_at": None,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        yield {
            "id": booking_id,
            "organization_id": organization_id,
            "reference_number": f"BK-{day.year}-{n + 1:06d}",
            "kind": "catering",
            "customer_id": customers[n % len(customers)],
            "status": status,
            "event_date": day,
            "event_time": slot,
            "timezone": ZONE.key,
            "starts_at": starts,
            "ends_at": starts + timedelta(hours=2),
            "guest_count": guests,
            "child_count": 0,
            "event_type": rng.choice(("birthday", "wedding", "corporate", "anniversary", "other")),
            "location": "Folsom, CA 95630",
            "location_details": {},
            "zip_code": "95630",
            "city": "Folsom",
            "special_requests": "",
            "notes": "",
            "source": "seed",
            "currency": "USD",
            "subtotal": Decimal(max(guests * 55, 550)),
            "service_fee": Decimal(0),
            "travel_fee": Decimal(0),
            "tax": total - Decimal(max(guests * 55, 550)),
            "total_amount": total,
            "deposit_amount": Decimal(100),
            "amount_paid": total if status == "completed" else Decimal(0),
            "pricing": {},
            "created_at": now - timedelta(days=rng.randint(0, 30)),
            "updated_at": now,
        }


async def seed(organization_id: str, *, bookings: int, customers: int) -> None:
    import_models()  # foreign keys between the domains' tables resolve
    settings = Settings()
    crypto.configure(crypto.Keyring.from_settings(settings))
    database = settings.database()
    org_id = uuid.UUID(organization_id)
    now = datetime.now(UTC)
    today = now.astimezone(ZONE).date()
    started = clock.monotonic()
    try:
        async with database.transaction() as session:
            await session.execute(
                update(Organization)
                .where(Organization.id == org_id)
                .values(timezone=ZONE.key, settings=SETTINGS)
            )
            team_ids = [uuid.uuid4() for _ in range(TEAMS)]
            await session.execute(
                insert(ChefTeam),
                [
                    {"id": t, "organization_id": org_id, "name": f"Team {i + 1}", "time_off": []}
                    for i, t in enumerate(team_ids)
                ],
            )
            await session.execute(
                insert(MenuItem),
                [
                    {"organization_id": org_id, "name": name, "price": Decimal(price)}
                    for name, price in (("Hibachi Chicken", 25), ("Hibachi Steak", 35))
                ],
            )
        customer_ids: list[uuid.UUID] = []
        for batch in batches(customer_rows(org_id, customers, now)):
            async with database.transaction() as session:
                await session.execute(insert(Customer), batch)
            customer_ids += [row["id"] for row in batch]
        print(f"    {customers:,} customers ({clock.monotonic() - started:.0f} s)", flush=True)
        claims: list[dict[str, Any]] = []
        rows = booking_rows(org_id, customer_ids, team_ids, bookings, today, now, claims)
        for batch in batches(rows):
            async with database.transaction() as session:
                await session.execute(insert(Booking), batch)
        for batch in batches(iter(claims)):
            async with database.transaction() as session:
                await session.execute(insert(CapacityClaim), batch)
        async with database.transaction() as session:
            # Reference numbers continue after the seeded ones.
            years = {today.year - 2, today.year - 1, today.year, today.year + 1}
            for year in years:
                await session.execute(
                    insert(NumberSeries).values(
                        organization_id=org_id, series="BK", year=year, last_value=bookings
                    )
                )
            count = len((await session.scalars(select(ChefTeam.id))).all())
        print(
            f"    {bookings:,} bookings, {len(claims):,} held chef teams, {count} teams "
            f"({clock.monotonic() - started:.0f} s)",
            flush=True,
        )
    finally:
        await database.dispose()


def run_seed(env: dict[str, str], organization_id: str, *, bookings: int, customers: int) -> None:
    """Seeds with the servers' settings (database, keys), in this process."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        asyncio.run(seed(organization_id, bookings=bookings, customers=customers))
    finally:
        os.environ.clear()
        os.environ.update(saved)
