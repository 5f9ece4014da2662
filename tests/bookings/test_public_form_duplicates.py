"""A public booking from a new person who types an existing customer's phone is theirs, not the
customer's: a new customer marked as a possible duplicate, answered at the email they typed, the
old customer unchanged. Staff merge real duplicates, keeping bookings, payments and history."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select

from maitred.config import Settings
from maitred.customers.models import Customer
from maitred.kit.db import Database
from tests.bookings.given import (
    SEED_000_POLICY,
    Book,
    book_one,
    given_book,
    saturday,
    seed_001_form,
    staff_of,
)
from tests.factories import deliver_everything, signed_in_as
from tests.notifications.given import sent_messages
from tests.payments.calls import pay

FORM = "/api/v1/public/bookings"
ELIZABETH = {"name": "Elizabeth Lee", "email": "liz@example.com", "phone": "(916) 555-0177"}
STORED = {"name": "Elizabeth Lee", "email": "liz@example.com", "phone": "+19165550177"}


def jane_form(**changes: Any) -> dict[str, Any]:
    """Seed 001's public request, by Jane Smith, with Elizabeth's phone number."""
    form: dict[str, Any] = {
        "name": "Jane Smith",
        "phone": "(916) 555-0177",
        "email": "jane@example.com",
        "event_date": saturday(4).isoformat(),
        "event_time": "18:00",
        "guest_count": 25,
        "event_type": "birthday",
        "location": "Sacramento, CA",
        "message": "Outdoor birthday party",
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


async def given_elizabeth(client: httpx.AsyncClient, database: Database) -> tuple[Book, Any, dict]:
    book = await given_book(database, settings=SEED_000_POLICY, teams=3)
    staff = await staff_of(client, database, book)
    booking = await book_one(
        client, staff, {**seed_001_form(None, book, menu_items=[]), "customer": ELIZABETH}
    )
    return book, staff, booking


async def submit(client: httpx.AsyncClient, book: Book, form: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(
        FORM, json=form, headers={"X-Tenant-ID": str(book.organization.id)}
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def customer(client: httpx.AsyncClient, staff: Any, customer_id: str) -> dict[str, Any]:
    response = await client.get(f"/api/v1/customers/{customer_id}", headers=staff.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def booking_of(client: httpx.AsyncClient, staff: Any, booking_id: str) -> dict[str, Any]:
    response = await client.get(f"/api/v1/bookings/{booking_id}", headers=staff.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def contact_of(record: dict[str, Any]) -> dict[str, Any]:
    return {k: record[k] for k in ("name", "email", "phone")}


async def test_a_stranger_with_a_customers_phone_becomes_a_possible_duplicate(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    book, staff, theirs = await given_elizabeth(client, database)
    elizabeth_id = theirs["customer"]["id"]
    await deliver_everything(database, settings)
    before = len(await sent_messages(database))

    answer = await submit(client, book, jane_form())
    await deliver_everything(database, settings)
    booking = await booking_of(client, staff, str(answer["booking_id"]))
    jane = await customer(client, staff, booking["customer"]["id"])
    messages = (await sent_messages(database))[before:]

    assert jane["id"] != elizabeth_id
    assert contact_of(jane) == {
        "name": "Jane Smith",
        "email": "jane@example.com",
        "phone": "+19165550177",
    }
    assert jane["possible_duplicate_of"] == elizabeth_id
    assert messages, "the request is answered"
    assert {m.contact for m in messages if m.channel == "email"} == {"jane@example.com"}
    assert {str(m.customer_id) for m in messages} == {jane["id"]}
    elizabeth = await customer(client, staff, elizabeth_id)
    assert contact_of(elizabeth) == STORED
    assert elizabeth["possible_duplicate_of"] is None
    assert elizabeth["total_bookings"] == 1


async def test_the_same_person_is_found_by_email_or_by_phone_and_name(
    client: httpx.AsyncClient, database: Database
) -> None:
    """What a visitor typed files the request under the customer, but changes nothing stored."""
    book, staff, theirs = await given_elizabeth(client, database)
    elizabeth_id = theirs["customer"]["id"]

    by_email = await submit(
        client, book, jane_form(name="Liz Lee", email="LIZ@example.com", phone="916-555-0199")
    )
    by_phone = await submit(
        client,
        book,
        jane_form(name=" elizabeth  lee", email=None, event_date=saturday(5).isoformat()),
    )

    for answer in (by_email, by_phone):
        booking = await booking_of(client, staff, str(answer["booking_id"]))
        assert booking["customer"]["id"] == elizabeth_id
    assert contact_of(await customer(client, staff, elizabeth_id)) == STORED
    async with database.transaction(write=False) as session:
        assert await session.scalar(select(func.count()).select_from(Customer)) == 1


async def test_a_second_request_of_the_same_stranger_joins_their_own_record(
    client: httpx.AsyncClient, database: Database
) -> None:
    book, staff, _ = await given_elizabeth(client, database)

    first = await submit(client, book, jane_form())
    second = await submit(client, book, jane_form(event_date=saturday(5).isoformat()))

    one = await booking_of(client, staff, str(first["booking_id"]))
    two = await booking_of(client, staff, str(second["booking_id"]))
    assert one["customer"]["id"] == two["customer"]["id"]
    listed = await client.get("/api/v1/customers/duplicates", headers=staff.headers)
    assert listed.json()["pagination"]["total_items"] == 1


async def test_staff_merge_a_duplicate_keeping_bookings_payments_and_history(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    book, staff, theirs = await given_elizabeth(client, database)
    elizabeth_id = theirs["customer"]["id"]
    answer = await submit(client, book, jane_form(name="Beth Lee", email="beth@example.com"))
    await deliver_everything(database, settings)
    admin = await signed_in_as(client, database, "admin", book.organization)
    duplicate_booking = await booking_of(client, staff, str(answer["booking_id"]))
    duplicate_id = duplicate_booking["customer"]["id"]
    payment = await pay(client, admin, str(answer["booking_id"]), 100)
    history_before = await client.get(
        "/api/v1/notifications/history",
        params={"customer_id": duplicate_id},
        headers=admin.headers,
    )

    listed = await client.get("/api/v1/customers/duplicates", headers=staff.headers)
    merged = await client.post(
        f"/api/v1/customers/{duplicate_id}/merge",
        json={"into": elizabeth_id},
        headers=staff.headers,
    )

    assert [
        (d["customer"]["id"], d["possible_duplicate_of"]["id"]) for d in listed.json()["items"]
    ] == [(duplicate_id, elizabeth_id)]
    assert merged.status_code == 200, merged.text
    assert merged.json()["id"] == elizabeth_id
    assert contact_of(merged.json()) == STORED
    assert merged.json()["total_bookings"] == 2
    moved = await booking_of(client, staff, str(answer["booking_id"]))
    assert moved["customer"]["id"] == elizabeth_id
    assert moved["amount_paid"] == 100.0
    paid = await client.get(f"/api/v1/payments/{payment['id']}", headers=admin.headers)
    assert paid.json()["customer_id"] == elizabeth_id
    history_after = await client.get(
        "/api/v1/notifications/history",
        params={"customer_id": elizabeth_id},
        headers=admin.headers,
    )
    before_ids = {m["id"] for m in history_before.json()["items"]}
    assert before_ids
    assert before_ids <= {m["id"] for m in history_after.json()["items"]}
    gone = await client.get(f"/api/v1/customers/{duplicate_id}", headers=staff.headers)
    assert gone.status_code == 404
    after = await client.get("/api/v1/customers/duplicates", headers=staff.headers)
    assert after.json()["items"] == []


async def test_a_merge_is_the_organizations_own(
    client: httpx.AsyncClient, database: Database
) -> None:
    book, staff, theirs = await given_elizabeth(client, database)
    answer = await submit(client, book, jane_form())
    duplicate_id = (await booking_of(client, staff, str(answer["booking_id"])))["customer"]["id"]
    other_book = await given_book(database, name="Another Grill")
    outsider = await staff_of(client, database, other_book)
    viewer = await signed_in_as(client, database, "viewer", book.organization)
    body = {"into": theirs["customer"]["id"]}

    across = await client.post(
        f"/api/v1/customers/{duplicate_id}/merge", json=body, headers=outsider.headers
    )
    listed_across = await client.get("/api/v1/customers/duplicates", headers=outsider.headers)
    read_only = await client.post(
        f"/api/v1/customers/{duplicate_id}/merge", json=body, headers=viewer.headers
    )
    itself = await client.post(
        f"/api/v1/customers/{duplicate_id}/merge",
        json={"into": duplicate_id},
        headers=staff.headers,
    )

    assert across.status_code == 404
    assert listed_across.json()["items"] == []
    assert read_only.status_code == 403
    assert itself.status_code == 422
    still = await customer(client, staff, duplicate_id)
    assert still["possible_duplicate_of"] == theirs["customer"]["id"]
    assert still["total_bookings"] == 1


async def test_erasing_the_record_two_duplicates_point_to_hands_its_phone_to_the_oldest(
    client: httpx.AsyncClient, database: Database
) -> None:
    book, staff, booking = await given_elizabeth(client, database)
    jane = await submit(client, book, jane_form())
    mary = await submit(client, book, jane_form(name="Mary Major", email="mary@example.com"))
    elizabeth_id = booking["customer"]["id"]

    erased = await client.delete(f"/api/v1/customers/{elizabeth_id}", headers=staff.headers)
    nora = await submit(client, book, jane_form(name="Nora New", email="nora@example.com"))

    assert erased.status_code == 204, erased.text
    janes = (await booking_of(client, staff, jane["booking_id"]))["customer"]
    marys = (await booking_of(client, staff, mary["booking_id"]))["customer"]
    noras = (await booking_of(client, staff, nora["booking_id"]))["customer"]
    assert (janes["email"], marys["email"], noras["email"]) == (
        "jane@example.com",
        "mary@example.com",
        "nora@example.com",
    )
    assert len({janes["id"], marys["id"], noras["id"], elizabeth_id}) == 4
    assert (await customer(client, staff, elizabeth_id))["erased_at"] is not None
    # Nobody is a possible duplicate of the blank record: Jane, the oldest, holds the phone
    # now, and the others are kept apart as hers.
    pointers = {
        name: (await customer(client, staff, record["id"]))["possible_duplicate_of"]
        for name, record in (("jane", janes), ("mary", marys), ("nora", noras))
    }
    assert pointers == {"jane": None, "mary": janes["id"], "nora": janes["id"]}
    listed = await client.get("/api/v1/customers/duplicates", headers=staff.headers)
    assert listed.status_code == 200, listed.text
    assert sorted(
        (item["customer"]["name"], item["possible_duplicate_of"]["name"])
        for item in listed.json()["items"]
    ) == [("Mary Major", "Jane Smith"), ("Nora New", "Jane Smith")]
