"""Converting a waitlist entry into a booking (seed 000): it takes capacity like any booking."""

from __future__ import annotations

import re

import httpx

from maitred.kit.db import Database
from tests.probe_router import error_of
from tests.waitlist.book import WAITLIST, add_entry, book, customer, days_ahead, given_book

SEED_CONVERT = {
    "event_time": "18:30",
    "location": {
        "address": "123 Main St",
        "city": "Sacramento",
        "state": "CA",
        "zip_code": "95814",
    },
}


async def test_seed_000s_convert_makes_a_pending_waitlist_booking(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await given_book(client, database)
    entry = await add_entry(client, admin, notes="Peanut allergy")
    body = {"event_date": entry["preferred_date"], **SEED_CONVERT}

    response = await client.post(
        f"{WAITLIST}/{entry['id']}/convert", json=body, headers=admin.headers
    )

    assert response.status_code == 201, response.text
    converted = response.json()
    assert set(converted) == {"waitlist_id", "booking_id", "reference_number", "status"}
    assert converted["waitlist_id"] == entry["id"]
    assert converted["status"] == "pending"
    assert re.fullmatch(r"BK-\d{4}-\d{6}", converted["reference_number"])
    after = (await client.get(f"{WAITLIST}/{entry['id']}", headers=admin.headers)).json()
    assert after["status"] == "converted"
    assert after["booking_id"] == converted["booking_id"]
    booking = await client.get(f"/api/v1/bookings/{converted['booking_id']}", headers=admin.headers)
    assert booking.status_code == 200, booking.text
    made = booking.json()
    assert made["reference_number"] == converted["reference_number"]
    assert made["status"] == "pending"
    assert made["source"] == "waitlist"
    assert made["event_date"] == entry["preferred_date"]
    assert made["event_time"] == "18:30:00"
    assert made["guest_count"] == 4
    assert made["customer_id"] == entry["customer_id"]


async def test_convert_defaults_to_the_entrys_wish(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await given_book(client, database)
    entry = await add_entry(client, admin, preferred_time="19:00", guest_count=8)

    response = await client.post(
        f"{WAITLIST}/{entry['id']}/convert", json={"guest_count": 9}, headers=admin.headers
    )

    assert response.status_code == 201, response.text
    made = (
        await client.get(f"/api/v1/bookings/{response.json()['booking_id']}", headers=admin.headers)
    ).json()
    assert made["event_date"] == entry["preferred_date"]
    assert made["event_time"] == "19:00:00"
    assert made["guest_count"] == 9


async def test_a_taken_slot_is_capacity_exceeded_and_the_entry_keeps_waiting(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await given_book(client, database, teams=1)
    day = days_ahead(30)
    taken = await book(client, admin, day, "18:00")
    assert taken.status_code == 201, taken.text
    entry = await add_entry(client, admin, preferred_date=day.isoformat(), preferred_time="18:00")

    response = await client.post(
        f"{WAITLIST}/{entry['id']}/convert", json={}, headers=admin.headers
    )

    assert response.status_code == 409
    assert error_of(response) == {
        "error": "capacity_exceeded",
        "message": "No chef team is free at that time",
        "details": error_of(response)["details"],
    }
    assert (await client.get(f"{WAITLIST}/{entry['id']}", headers=admin.headers)).json() == entry
    bookings = await client.get("/api/v1/bookings", headers=admin.headers)
    assert [b["id"] for b in bookings.json()["items"]] == [taken.json()["id"]]


async def test_converted_and_cancelled_entries_cannot_be_converted(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await given_book(client, database, teams=2)
    converted = await add_entry(client, admin, customer=customer(1))
    cancelled = await add_entry(client, admin, customer=customer(2))
    first = await client.post(
        f"{WAITLIST}/{converted['id']}/convert", json={}, headers=admin.headers
    )
    assert first.status_code == 201, first.text
    await client.delete(f"{WAITLIST}/{cancelled['id']}", headers=admin.headers)

    twice = await client.post(
        f"{WAITLIST}/{converted['id']}/convert", json={}, headers=admin.headers
    )
    of_cancelled = await client.post(
        f"{WAITLIST}/{cancelled['id']}/convert", json={}, headers=admin.headers
    )
    patched = await client.patch(
        f"{WAITLIST}/{converted['id']}", json={"guest_count": 2}, headers=admin.headers
    )
    deleted = await client.delete(f"{WAITLIST}/{converted['id']}", headers=admin.headers)

    assert error_of(twice) == {
        "error": "invalid_state",
        "message": "A converted waitlist entry cannot be converted",
        "details": {"status": "converted"},
    }
    assert error_of(of_cancelled) == {
        "error": "invalid_state",
        "message": "A cancelled waitlist entry cannot be converted",
        "details": {"status": "cancelled"},
    }
    assert twice.status_code == of_cancelled.status_code == patched.status_code == 409
    assert deleted.status_code == 409
    assert error_of(deleted)["error"] == "invalid_state"
    bookings = await client.get("/api/v1/bookings", headers=admin.headers)
    assert [b["id"] for b in bookings.json()["items"]] == [first.json()["booking_id"]]
    entry = (await client.get(f"{WAITLIST}/{converted['id']}", headers=admin.headers)).json()
    assert entry["status"] == "converted"
    assert entry["guest_count"] == 4
