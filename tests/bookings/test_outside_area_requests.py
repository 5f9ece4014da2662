"""A public booking request from outside the service area: refused by default, or taken as a
pending booking for staff to review when the organization says so (seed 001's own example is
for Los Angeles; the demo caterer serves Sacramento and reviews farther requests)."""

from __future__ import annotations

import httpx

from maitred.kit.db import Database
from tests.bookings.given import given_book, saturday, staff_of
from tests.bookings.test_public_form import post, seed_form
from tests.factories import signed_in_as

AREA = {"availability": {"service_area": ["Sacramento", "95814"]}}
LOS_ANGELES = seed_form(location="Los Angeles, CA", phone="(213) 555-0142")


async def test_outside_the_area_is_refused_unless_reviewed(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database, settings=AREA)
    refused = await post(client, book, LOS_ANGELES)
    assert refused.status_code == 422
    assert refused.json()["details"] == {"location": "We do not serve this location"}

    admin = await signed_in_as(client, database, "admin", book.organization)
    changed = await client.patch(
        "/api/v1/settings/availability",
        json={"outside_area_requests": "review"},
        headers=admin.headers,
    )
    assert changed.status_code == 200, changed.text

    taken = await post(client, book, LOS_ANGELES)
    assert taken.status_code == 201, taken.text
    body = taken.json()
    assert body["status"] == "pending"
    assert body["outside_service_area"] is True
    assert "outside our usual service area" in body["message"]
    staff = await staff_of(client, database, book)
    booking = await client.get(f"/api/v1/bookings/{body['booking_id']}", headers=staff.headers)
    assert booking.json()["notes"].startswith("Outside the service area: confirm travel")

    inside = await post(client, book, seed_form(event_date=saturday(4).isoformat()))
    assert inside.status_code == 201, inside.text
    assert inside.json()["outside_service_area"] is False
    assert inside.json()["message"] == "Booking request received. We'll confirm within 48 hours."

    # What the public availability answers for that place follows the same rule.
    open_slots = await client.get(
        "/api/v1/public/availability",
        params={"date": saturday(5).isoformat(), "location": "Los Angeles, CA"},
        headers={"X-Tenant-ID": str(book.organization.id)},
    )
    assert open_slots.status_code == 200
    assert open_slots.json()["available"] is True
