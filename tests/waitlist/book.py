"""A bookable organization for waitlist tests: open every day, chef teams made through the API."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from maitred.kit.db import Database
from maitred.kit.roles import Role
from tests.factories import Actor, given_organization, signed_in_as

TIMEZONE = "America/Los_Angeles"
WAITLIST = "/api/v1/waitlist"


def days_ahead(days: int) -> date:
    return datetime.now(ZoneInfo(TIMEZONE)).date() + timedelta(days=days)


def book_settings(**availability: Any) -> dict[str, Any]:
    return {
        "availability": {
            "closed_weekdays": [],
            "min_notice_hours": 0,
            "slot_times": ["17:00", "18:00", "19:00"],
            "event_duration_minutes": 120,
            "buffer_minutes": 60,
            **availability,
        }
    }


async def given_book(
    client: httpx.AsyncClient, database: Database, *, teams: int = 1, **availability: Any
) -> Actor:
    """An admin of a new organization with `teams` chef teams working every day."""
    organization = await given_organization(
        database, "Hibachi at Home", settings=book_settings(**availability)
    )
    admin = await signed_in_as(client, database, Role.admin, organization)
    for number in range(1, teams + 1):
        made = await client.post(
            "/api/v1/availability/teams", json={"name": f"Team {number}"}, headers=admin.headers
        )
        assert made.status_code == 201, made.text
    return admin


def seed_entry(**changes: Any) -> dict[str, Any]:
    """Seed 000's "Add to Waitlist" body."""
    body: dict[str, Any] = {
        "customer": {"name": "Bob Wilson", "email": "bob@example.com", "phone": "+19164445566"},
        "preferred_date": days_ahead(30).isoformat(),
        "preferred_time": "18:00",
        "guest_count": 4,
        "location": {"city": "Sacramento", "state": "CA"},
    }
    body.update(changes)
    return body


def customer(number: int) -> dict[str, str]:
    return {
        "name": f"Guest {number}",
        "email": f"guest{number}@example.com",
        "phone": f"+1916555{number:04d}",
    }


async def add_entry(client: httpx.AsyncClient, actor: Actor, **changes: Any) -> dict[str, Any]:
    response = await client.post(WAITLIST, json=seed_entry(**changes), headers=actor.headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def book(
    client: httpx.AsyncClient, actor: Actor, day: date, at: str = "18:00", **changes: Any
) -> httpx.Response:
    """Seed 000's "Create Booking" body, by staff."""
    body: dict[str, Any] = {
        "customer": customer(900),
        "event_date": day.isoformat(),
        "event_time": at,
        "guest_count": 6,
        "location": {
            "address": "456 Oak Ave",
            "city": "Sacramento",
            "state": "CA",
            "zip_code": "95825",
        },
    }
    body.update(changes)
    return await client.post("/api/v1/bookings", json=body, headers=actor.headers)
