"""`POST /api/v1/public/events/{id}/seats`: a visitor's seat, the waitlist when the event is
full, the lead form's messages, a honeypot answered like a request but stored nowhere, and
another business's or a draft event not found."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import select

from maitred.bookings.models import Booking
from maitred.kit.db import Database
from maitred.tenancy.models import Organization
from maitred.waitlist.models import WaitlistEntry
from tests.bookings.seats_given import given_event, seats_taken
from tests.factories import given_organization

VISITOR = {"name": "Jane Smith", "phone": "+19165550123", "email": "jane@example.com"}


async def take(
    client: httpx.AsyncClient, studio: Organization, event_id: uuid.UUID, **body: str
) -> httpx.Response:
    return await client.post(
        f"/api/v1/public/events/{event_id}/seats", json=body, headers={"X-Tenant-ID": studio.slug}
    )


async def test_the_last_seat_then_the_waitlist_then_already_queued(
    client: httpx.AsyncClient, database: Database
) -> None:
    studio = await given_organization(database, "Quiet Studio")
    event_id = await given_event(database, studio, seats=1)

    seat = await take(client, studio, event_id, **VISITOR)
    queued = await take(client, studio, event_id, name="Sam Lee", phone="+19165550199")
    again = await take(client, studio, event_id, name="Sam Lee", phone="+19165550199")

    assert seat.status_code == 201, seat.text
    assert queued.status_code == 201, queued.text
    assert again.status_code == 409, again.text
    async with database.transaction() as session:
        [booking] = (await session.scalars(select(Booking))).all()
        entries = (await session.scalars(select(WaitlistEntry))).all()
    assert seat.json() == {
        "kind": "seat",
        "reference_number": booking.reference_number,
        "position": None,
    }
    assert (booking.kind, booking.status, booking.source) == ("seat", "confirmed", "public")
    assert queued.json() == {"kind": "waitlist", "reference_number": None, "position": 1}
    assert [(e.event_id, e.status) for e in entries] == [(event_id, "waiting")]
    assert await seats_taken(database, event_id) == 1


async def test_bad_details_get_the_lead_form_s_messages_and_a_bot_gets_nothing_stored(
    client: httpx.AsyncClient, database: Database
) -> None:
    studio = await given_organization(database, "Quiet Studio")
    event_id = await given_event(database, studio, seats=3)

    wrong = await take(client, studio, event_id, name="J", phone="12")
    bot = await take(client, studio, event_id, **VISITOR, honeypot="http://spam")

    assert wrong.status_code == 422
    assert wrong.json()["details"]["name"] == "Must be 2-100 characters"
    assert "phone" in wrong.json()["details"]
    assert bot.status_code == 201
    assert bot.json()["kind"] == "seat"
    async with database.transaction() as session:
        assert (await session.scalars(select(Booking))).all() == []
    assert await seats_taken(database, event_id) == 0


async def test_another_business_s_event_or_a_draft_is_not_found(
    client: httpx.AsyncClient, database: Database
) -> None:
    studio = await given_organization(database, "Quiet Studio")
    other = await given_organization(database, "Other Studio")
    theirs = await given_event(database, other, seats=3)
    draft = await given_event(database, studio, seats=3, status="draft")

    stolen = await take(client, studio, theirs, **VISITOR)
    drafted = await take(client, studio, draft, **VISITOR)

    assert stolen.status_code == drafted.status_code == 404
    async with database.transaction() as session:
        assert (await session.scalars(select(Booking))).all() == []
    assert await seats_taken(database, theirs) == 0
