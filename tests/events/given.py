"""Events and facilitators for tests, made through the events service."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import func, select

from maitred.events import service as events_service
from maitred.events.models import Event, Facilitator
from maitred.kit.db import Database
from maitred.kit.outbox import OutboxEvent
from maitred.tenancy.models import Organization
from tests.factories import Actor

EVENTS = "/api/v1/events"
FACILITATORS = "/api/v1/facilitators"
# Far enough ahead to stay upcoming; the organizations of the factories are in Los Angeles.
YEAR = 2031


def forbidden(permission: str) -> dict[str, Any]:
    return {"error": "forbidden", "message": f"Requires permission {permission}", "details": {}}


def not_found(message: str) -> dict[str, Any]:
    return {"error": "not_found", "message": message, "details": {}}


def invalid(details: dict[str, str]) -> dict[str, Any]:
    return {"error": "validation_error", "message": "Request validation failed", "details": details}


def event_form(**fields: Any) -> dict[str, Any]:
    """A valid POST /events body: a yoga class on a January morning, local time."""
    return {
        "title": "Morning Yoga",
        "description": "Start your day with mindfulness",
        "event_type": "session",
        "start_datetime": f"{YEAR}-01-15T07:00:00",
        "end_datetime": f"{YEAR}-01-15T08:00:00",
        "location": "Wellness Center",
        "max_participants": 20,
        "price": 25,
        "requirements": "Bring your own mat",
        **fields,
    }


async def given_facilitator(
    database: Database, organization: Organization, name: str = "Jane Smith", **fields: Any
) -> uuid.UUID:
    async with database.transaction() as session:
        created = await events_service.create_facilitator(
            session, organization_id=organization.id, name=name, **fields
        )
    facilitator_id: uuid.UUID = created["id"]
    return facilitator_id


async def given_event(database: Database, organization: Organization, **fields: Any) -> uuid.UUID:
    form = event_form(**fields)
    for key in ("start_datetime", "end_datetime"):
        form[key] = datetime.fromisoformat(form[key])
    form["price"] = Decimal(form["price"])
    form.setdefault("status", "active")
    async with database.transaction() as session:
        created = await events_service.create_event(
            session, organization_id=organization.id, fields=form
        )
    event_id: uuid.UUID = created["id"]
    return event_id


async def stored_event(database: Database, event_id: uuid.UUID) -> Event | None:
    async with database.transaction(write=False) as session:
        return await session.get(Event, event_id)


async def stored_facilitator(database: Database, facilitator_id: uuid.UUID) -> Facilitator | None:
    async with database.transaction(write=False) as session:
        return await session.get(Facilitator, facilitator_id)


async def count_events(database: Database, organization: Organization) -> int:
    async with database.transaction(write=False) as session:
        statement = select(func.count()).where(Event.organization_id == organization.id)
        return int(await session.scalar(statement) or 0)


async def take_seats(
    database: Database, organization: Organization, event_id: uuid.UUID, n: int
) -> None:
    async with database.transaction() as session:
        for _ in range(n):
            await events_service.take_seat(session, organization.id, event_id)


async def outbox_payloads(
    database: Database, name: str, organization: Organization
) -> list[dict[str, Any]]:
    async with database.transaction(write=False) as session:
        rows = await session.scalars(
            select(OutboxEvent)
            .where(OutboxEvent.name == name, OutboxEvent.organization_id == organization.id)
            .order_by(OutboxEvent.created_at)
        )
        return [row.payload for row in rows]


async def titles(client: httpx.AsyncClient, actor: Actor, **params: Any) -> list[str]:
    response = await client.get(EVENTS, params=params, headers=actor.headers)
    assert response.status_code == 200, response.text
    return [event["title"] for event in response.json()["items"]]
