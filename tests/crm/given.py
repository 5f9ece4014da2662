"""A CRM's data for tests: facilitators and events (rows of the events domain), maitred bookings
with their CRM records, outside notifications and API keys."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select, update

from maitred.crm import service as crm_service
from maitred.crm.models import CrmRecord, CrmStatusChange
from maitred.events.models import Event, Facilitator
from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from maitred.tenancy.models import Organization
from tests.bookings.given import Book, book_one, given_customer, seed_001_form, staff_of
from tests.factories import Actor, given_user, sign_in

NOTIFY = "/api/v1/crm/notify"
RECORDS = "/api/v1/crm/bookings"
# Seed 002, CRM Service, "Receive Booking Notification", exactly as printed (its phone,
# `+1234567890`, is one digit short: kept as sent and flagged, never refused).
SEED_002_NOTIFICATION: dict[str, Any] = {
    "booking_id": 1,
    "user": {"id": 1, "email": "user@example.com", "name": "John Doe", "phone": "+1234567890"},
    "event": {
        "id": 1,
        "title": "Morning Meditation Session",
        "type": "session",
        "start_datetime": "2024-01-15T07:00:00",
        "location": "Wellness Center",
    },
    "facilitator_id": 1,
    "booking_date": "2024-01-01T12:00:00",
    "notes": "Looking forward to this session",
}


async def given_facilitator(
    database: Database, organization: Organization, name: str = "Jane Smith"
) -> uuid.UUID:
    async with database.transaction() as session:
        facilitator = Facilitator(organization_id=organization.id, name=name)
        session.add(facilitator)
        await session.flush()
        return facilitator.id


async def facilitator_signed_in(
    client: httpx.AsyncClient, database: Database, organization: Organization, name: str
) -> tuple[uuid.UUID, Actor]:
    """A facilitator profile linked to a signed-in user with the facilitator role."""
    user = await given_user(database, organization, "facilitator", full_name=name)
    async with database.transaction() as session:
        facilitator = Facilitator(organization_id=organization.id, name=name, user_id=user.id)
        session.add(facilitator)
        await session.flush()
        facilitator_id = facilitator.id
    return facilitator_id, Actor(user, organization, await sign_in(client, user.email))


async def given_event(
    database: Database,
    organization: Organization,
    facilitator_id: uuid.UUID,
    title: str,
    event_type: str = "session",
) -> uuid.UUID:
    starts = utcnow() + timedelta(days=14)
    async with database.transaction() as session:
        event = Event(
            organization_id=organization.id,
            title=title,
            event_type=event_type,
            facilitator_id=facilitator_id,
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            timezone="America/Los_Angeles",
            location="Wellness Center",
            max_participants=20,
        )
        session.add(event)
        await session.flush()
        return event.id


@dataclass(frozen=True)
class EventInfo:
    id: uuid.UUID
    title: str
    event_type: str
    facilitator_id: uuid.UUID


async def maitred_booking(
    client: httpx.AsyncClient,
    database: Database,
    book: Book,
    *,
    customer: tuple[str, str, str] = ("Jane Smith", "jane@example.com", "+19165550101"),
    event: EventInfo | None = None,
) -> tuple[uuid.UUID, uuid.UUID]:
    """A booking made through the API and its CRM record (made by the bookings domain once it
    tracks bookings, else here), attached to `event` and its facilitator. Returns (booking id,
    customer id)."""
    name, email, phone = customer
    customer_id = await given_customer(database, book, name, email, phone)
    staff = await staff_of(client, database, book)
    booking_id = uuid.UUID((await book_one(client, staff, seed_001_form(customer_id, book)))["id"])
    org_id = book.organization.id
    async with database.transaction() as session:
        found = await session.scalar(select(CrmRecord.id).where(CrmRecord.booking_id == booking_id))
        if found is None:
            await crm_service.track_booking(
                session,
                org_id,
                crm_service.TrackedBooking(
                    booking_id=booking_id,
                    kind="catering",
                    customer_id=customer_id,
                    user_id=None,
                    status="confirmed",
                    booked_at=utcnow(),
                    notes="Customer requested outdoor setup",
                ),
            )
        if event is not None:
            await session.execute(
                update(CrmRecord)
                .where(CrmRecord.booking_id == booking_id)
                .values(
                    kind="seat",
                    event_id=event.id,
                    event_title=event.title,
                    event_type=event.event_type,
                    facilitator_id=event.facilitator_id,
                )
            )
    return booking_id, customer_id


def notification(booking_id: int | str = 1, **changes: Any) -> dict[str, Any]:
    """Seed 002's example notification."""
    body: dict[str, Any] = {
        "booking_id": booking_id,
        "user": {
            "id": 1,
            "email": "User@Example.com",
            "name": "John Doe",
            "phone": "(916) 555-0123",
        },
        "event": {
            "id": 1,
            "title": "Morning Meditation Session",
            "type": "session",
            "start_datetime": "2024-01-15T07:00:00",
            "location": "Wellness Center",
        },
        "facilitator_id": 1,
        "booking_date": "2024-01-01T12:00:00",
        "notes": "Looking forward to this session",
    }
    body.update(changes)
    return body


async def notify(
    client: httpx.AsyncClient, headers: dict[str, str], body: dict[str, Any], status: int = 201
) -> str:
    response = await client.post(NOTIFY, json=body, headers=headers)
    assert response.status_code == status, response.text
    notification_id: str = response.json()["notification_id"]
    return notification_id


async def api_key(client: httpx.AsyncClient, admin: Actor, scopes: list[str]) -> dict[str, str]:
    response = await client.post(
        "/api/v1/api-keys", json={"name": "Booking site", "scopes": scopes}, headers=admin.headers
    )
    assert response.status_code == 201, response.text
    return {"X-API-Key": response.json()["key"]}


async def received_days_ago(database: Database, record_id: str, days: int) -> None:
    async with database.transaction() as session:
        await session.execute(
            update(CrmRecord)
            .where(CrmRecord.id == uuid.UUID(record_id))
            .values(received_at=utcnow() - timedelta(days=days))
        )


async def records_and_changes(database: Database) -> tuple[list[CrmRecord], int]:
    async with database.transaction(write=False) as session:
        records = list((await session.scalars(select(CrmRecord))).all())
        changes = len((await session.scalars(select(CrmStatusChange))).all())
    return records, changes


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
