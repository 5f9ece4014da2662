"""GET /crm/bookings: every record (maitred's and pushed-in), filters, summary, pagination."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from maitred.customers import service as customers_service
from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from tests.bookings.given import given_book
from tests.crm.given import RECORDS, maitred_booking, notification, notify
from tests.factories import Actor, signed_in_as
from tests.probe_router import error_of

NO_FILTERS = dict.fromkeys(
    (
        "facilitator_id",
        "event_id",
        "user_id",
        "status",
        "crm_status",
        "kind",
        "date_from",
        "date_to",
    )
)


@dataclass
class Crm:
    admin: Actor
    jane_booking: str
    jane: str
    bob_booking: str
    first_outside: str
    second_outside: str


async def given_crm(client: httpx.AsyncClient, database: Database) -> Crm:
    """Two maitred bookings (Jane's, then Bob's) and two outside ones; the last is contacted.
    Another organization has a record of its own."""
    book = await given_book(database, teams=2)
    jane_booking, jane = await maitred_booking(client, database, book)
    bob_booking, _ = await maitred_booking(
        client, database, book, customer=("Bob Stone", "bob@example.com", "+19165550102")
    )
    admin = await signed_in_as(client, database, "admin", book.organization)
    first = await notify(client, admin.headers, notification("X-1", facilitator_id=1))
    second_body = notification("X-2", facilitator_id=2)
    second_body["user"] = {"id": 8, "email": "ann@example.com", "name": "Ann Lee", "phone": None}
    second = await notify(client, admin.headers, second_body)
    moved = await client.put(
        "/api/v1/bookings/X-2/status", json={"crm_status": "contacted"}, headers=admin.headers
    )
    assert moved.status_code == 200, moved.text
    other = await signed_in_as(client, database, "admin")
    await notify(client, other.headers, notification("X-1"))
    return Crm(admin, str(jane_booking), str(jane), str(bob_booking), first, second)


async def listed(client: httpx.AsyncClient, crm: Crm, **query: Any) -> dict[str, Any]:
    response = await client.get(RECORDS, params=query, headers=crm.admin.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def booking_ids(body: dict[str, Any]) -> list[str]:
    return [item["booking_id"] for item in body["items"]]


async def test_everything_newest_first_with_summary_and_no_filters(
    client: httpx.AsyncClient, database: Database
) -> None:
    crm = await given_crm(client, database)

    body = await listed(client, crm)

    assert booking_ids(body) == ["X-2", "X-1", crm.bob_booking, crm.jane_booking]
    assert body["filters_applied"] == NO_FILTERS
    assert body["summary"] == {"total_notifications": 4, "filtered_results": 4}
    assert body["pagination"] == {
        "page": 1,
        "limit": 20,
        "total_items": 4,
        "total_pages": 1,
        "has_next": False,
        "has_prev": False,
    }
    jane = body["items"][3]
    assert jane["kind"] == "catering"
    assert jane["user"] == {
        "id": crm.jane,
        "email": "jane@example.com",
        "name": "Jane Smith",
        "phone": "+19165550101",
    }
    assert jane["status"] == "confirmed"
    assert jane["crm_status"] == "new"
    outside = body["items"][0]
    assert outside["user"] == {
        "id": "8",
        "email": "ann@example.com",
        "name": "Ann Lee",
        "phone": None,
    }
    assert outside["event"] == {"id": "1", "title": "Morning Meditation Session", "type": "session"}
    assert (outside["facilitator_id"], outside["status"], outside["crm_status"]) == (
        "2",
        "received",
        "contacted",
    )


async def test_each_filter_narrows_and_is_echoed(
    client: httpx.AsyncClient, database: Database
) -> None:
    crm = await given_crm(client, database)

    contacted = await listed(client, crm, crm_status="CONTACTED")
    external = await listed(client, crm, kind="external")
    catering = await listed(client, crm, kind="catering")
    jane = await listed(client, crm, user_id=crm.jane)
    outside_user = await listed(client, crm, user_id="8")
    facilitator = await listed(client, crm, facilitator_id="1")
    received = await listed(client, crm, status="received")
    confirmed = await listed(client, crm, status="CONFIRMED")
    event = await listed(client, crm, event_id="1", crm_status="new")

    assert booking_ids(contacted) == ["X-2"]
    assert contacted["filters_applied"] == NO_FILTERS | {"crm_status": "contacted"}
    assert contacted["summary"] == {"total_notifications": 4, "filtered_results": 1}
    assert booking_ids(external) == ["X-2", "X-1"]
    assert booking_ids(catering) == [crm.bob_booking, crm.jane_booking]
    assert booking_ids(jane) == [crm.jane_booking]
    assert jane["filters_applied"] == NO_FILTERS | {"user_id": crm.jane}
    assert booking_ids(outside_user) == ["X-2"]
    assert booking_ids(facilitator) == ["X-1"]
    assert booking_ids(received) == ["X-2", "X-1"]
    assert booking_ids(confirmed) == [crm.bob_booking, crm.jane_booking]
    assert confirmed["filters_applied"]["status"] == "confirmed"
    assert booking_ids(event) == ["X-1"]
    assert event["summary"] == {"total_notifications": 4, "filtered_results": 1}


async def test_days_received_in_the_organizations_time_zone_and_pages(
    client: httpx.AsyncClient, database: Database
) -> None:
    crm = await given_crm(client, database)
    today = utcnow().astimezone(ZoneInfo("America/Los_Angeles")).date()

    from_today = await listed(client, crm, date_from=today.isoformat(), date_to=today.isoformat())
    tomorrow = await listed(client, crm, date_from=(today + timedelta(days=1)).isoformat())
    yesterday = await listed(client, crm, date_to=(today - timedelta(days=1)).isoformat())
    second_page = await listed(client, crm, page=2, limit=3)
    backwards = await client.get(
        RECORDS,
        params={"date_from": today.isoformat(), "date_to": (today - timedelta(days=1)).isoformat()},
        headers=crm.admin.headers,
    )

    assert from_today["summary"]["filtered_results"] == 4
    assert from_today["filters_applied"]["date_from"] == today.isoformat()
    assert tomorrow["items"] == []
    assert tomorrow["summary"] == {"total_notifications": 4, "filtered_results": 0}
    assert yesterday["items"] == []
    assert booking_ids(second_page) == [crm.jane_booking]
    assert second_page["pagination"]["has_prev"] is True
    assert second_page["pagination"]["total_pages"] == 2
    assert backwards.status_code == 422
    assert error_of(backwards)["details"] == {"date_to": "Must not be before date_from"}


async def test_an_erased_customer_shows_erased(
    client: httpx.AsyncClient, database: Database
) -> None:
    crm = await given_crm(client, database)
    assert crm.admin.organization is not None
    async with database.transaction() as session:
        await customers_service.erase_customer(
            session, organization_id=crm.admin.organization.id, customer_id=uuid.UUID(crm.jane)
        )

    body = await listed(client, crm, user_id=crm.jane)

    [item] = body["items"]
    assert item["user"]["email"] != "jane@example.com"
    assert item["user"]["name"] != "Jane Smith"
    assert item["user"]["phone"] != "+19165550101"


async def test_reading_needs_crm_read(client: httpx.AsyncClient, database: Database) -> None:
    crm = await given_crm(client, database)
    customer = await signed_in_as(client, database, "customer", crm.admin.organization)
    viewer = await signed_in_as(client, database, "viewer", crm.admin.organization)

    anonymous = await client.get(RECORDS)
    by_customer = await client.get(RECORDS, headers=customer.headers)
    by_viewer = await client.get(RECORDS, headers=viewer.headers)

    assert anonymous.status_code == 401
    assert by_customer.status_code == 403
    assert by_viewer.status_code == 200
    assert by_viewer.json()["summary"]["total_notifications"] == 4
