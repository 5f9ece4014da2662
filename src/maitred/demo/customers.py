"""The demo's 200 customers, in the service area, some with dietary restrictions. The first
ones came in as leads (the leads part converts those leads into them)."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from functools import cache

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.customers import service as customers_service
from maitred.demo.names import Person, people
from maitred.kit.db import Database
from maitred.kit.pagination import PageParams

SEED = 2026
COUNT = 200
FROM_LEADS = 20
CHUNK = 50
CUSTOMER_NOTES = (
    "Prefers early evening events",
    "Hosts a party every summer",
    "Found us at the Folsom farmers market",
    "",
    "",
    "",
)


@cache
def demo_customers() -> tuple[Person, ...]:
    return tuple(people(random.Random(SEED), (916, 279), taken=set()))


async def count_customers(session: AsyncSession, organization_id: uuid.UUID) -> int:
    _, info = await customers_service.list_customers(
        session, organization_id=organization_id, params=PageParams(page=1, limit=1)
    )
    return info.total_items


async def customer_ids(session: AsyncSession, organization_id: uuid.UUID) -> dict[str, uuid.UUID]:
    """The organization's customers by email."""
    found: dict[str, uuid.UUID] = {}
    page = 1
    while True:
        rows, info = await customers_service.list_customers(
            session, organization_id=organization_id, params=PageParams(page=page, limit=100)
        )
        found.update({row["email"]: row["id"] for row in rows if row["email"]})
        if not info.has_next:
            return found
        page += 1


async def load_customers(
    database: Database, organization_id: uuid.UUID, say: Callable[[str], None]
) -> list[uuid.UUID]:
    """The demo customers' ids, in the order of `demo_customers()`; those missing are made, in
    chunks that each commit, so an interrupted run is completed by the next."""
    wanted = demo_customers()
    async with database.transaction(write=False) as session:
        existing = await count_customers(session, organization_id)
    if existing >= COUNT:
        say(f"kept {existing} customers")
    rng = random.Random(SEED + 1)
    notes = [rng.choice(CUSTOMER_NOTES) for _ in wanted]
    for start in range(existing, COUNT, CHUNK):
        end = min(start + CHUNK, COUNT)
        async with database.transaction() as session:
            for index in range(start, end):
                await customers_service.create_customer(
                    session,
                    organization_id=organization_id,
                    fields={**wanted[index].fields(), "notes": notes[index]},
                    source="lead" if index < FROM_LEADS else "admin",
                )
        say(f"created customers {start + 1}-{end} of {COUNT}")
    async with database.transaction(write=False) as session:
        by_email = await customer_ids(session, organization_id)
    return [by_email[person.email] for person in wanted]
