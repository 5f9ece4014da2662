"""GET /bookings/{id} and /bookings/{reference} within their statement budget (a hot path,
ARCHITECTURE.md): the caller, the booking with its customer, its lines and history."""

from __future__ import annotations

import httpx

from maitred.kit.db import Database
from tests.bookings.given import book_one, given_book, given_customer, seed_001_form, staff_of
from tests.statements import counting_statements

BOOKINGS = "/api/v1/bookings"


async def test_a_booking_is_read_in_three_statements_by_id_or_reference(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database)
    staff = await staff_of(client, database, book)
    created = await book_one(
        client, staff, seed_001_form(await given_customer(database, book), book)
    )
    by_id, by_reference = f"{BOOKINGS}/{created['id']}", f"{BOOKINGS}/{created['reference_number']}"
    await client.get(by_id, headers=staff.headers)  # the organization's settings, once

    with counting_statements(database) as for_id:
        read_by_id = await client.get(by_id, headers=staff.headers)
    with counting_statements(database) as for_reference:
        read_by_reference = await client.get(by_reference, headers=staff.headers)

    assert read_by_id.status_code == read_by_reference.status_code == 200
    booking = read_by_id.json()
    assert read_by_reference.json() == booking
    # The compiled read answers what the write path's ORM read answered, field for field.
    assert booking == {k: v for k, v in created.items() if k != "message"}
    assert len(booking["menu_items"]) == 2
    assert booking["status_history"] != []
    assert booking["customer"]["name"] == created["customer"]["name"]
    assert booking["customer"]["email"] == created["customer"]["email"]
    assert booking["menu_items"] == created["menu_items"]
    assert [c["to_status"] for c in booking["status_history"]] == [
        c["to_status"] for c in created["status_history"]
    ]
    assert len(for_id) == 3, for_id
    assert len(for_reference) == 3, for_reference
