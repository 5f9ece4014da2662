"""Customers (role customer) see, book and cancel only their own bookings, and cancel only
until the policy's notice before the event."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from tests.bookings.given import (
    SEED_001_POLICY,
    Book,
    book_one,
    count_bookings,
    given_book,
    given_customer,
    saturday,
    seed_001_form,
    staff_of,
)
from tests.factories import Actor, given_user, sign_in
from tests.probe_router import error_of

ZONE = ZoneInfo("America/Los_Angeles")
OPEN_EVERY_DAY = {**SEED_001_POLICY, "availability": {"closed_weekdays": []}}


async def _customer(client: httpx.AsyncClient, database: Database, book: Book) -> Actor:
    user = await given_user(
        database, book.organization, "customer", email="guest@example.com", full_name="Gus Guest"
    )
    return Actor(user, book.organization, await sign_in(client, user.email))


def _customer_form(book: Book, **changes: Any) -> dict[str, Any]:
    return seed_001_form(None, book, **{"status": "pending", **changes})


async def test_a_customer_books_for_themselves(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database)
    guest = await _customer(client, database, book)

    created = await book_one(client, guest, _customer_form(book))
    confirming = await client.post(
        "/api/v1/bookings", json=_customer_form(book, status="confirmed"), headers=guest.headers
    )
    for_someone_else = await client.post(
        "/api/v1/bookings",
        json={**_customer_form(book), "customer_id": str(await given_customer(database, book))},
        headers=guest.headers,
    )

    assert created["status"] == "pending"
    assert created["source"] == "customer"
    assert created["customer"]["name"] == "Gus Guest"
    assert created["customer"]["email"] == "guest@example.com"
    assert confirming.status_code == 403
    assert for_someone_else.status_code == 403
    assert await count_bookings(database) == 1


async def test_a_customer_sees_only_their_own_bookings(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database, teams=3)
    staff = await staff_of(client, database, book)
    guest = await _customer(client, database, book)

    before_any = await client.get("/api/v1/bookings", headers=guest.headers)
    theirs = await book_one(client, guest, _customer_form(book))
    other = await book_one(client, staff, seed_001_form(await given_customer(database, book), book))

    listed = await client.get("/api/v1/bookings", headers=guest.headers)
    own = await client.get(f"/api/v1/bookings/{theirs['id']}", headers=guest.headers)
    foreign = await client.get(f"/api/v1/bookings/{other['id']}", headers=guest.headers)
    cancel_foreign = await client.delete(f"/api/v1/bookings/{other['id']}", headers=guest.headers)
    edit_own = await client.patch(
        f"/api/v1/bookings/{theirs['id']}", json={"notes": "hi"}, headers=guest.headers
    )

    assert before_any.json()["items"] == []
    assert [item["id"] for item in listed.json()["items"]] == [theirs["id"]]
    assert listed.json()["pagination"]["total_items"] == 1
    assert own.status_code == 200
    assert foreign.status_code == 404
    assert cancel_foreign.status_code == 404
    assert edit_own.status_code == 403
    still = await client.get(f"/api/v1/bookings/{other['id']}", headers=staff.headers)
    assert still.json()["status"] == "confirmed"
    assert (await client.get(f"/api/v1/bookings/{theirs['id']}", headers=staff.headers)).json()[
        "notes"
    ] == theirs["notes"]


async def test_a_customer_cancels_until_the_notice_before_the_event(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database, settings=OPEN_EVERY_DAY, teams=2)
    staff = await staff_of(client, database, book)
    guest = await _customer(client, database, book)
    early = await book_one(client, guest, _customer_form(book, event_date=saturday().isoformat()))
    tomorrow = utcnow().astimezone(ZONE).date() + timedelta(days=1)
    soon = await book_one(
        client,
        staff,
        seed_001_form(
            early["customer"]["id"], book, event_date=tomorrow.isoformat(), event_time="19:00"
        ),
    )

    in_time = await client.delete(f"/api/v1/bookings/{early['id']}", headers=guest.headers)
    too_late = await client.put(f"/api/v1/bookings/{soon['id']}/cancel", headers=guest.headers)

    assert in_time.status_code == 204
    assert too_late.status_code == 409
    starts = datetime.combine(tomorrow, time(19, 0), tzinfo=ZONE).astimezone(UTC)
    deadline = (starts - timedelta(hours=48)).astimezone(ZONE)
    assert error_of(too_late) == {
        "error": "invalid_state",
        "message": "Bookings can be cancelled online until 48 hours before the event "
        f"(until {deadline:%Y-%m-%d %H:%M}); please contact us",
        "details": {"cancel_until": deadline.isoformat()},
    }
    after = await client.get(f"/api/v1/bookings/{soon['id']}", headers=staff.headers)
    assert after.json()["status"] == "confirmed"
