"""What a database reader sees of customers (ciphertexts), erasure that keeps the books, and
the booking figures and loyalty a customer's bookings earn."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import text

from maitred.kit.db import Database
from maitred.kit.roles import Role
from tests.factories import Actor, given_organization, signed_in_as
from tests.probe_router import error_of

CUSTOMERS = "/api/v1/customers"
ALICE = {
    "name": "Alice Johnson",
    "email": "alice@example.com",
    "phone": "(916) 555-0123",
    "address": {"street": "789 Pine St", "city": "Sacramento", "state": "CA", "zip": "95816"},
    "dietary_restrictions": ["vegetarian"],
    "notes": "Prefers early evening events",
}
SEED_000_PRICING = {"pricing": {"price_per_adult": 45, "deposit_percent": 0.25}}


def event_day(days_ahead: int = 14) -> date:
    """A future day the default calendar is open on (closed on Mondays)."""
    day = datetime.now(ZoneInfo("America/Los_Angeles")).date() + timedelta(days=days_ahead)
    return day + timedelta(days=1) if day.isoweekday() == 1 else day


async def create_customer(client: httpx.AsyncClient, actor: Actor) -> dict[str, Any]:
    response = await client.post(CUSTOMERS, json=ALICE, headers=actor.headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def book(
    client: httpx.AsyncClient, actor: Actor, customer_id: str, day: date, guests: int = 8
) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/bookings",
        json={
            "customer_id": customer_id,
            "event_date": day.isoformat(),
            "event_time": "18:00",
            "guest_count": guests,
            "event_type": "birthday",
            "location": "Sacramento, CA",
        },
        headers=actor.headers,
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def given_a_team(client: httpx.AsyncClient, actor: Actor) -> None:
    response = await client.post(
        "/api/v1/availability/teams", json={"name": "Team Sacramento"}, headers=actor.headers
    )
    assert response.status_code == 201, response.text


async def test_email_phone_and_address_are_ciphertexts_in_the_database(
    client: httpx.AsyncClient, database: Database
) -> None:
    staff = await signed_in_as(client, database, Role.staff)
    await create_customer(client, staff)

    async with database.transaction() as session:
        row = (
            await session.execute(
                text("SELECT name, email, email_index, phone, phone_index, address FROM customers")
            )
        ).one()

    name, email, email_index, phone, phone_index, address = (str(v) for v in row)
    assert name == "Alice Johnson"  # searchable by part, so kept in clear
    assert email.startswith("v1.")
    assert "alice" not in email
    assert phone.startswith("v1.")
    assert "5550123" not in phone
    assert address.startswith("v1.")
    assert "Pine" not in address
    assert len(email_index) == len(phone_index) == 64
    assert "alice" not in email_index


async def test_erasure_blanks_the_person_keeps_the_bookings_and_refuses_changes(
    client: httpx.AsyncClient, database: Database
) -> None:
    org = await given_organization(database, settings=SEED_000_PRICING)
    staff = await signed_in_as(client, database, Role.staff, org)
    await given_a_team(client, staff)
    alice = await create_customer(client, staff)
    await book(client, staff, alice["id"], event_day())
    url = f"{CUSTOMERS}/{alice['id']}"

    erased = await client.delete(url, headers=staff.headers)
    again = await client.delete(url, headers=staff.headers)

    assert erased.status_code == again.status_code == 204
    body = (await client.get(url, headers=staff.headers)).json()
    assert body["name"] == "Erased customer"
    assert (body["email"], body["phone"], body["address"]) == (None, None, None)
    assert body["notes"] == ""
    assert body["dietary_restrictions"] == []
    assert body["preferences"] == {"dietary_restrictions": [], "preferred_contact": None}
    assert body["erased_at"] is not None
    assert body["total_bookings"] == 1
    assert body["upcoming_bookings"] == 1
    update = await client.patch(url, json={"name": "Alice"}, headers=staff.headers)
    assert update.status_code == 409
    assert error_of(update) == {
        "error": "invalid_state",
        "message": "This customer was erased and cannot be changed",
        "details": {},
    }
    search = await client.get(
        CUSTOMERS, params={"search": "alice@example.com"}, headers=staff.headers
    )
    assert search.json()["items"] == []
    # The email is free again: the person may come back as a new customer.
    assert (await client.post(CUSTOMERS, json=ALICE, headers=staff.headers)).status_code == 201
    async with database.transaction() as session:
        stored = (
            await session.execute(
                text("SELECT email, email_index, phone, address FROM customers WHERE name = :n"),
                {"n": "Erased customer"},
            )
        ).one()
    assert tuple(stored) == (None, None, None, None)


async def test_a_viewer_cannot_erase(client: httpx.AsyncClient, database: Database) -> None:
    staff = await signed_in_as(client, database, Role.staff)
    viewer = await signed_in_as(client, database, Role.viewer, staff.organization)
    alice = await create_customer(client, staff)

    refused = await client.delete(f"{CUSTOMERS}/{alice['id']}", headers=viewer.headers)

    assert refused.status_code == 403
    kept = (await client.get(f"{CUSTOMERS}/{alice['id']}", headers=staff.headers)).json()
    assert (kept["name"], kept["erased_at"]) == ("Alice Johnson", None)


async def test_completed_bookings_earn_points_and_a_tier_by_total_spent(
    client: httpx.AsyncClient, database: Database
) -> None:
    settings = SEED_000_PRICING | {
        "loyalty": {
            "points_per_unit": 2,
            "tiers": [{"name": "bronze", "min_spent": 0}, {"name": "silver", "min_spent": 600}],
        }
    }
    org = await given_organization(database, settings=settings)
    staff = await signed_in_as(client, database, Role.staff, org)
    await given_a_team(client, staff)
    alice = await create_customer(client, staff)
    first = await book(client, staff, alice["id"], event_day(14))
    second = await book(client, staff, alice["id"], event_day(21), guests=6)

    async def complete(booking: dict[str, Any]) -> None:
        for status in ("confirmed", "completed"):
            response = await client.patch(
                f"/api/v1/bookings/{booking['id']}", json={"status": status}, headers=staff.headers
            )
            assert response.status_code == 200, response.text

    await complete(first)
    after_one = (await client.get(f"{CUSTOMERS}/{alice['id']}", headers=staff.headers)).json()
    await complete(second)
    after_two = (await client.get(f"{CUSTOMERS}/{alice['id']}", headers=staff.headers)).json()

    assert (after_one["loyalty_points"], after_one["loyalty_tier"]) == (720, "bronze")
    assert after_one["total_spent"] == 360.0
    assert (after_two["loyalty_points"], after_two["loyalty_tier"]) == (1260, "silver")
    assert after_two["total_spent"] == 630.0
    assert after_two["total_bookings"] == 2
    silver = await client.get(CUSTOMERS, params={"loyalty_tier": "silver"}, headers=staff.headers)
    assert [c["id"] for c in silver.json()["items"]] == [alice["id"]]
