"""Seats on events (seed 002): booked by signed-in customers or by staff for them, one active seat
per person and event, never more than the event holds, freed by cancelling; in the same book,
reference series and status machine as catering bookings."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import select

from maitred.crm.models import CrmRecord
from maitred.kit import outbox
from maitred.kit.db import Database
from maitred.kit.roles import Role
from tests.bookings.seats_given import active_seats, given_event, seats_taken
from tests.factories import deliver_everything, given_organization, signed_in_as
from tests.probe_router import error_of

BOOKINGS = "/api/v1/bookings"


async def test_a_customer_books_a_seat_and_sees_it_with_its_event(
    client: httpx.AsyncClient, database: Database
) -> None:
    organization = await given_organization(database)
    event_id = await given_event(database, organization)
    customer = await signed_in_as(client, database, Role.customer, organization)

    made = await client.post(
        BOOKINGS, json={"event_id": str(event_id), "notes": "First time"}, headers=customer.headers
    )
    listed = await client.get(f"{BOOKINGS}?kind=seat&upcoming=true", headers=customer.headers)

    assert made.status_code == 201, made.text
    booking = made.json()
    assert booking["kind"] == "seat"
    assert booking["status"] == "confirmed"
    assert booking["crm_notified"] is True
    assert booking["reference_number"].startswith("BK-")
    assert booking["notes"] == "First time"
    assert booking["event"]["id"] == str(event_id)
    assert booking["event"]["title"] == "Morning Meditation Session"
    assert booking["event"]["event_type"] == "session"
    assert (booking["total_amount"], booking["payment_status"]) == (25.0, "unpaid")
    assert booking["customer"]["email"] == customer.user.email
    assert {k: booking["user"][k] for k in ("email", "first_name", "last_name")} == {
        "email": customer.user.email,
        "first_name": "Pat",
        "last_name": "Example",
    }
    assert await seats_taken(database, event_id) == 1
    assert [item["id"] for item in listed.json()["items"]] == [booking["id"]]
    assert listed.json()["items"][0]["event"]["id"] == str(event_id)
    async with database.transaction(write=False) as session:
        record = await session.scalar(
            select(CrmRecord).where(CrmRecord.booking_id == uuid.UUID(booking["id"]))
        )
    assert record is not None
    assert (record.kind, record.crm_status, record.event_id) == ("seat", "new", event_id)


async def test_one_active_seat_per_person_and_cancelling_frees_it_for_booking_again(
    client: httpx.AsyncClient, database: Database
) -> None:
    organization = await given_organization(database)
    event_id = await given_event(database, organization)
    customer = await signed_in_as(client, database, Role.customer, organization)
    body = {"event_id": str(event_id)}

    first = await client.post(BOOKINGS, json=body, headers=customer.headers)
    twice = await client.post(BOOKINGS, json=body, headers=customer.headers)
    cancelled = await client.put(
        f"{BOOKINGS}/{first.json()['id']}/cancel", json={}, headers=customer.headers
    )
    freed = await seats_taken(database, event_id)
    again = await client.post(BOOKINGS, json=body, headers=customer.headers)

    assert first.status_code == 201
    assert twice.status_code == 409
    assert error_of(twice)["error"] == "already_exists"
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert freed == 0
    assert again.status_code == 201
    assert await seats_taken(database, event_id) == 1


async def test_a_full_event_is_409_and_nothing_is_written(
    client: httpx.AsyncClient, database: Database
) -> None:
    organization = await given_organization(database)
    event_id = await given_event(database, organization, seats=1)
    first = await signed_in_as(client, database, Role.customer, organization)
    second = await signed_in_as(client, database, Role.customer, organization)
    body = {"event_id": str(event_id)}

    taken = await client.post(BOOKINGS, json=body, headers=first.headers)
    refused = await client.post(BOOKINGS, json=body, headers=second.headers)
    theirs = await client.get(BOOKINGS, headers=second.headers)

    assert taken.status_code == 201
    assert refused.status_code == 409
    assert error_of(refused)["error"] == "capacity_exceeded"
    assert theirs.json()["items"] == []
    assert (await seats_taken(database, event_id), await active_seats(database, event_id)) == (1, 1)


async def test_cancelled_past_and_unknown_events_cannot_be_booked(
    client: httpx.AsyncClient, database: Database
) -> None:
    organization = await given_organization(database)
    cancelled = await given_event(database, organization, status="cancelled")
    past = await given_event(database, organization, days_ahead=-2)
    other = await given_event(database, await given_organization(database, "Other Studio"))
    customer = await signed_in_as(client, database, Role.customer, organization)

    answers = [
        await client.post(BOOKINGS, json={"event_id": str(e)}, headers=customer.headers)
        for e in (cancelled, past, other, uuid.uuid4())
    ]

    assert [a.status_code for a in answers] == [409, 409, 404, 404]
    assert [error_of(a)["error"] for a in answers[:2]] == ["invalid_state", "invalid_state"]


async def test_a_seat_takes_date_and_party_from_its_event(
    client: httpx.AsyncClient, database: Database
) -> None:
    organization = await given_organization(database)
    event_id = await given_event(database, organization)
    staff = await signed_in_as(client, database, Role.staff, organization)

    with_guests = await client.post(
        BOOKINGS,
        json={"event_id": str(event_id), "customer": {"name": "Ann Lee"}, "guest_count": 4},
        headers=staff.headers,
    )
    with_date = await client.post(
        BOOKINGS,
        json={"event_id": str(event_id), "event_date": "2030-01-01"},
        headers=staff.headers,
    )
    for_customer = await client.post(
        BOOKINGS,
        json={"event_id": str(event_id), "customer": {"name": "Ann Lee", "email": "ann@x.org"}},
        headers=staff.headers,
    )
    moved = await client.patch(
        f"{BOOKINGS}/{for_customer.json()['id']}",
        json={"event_date": "2030-01-01"},
        headers=staff.headers,
    )

    assert with_guests.status_code == 422
    assert "guest_count" in error_of(with_guests)["details"]
    assert with_date.status_code == 422
    assert for_customer.status_code == 201
    assert for_customer.json()["customer"]["name"] == "Ann Lee"
    assert moved.status_code == 422
    assert "event_date" in error_of(moved)["details"]
    assert await seats_taken(database, event_id) == 1


async def test_cancelling_an_event_cancels_its_seats_through_the_outbox(
    client: httpx.AsyncClient, database: Database
) -> None:
    organization = await given_organization(database)
    event_id = await given_event(database, organization)
    for _ in range(3):
        customer = await signed_in_as(client, database, Role.customer, organization)
        made = await client.post(
            BOOKINGS, json={"event_id": str(event_id)}, headers=customer.headers
        )
        assert made.status_code == 201
    async with database.transaction() as session:
        await outbox.emit(
            session,
            "event.cancelled",
            organization_id=organization.id,
            event_id=event_id,
            reason="Teacher ill",
        )

    await deliver_everything(database)

    assert await active_seats(database, event_id) == 0
    assert await seats_taken(database, event_id) == 0
    staff = await signed_in_as(client, database, Role.staff, organization)
    listed = await client.get(f"{BOOKINGS}?event_id={event_id}", headers=staff.headers)
    assert {item["status"] for item in listed.json()["items"]} == {"cancelled"}
    assert listed.json()["pagination"]["total_items"] == 3
