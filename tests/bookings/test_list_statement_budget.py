"""GET /bookings within its statement budget (a hot path, ARCHITECTURE.md): the caller, the
count, and the page with each booking's customer, whatever the filters and however many
customers the page shows."""

from __future__ import annotations

import httpx

from maitred.kit.db import Database
from tests.bookings.given import (
    book_one,
    given_book,
    given_customer,
    saturday,
    seed_001_form,
    staff_of,
)
from tests.statements import counting_statements

BOOKINGS = "/api/v1/bookings"


async def test_a_page_of_several_customers_is_read_in_three_statements(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database, teams=2)
    staff = await staff_of(client, database, book)
    jane = await given_customer(database, book)
    omar = await given_customer(
        database, book, name="Omar Haddad", email="omar@example.com", phone="+19165550102"
    )
    created = [
        await book_one(
            client, staff, seed_001_form(customer, book, event_date=str(saturday(weeks)))
        )
        for customer in (jane, omar)
        for weeks in (3, 4)
    ]
    await client.get(BOOKINGS, headers=staff.headers)  # the organization's settings, once

    with counting_statements(database) as unfiltered:
        everything = await client.get(BOOKINGS, headers=staff.headers)
    with counting_statements(database) as filtered:
        janes = await client.get(
            BOOKINGS,
            params={"status": "confirmed,pending", "search": "jane", "sort": "created_at"},
            headers=staff.headers,
        )

    assert everything.status_code == janes.status_code == 200
    listed = {item["id"]: item for item in everything.json()["items"]}
    assert everything.json()["pagination"]["total_items"] == 4
    for booking in created:
        item = listed[booking["id"]]
        # The joined customer reads as the write path's answer: decrypted, field for field.
        assert item["customer"] == booking["customer"]
        assert item["reference_number"] == booking["reference_number"]
        assert item["total_amount"] == booking["total_amount"]
    assert {item["customer"]["name"] for item in janes.json()["items"]} == {"Jane Smith"}
    assert janes.json()["pagination"]["total_items"] == 2
    # PostgreSQL reads the count and the page in one statement (a round trip less).
    expected = 3 if database.is_sqlite else 2
    assert len(unfiltered) == expected, unfiltered
    assert len(filtered) == expected, filtered
    past_the_end = await client.get(BOOKINGS, params={"page": 3, "limit": 2}, headers=staff.headers)
    assert past_the_end.status_code == 200
    assert past_the_end.json()["items"] == []
    assert past_the_end.json()["pagination"]["total_items"] == 4
    assert past_the_end.json()["pagination"]["has_prev"] is True
