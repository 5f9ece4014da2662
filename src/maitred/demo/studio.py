"""The demo wellness studio (seed 002), an organization of its own beside the hibachi business:
its admin and a facilitator who sign in, four facilitators, weekly classes and two retreats over
the next three months, and its customers' seats (studio_book.py).

Each part is kept when the studio has it already; the calendar is made in one transaction, so
it is there whole or not at all.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.demo.people import DEMO_PASSWORD
from maitred.demo.studio_book import load_studio_customers, load_studio_seats
from maitred.demo.studio_plan import (
    FACILITATORS,
    PHOTOS,
    RETREAT_ENDS,
    RETREAT_STARTS,
    RETREATS,
    SIGNS_IN,
    STUDIO,
    WEEKLY,
    on_or_after,
)
from maitred.events import service as events_service
from maitred.identity import service as identity_service
from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from maitred.kit.pagination import PageParams
from maitred.kit.roles import Role
from maitred.tenancy import memberships
from maitred.tenancy import service as tenancy_service

STUDIO_ORG = "Lotus Flow Studio (demo)"
STUDIO_ADMIN = "admin@studio-demo.example"
STUDIO_FACILITATOR = "maya@studio-demo.example"
STUDIO_TIMEZONE = "America/Los_Angeles"
EVENT_TYPES = [{"key": "session", "label": "Weekly class"}, {"key": "retreat", "label": "Retreat"}]
CALENDAR_DAYS = 91


@dataclass(frozen=True)
class Studio:
    organization_id: uuid.UUID
    admin_id: uuid.UUID
    facilitator_user_id: uuid.UUID
    timezone: str


async def load_studio(database: Database, say: Callable[[str], None]) -> None:
    async with database.transaction() as session:
        studio = await load_studio_people(session, say)
        today = utcnow().astimezone(ZoneInfo(studio.timezone)).date()
        await load_event_types(session, studio, say)
        facilitators = await load_facilitators(session, studio, say)
        await load_calendar(session, studio, facilitators, today, say)
    customers = await load_studio_customers(database, studio.organization_id, say)
    await load_studio_seats(database, studio, customers, say)


async def load_studio_people(session: AsyncSession, say: Callable[[str], None]) -> Studio:
    result = await identity_service.create_admin(
        session, email=STUDIO_ADMIN, password=DEMO_PASSWORD, org_name=STUDIO_ORG
    )
    org = result.organization
    if result.organization_created:
        org.timezone, org.currency, org.country = STUDIO_TIMEZONE, "USD", "US"
        say(f"created demo organization {org.name!r} (slug {org.slug})")
    if result.user_created:
        result.user.full_name = "Sage Admin"
    verb = "created" if result.user_created else "kept"
    say(f"{verb} demo user {STUDIO_ADMIN} (admin) / password {DEMO_PASSWORD}")
    user = await identity_service.find_by_email(session, STUDIO_FACILITATOR)
    verb = "kept"
    if user is None:
        user = await identity_service.create_user(
            session, email=STUDIO_FACILITATOR, password=DEMO_PASSWORD, full_name=SIGNS_IN
        )
        verb = "created"
    if await memberships.find(session, user.id, org.id) is None:
        await memberships.add(
            session, user_id=user.id, organization_id=org.id, role=Role.facilitator
        )
    say(f"{verb} demo user {STUDIO_FACILITATOR} (facilitator) / password {DEMO_PASSWORD}")
    return Studio(org.id, result.user.id, user.id, org.timezone)


async def load_event_types(
    session: AsyncSession, studio: Studio, say: Callable[[str], None]
) -> None:
    """Set once: types the studio changed since are kept as they are."""
    organization = await tenancy_service.get(session, studio.organization_id)
    if organization is not None and "events" in (organization.settings or {}):
        say("kept the studio's event types")
        return
    await events_service.update_settings(
        session, organization_id=studio.organization_id, changes={"event_types": EVENT_TYPES}
    )
    say("set the studio's event types: weekly class (session), retreat")


async def load_facilitators(
    session: AsyncSession, studio: Studio, say: Callable[[str], None]
) -> dict[str, uuid.UUID]:
    """The studio's facilitators by name; the demo's four are made when missing."""
    found, _ = await events_service.list_facilitators(
        session,
        organization_id=studio.organization_id,
        params=PageParams(page=1, limit=100),
        is_active=None,
    )
    by_name = {row["name"]: row["id"] for row in found}
    made = []
    for name, bio, photo in FACILITATORS:
        if name in by_name:
            continue
        created = await events_service.create_facilitator(
            session,
            organization_id=studio.organization_id,
            name=name,
            bio=bio,
            photo_url=f"{PHOTOS}/{photo}",
            user_id=studio.facilitator_user_id if name == SIGNS_IN else None,
        )
        by_name[name] = created["id"]
        made.append(name)
    if made:
        say(f"created {len(made)} facilitators: {', '.join(made)} ({SIGNS_IN} signs in)")
    else:
        say(f"kept {len(by_name)} facilitators")
    return by_name


async def count_events(session: AsyncSession, organization_id: uuid.UUID) -> int:
    _, info = await events_service.list_events(
        session,
        organization_id=organization_id,
        params=PageParams(page=1, limit=1),
        staff=True,
        status="all",
    )
    return info.total_items


def _weekly_fields(facilitators: dict[str, uuid.UUID], today: date) -> list[dict[str, Any]]:
    first = today + timedelta(days=1)
    until = today + timedelta(days=CALENDAR_DAYS)
    fields = []
    for weekly in WEEKLY:
        starts = datetime.combine(on_or_after(first, weekly.weekday), weekly.starts)
        fields.append(
            {
                "title": weekly.title,
                "description": weekly.description,
                "event_type": "session",
                "facilitator_id": facilitators[weekly.facilitator],
                "start_datetime": starts,
                "end_datetime": starts + timedelta(minutes=weekly.minutes),
                "location": STUDIO,
                "max_participants": weekly.seats,
                "price": Decimal(weekly.price),
                "requirements": weekly.requirements,
                "weekdays": [weekly.weekday],
                "until": until,
            }
        )
    return fields


def _retreat_fields(facilitators: dict[str, uuid.UUID], today: date) -> list[dict[str, Any]]:
    fields = []
    for retreat in RETREATS:
        day = on_or_after(today + timedelta(weeks=retreat.weeks_ahead), retreat.weekday)
        fields.append(
            {
                "title": retreat.title,
                "description": retreat.description,
                "event_type": "retreat",
                "facilitator_id": facilitators[retreat.facilitator],
                "start_datetime": datetime.combine(day, RETREAT_STARTS),
                "end_datetime": datetime.combine(
                    day + timedelta(days=retreat.nights), RETREAT_ENDS
                ),
                "location": retreat.location,
                "max_participants": retreat.seats,
                "price": Decimal(retreat.price),
                "requirements": retreat.requirements,
            }
        )
    return fields


async def load_calendar(
    session: AsyncSession,
    studio: Studio,
    facilitators: dict[str, uuid.UUID],
    today: date,
    say: Callable[[str], None],
) -> None:
    """From tomorrow over three months: the weekly classes and two retreats."""
    existing = await count_events(session, studio.organization_id)
    if existing:
        say(f"kept {existing} studio events")
        return
    sessions = 0
    for fields in _weekly_fields(facilitators, today):
        made = await events_service.create_series(
            session, organization_id=studio.organization_id, fields=fields
        )
        sessions += made["count"]
    for fields in _retreat_fields(facilitators, today):
        await events_service.create_event(
            session, organization_id=studio.organization_id, fields=fields
        )
    say(
        f"created the studio's calendar: {len(WEEKLY)} weekly classes ({sessions} sessions) "
        f"and {len(RETREATS)} retreats over the next three months"
    )
