"""Seed 001's public lead and booking examples, sent as printed (issue 18): their 555 numbers are
possible but in no numbering plan. They are accepted and stored E.164, the lead and the customer
say the number is not dialable, and the automatic SMS is skipped with the reason in the message
history while the email goes out. A number of the wrong length is still a 422 that says why."""

from __future__ import annotations

from typing import Any

import httpx
import phonenumbers
from sqlalchemy import text

from maitred.config import Settings
from maitred.kit.db import Database
from maitred.kit.roles import Role
from tests.bookings.given import SEED_000_POLICY, given_book, saturday
from tests.factories import deliver_everything, signed_in_as
from tests.notifications.given import history
from tests.probe_router import error_of

# Seed 001, "Create Lead (Quote Request)", exactly as printed.
SEED_LEAD: dict[str, Any] = {
    "name": "John Doe",
    "phone": "555-123-4567",
    "email": "john@example.com",
    "message": "Interested in catering for 50 guests",
    "source": "website",
    "metadata": {"page": "homepage", "referrer": "google"},
    "honeypot": "",
}
# Seed 001, "Create Booking Request", as printed but for its date: 2025-11-15 (a Saturday) has
# passed, so the request asks for a Saturday ahead.
SEED_BOOKING: dict[str, Any] = {
    "name": "Jane Smith",
    "phone": "555-987-6543",
    "email": "jane@example.com",
    "event_date": "2025-11-15",
    "event_time": "18:00",
    "guest_count": 25,
    "event_type": "birthday",
    "location": "Los Angeles, CA",
    "message": "Outdoor birthday party",
    "source": "booking_form",
    "honeypot": "",
}


def undialable(e164: str) -> str:
    return (
        f"The number {e164} is not dialable (possible, but not in the US numbering plan "
        f"as phonenumbers {phonenumbers.__version__} knows it)"
    )


def outcomes(items: list[dict[str, Any]]) -> list[tuple[str, str, str, str | None, int]]:
    return sorted(
        (m["channel"], m["to"], m["status"], m["error"], m["attempts"])
        for m in items
        if m["channel"] == "sms"
    )


async def test_seed_001s_lead_is_taken_and_its_sms_skipped_with_the_reason(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    book = await given_book(database)
    tenant = {"X-Tenant-ID": str(book.organization.id)}

    response = await client.post("/api/v1/public/leads", json=SEED_LEAD, headers=tenant)
    await deliver_everything(database, settings)

    assert response.status_code == 201, response.text
    staff = await signed_in_as(client, database, Role.admin, book.organization)
    lead = (
        await client.get(f"/api/v1/leads/{response.json()['lead_id']}", headers=staff.headers)
    ).json()
    assert (lead["phone"], lead["phone_dialable"]) == ("+15551234567", False)
    sent = (await history(client, staff))["items"]
    assert outcomes(sent) == [("sms", "+15551234567", "skipped", undialable("+15551234567"), 0)]
    assert {(m["channel"], m["status"]) for m in sent} == {("email", "sent"), ("sms", "skipped")}
    skipped = await history(client, staff, status="skipped")
    assert [m["to"] for m in skipped["items"]] == ["+15551234567"]


async def test_seed_001s_booking_request_is_taken_and_its_sms_skipped_with_the_reason(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    book = await given_book(database, settings=SEED_000_POLICY)
    tenant = {"X-Tenant-ID": str(book.organization.id)}
    form = {**SEED_BOOKING, "event_date": saturday().isoformat()}

    response = await client.post("/api/v1/public/bookings", json=form, headers=tenant)
    await deliver_everything(database, settings)

    assert response.status_code == 201, response.text
    admin = await signed_in_as(client, database, Role.admin, book.organization)
    booking = (
        await client.get(f"/api/v1/bookings/{response.json()['booking_id']}", headers=admin.headers)
    ).json()
    assert booking["customer"]["phone"] == "+15559876543"
    customer = (
        await client.get(f"/api/v1/customers/{booking['customer']['id']}", headers=admin.headers)
    ).json()
    assert (customer["phone"], customer["phone_dialable"]) == ("+15559876543", False)
    sent = (await history(client, admin))["items"]
    assert {m["template"] for m in sent if m["channel"] == "sms"} == {
        "booking_confirmation",
        "deposit_request",
    }
    assert set(outcomes(sent)) == {
        ("sms", "+15559876543", "skipped", undialable("+15559876543"), 0)
    }
    assert {m["status"] for m in sent if m["channel"] == "email"} == {"sent"}


async def test_a_number_of_the_wrong_length_is_422_saying_why_and_stores_nothing(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database, settings=SEED_000_POLICY)
    tenant = {"X-Tenant-ID": str(book.organization.id)}

    lead = await client.post(
        "/api/v1/public/leads", json={**SEED_LEAD, "phone": "555-123-456"}, headers=tenant
    )
    booking = await client.post(
        "/api/v1/public/bookings",
        json={**SEED_BOOKING, "event_date": saturday().isoformat(), "phone": "555-987-65430"},
        headers=tenant,
    )
    local = await client.post(
        "/api/v1/public/leads", json={**SEED_LEAD, "phone": "555-1234"}, headers=tenant
    )

    assert (lead.status_code, booking.status_code, local.status_code) == (422, 422, 422)
    assert error_of(lead)["details"] == {
        "phone": "Invalid phone number format (too short: 9 digits after +1, where numbers have 10)"
    }
    assert error_of(booking)["details"] == {
        "phone": "Invalid phone number format (too long: 11 digits after +1, where numbers have 10)"
    }
    assert error_of(local)["details"] == {
        "phone": (
            "Invalid phone number format (the area code is missing: 7 digits after +1 make a "
            "local number, where numbers have 10)"
        )
    }
    async with database.transaction(write=False) as session:
        counts = [
            (await session.execute(text(f"SELECT count(*) FROM {table}"))).scalar()
            for table in ("leads", "bookings", "customers", "messages")
        ]
    assert counts == [0, 0, 0, 0]
