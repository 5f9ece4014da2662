"""The demo's 100 leads, at every stage of the pipeline, from every channel people ask through.
Twenty were won: they became the first demo customers, and twelve of them booked right away."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.demo.book import free_evening
from maitred.demo.business import EVENT_TYPES
from maitred.demo.customers import FROM_LEADS, demo_customers
from maitred.demo.names import Person, people
from maitred.demo.people import Cast
from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from maitred.kit.pagination import PageParams
from maitred.leads import convert as convert_service
from maitred.leads import service as leads_service

SEED = 11
CHUNK = 50
STAGES = (
    ("new", 16),
    ("contacted", 14),
    ("qualified", 14),
    ("quoted", 16),
    ("won", 20),
    ("lost", 20),
)
COUNT = sum(n for _, n in STAGES)
WON_AND_BOOKED = 12
DAYS_OLD = {
    "new": (0, 6),
    "contacted": (2, 20),
    "qualified": (5, 30),
    "quoted": (8, 40),
    "won": (15, 75),
    "lost": (10, 75),
}
SOURCES = ("website", "phone", "instagram", "referral", "facebook", "yelp", "google")
SOURCE_WEIGHTS = (30, 20, 15, 12, 8, 8, 7)
MESSAGES = (
    "Hibachi party for {guests} in {city} on {day}? What would it cost?",
    "Do you come out to {city}? {Kind} for {guests} people on {day}.",
    "Saw your reel! I'd love a chef for my {kind} ({guests} guests) on {day}.",
    "A friend recommended you. Need a hibachi chef for {guests} on {day}.",
    "Looking for pricing for a {kind}, around {guests} guests, {day}.",
)
NOTES = {
    "contacted": "Called {first}, left a voicemail and sent the menu by text",
    "qualified": "Spoke with {first}: backyard has room for the grill, date works",
    "quoted": "Sent the quote by email; {first} is checking with the family",
    "won": "Quote accepted on the phone",
    "lost": "Followed up twice",
}
LOST_REASONS = (
    "Went with another caterer",
    "Over budget",
    "Date already full",
    "No reply after three follow-ups",
    "Party cancelled",
)


@dataclass(frozen=True)
class PlannedLead:
    person: Person
    status: str
    source: str
    received_days_ago: float
    event_date: date
    guest_count: int
    event_type: str
    message: str
    lost_reason: str
    book: bool


def plan_leads(today: date) -> list[PlannedLead]:
    """Oldest first, as they came in."""
    rng = random.Random(SEED)
    customers = demo_customers()
    strangers = people(random.Random(SEED), (530,), taken={p.name for p in customers})
    statuses = [status for status, n in STAGES for _ in range(n)]
    rng.shuffle(statuses)
    won = iter(enumerate(customers[:FROM_LEADS]))
    others = iter(strangers)
    planned = []
    for status in statuses:
        order, person = next(won) if status == "won" else (None, next(others))
        low, high = DAYS_OLD[status]
        kind = rng.choices(EVENT_TYPES, weights=(40, 6, 16, 10, 6, 4, 16))[0]
        guests = max(6, round(rng.gauss(15, 6)))
        day = today + timedelta(days=rng.randint(10, 80))
        text = rng.choice(MESSAGES).format(
            guests=guests,
            city=person.address["city"],
            day=f"{day:%B} {day.day}",
            kind=kind,
            Kind=kind.capitalize(),
        )
        planned.append(
            PlannedLead(
                person=person,
                status=status,
                source=rng.choices(SOURCES, weights=SOURCE_WEIGHTS)[0],
                received_days_ago=rng.uniform(low, high),
                event_date=day,
                guest_count=guests,
                event_type=kind,
                message=text,
                lost_reason=rng.choice(LOST_REASONS),
                book=order is not None and order < WON_AND_BOOKED,
            )
        )
    return sorted(planned, key=lambda lead: -lead.received_days_ago)


async def count_leads(session: AsyncSession, organization_id: uuid.UUID) -> int:
    _, info = await leads_service.list_leads(
        session, organization_id=organization_id, params=PageParams(page=1, limit=1)
    )
    return info.total_items


async def _load_lead(
    session: AsyncSession, cast: Cast, lead: PlannedLead, seller: uuid.UUID, now: datetime
) -> None:
    person = lead.person
    made = await leads_service.record_lead(
        session,
        organization_id=cast.organization_id,
        name=person.name,
        phone=person.phone,
        email=person.email,
        message=lead.message,
        source=lead.source,
        received_at=now - timedelta(days=lead.received_days_ago),
        event_date=lead.event_date,
        guest_count=lead.guest_count,
        event_type=lead.event_type,
    )
    if lead.status == "new":
        return
    stage = "quoted" if lead.status == "won" else lead.status
    changes: dict[str, object] = {"status": stage, "assigned_to": seller}
    if stage == "lost":
        changes["lost_reason"] = lead.lost_reason
    await leads_service.update_lead(
        session, organization_id=cast.organization_id, lead_id=made["id"], changes=changes
    )
    await leads_service.add_note(
        session,
        organization_id=cast.organization_id,
        lead_id=made["id"],
        author_id=seller,
        body=NOTES[lead.status].format(first=person.first_name),
    )
    if lead.status != "won":
        return
    free = await free_evening(session, cast, lead.event_date) if lead.book else None
    home = person.address
    await convert_service.convert_lead(
        session,
        organization_id=cast.organization_id,
        lead_id=made["id"],
        actor_user_id=seller,
        create_booking=free is not None,
        booking_data=None
        if free is None
        else {
            "event_date": free[0],
            "event_time": free[1],
            "guest_count": lead.guest_count,
            "event_type": lead.event_type,
            "location": f"{home['street']}, {home['city']}, CA {home['zip_code']}",
        },
    )


async def load_leads(
    database: Database, cast: Cast, today: date, say: Callable[[str], None]
) -> None:
    planned = plan_leads(today)
    async with database.transaction(write=False) as session:
        existing = await count_leads(session, cast.organization_id)
    if existing >= len(planned):
        say(f"kept {existing} leads")
        return
    now = utcnow()
    for start in range(existing, len(planned), CHUNK):
        end = min(start + CHUNK, len(planned))
        async with database.transaction() as session:
            for index in range(start, end):
                seller = cast.sales_ids[index % len(cast.sales_ids)]
                await _load_lead(session, cast, planned[index], seller, now)
        say(f"created leads {start + 1}-{end} of {len(planned)}, won ones converted")
