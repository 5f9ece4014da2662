"""Booking and waitlist locations are street addresses: encrypted at rest like a customer's
(issue 17, item 7). The API still reads them back, and the city and zip code, which pricing and
the service area use, stay plain."""

from __future__ import annotations

import httpx
from sqlalchemy import text

from maitred.kit.db import Database
from tests.bookings.given import book_one, given_book, given_customer, seed_001_form
from tests.factories import signed_in_as
from tests.waitlist.book import WAITLIST, seed_entry
from tests.waitlist.book import given_book as given_waitlist_book

STREET = "4821 Fair Oaks Blvd"


async def test_a_bookings_address_is_encrypted_in_its_row_and_read_back_by_the_api(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database)
    manager = await signed_in_as(client, database, "manager", book.organization)
    customer = await given_customer(database, book)
    structured = {"address": STREET, "city": "Sacramento", "state": "CA", "zip_code": "95864"}
    one_line = await book_one(
        client,
        manager,
        seed_001_form(customer, book, location=f"{STREET}, Sacramento, CA 95864"),
    )
    detailed = await book_one(
        client, manager, seed_001_form(customer, book, location=structured, event_time="12:00")
    )

    async with database.transaction(write=False) as session:
        rows = (
            await session.execute(
                text("SELECT location, location_details, city, zip_code FROM bookings")
            )
        ).all()
    listed = await client.get("/api/v1/bookings", headers=manager.headers)
    fetched = await client.get(f"/api/v1/bookings/{detailed['id']}", headers=manager.headers)

    assert len(rows) == 2
    for location, details, city, zip_code in rows:
        assert STREET not in location
        assert "Fair Oaks" not in str(details)
        assert location.startswith("v1.")
        assert str(details).startswith("v1.")
        assert (city, zip_code) == ("Sacramento", "95864")
    assert one_line["location"] == f"{STREET}, Sacramento, CA 95864"
    assert {item["location"] for item in listed.json()["items"]} == {
        f"{STREET}, Sacramento, CA 95864"
    }
    assert fetched.json()["location_details"] == structured
    assert fetched.json()["location"] == f"{STREET}, Sacramento, CA 95864"


async def test_a_waitlist_entrys_address_is_encrypted_and_read_back(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await given_waitlist_book(client, database)
    where = {"address": STREET, "city": "Sacramento", "state": "CA"}

    added = await client.post(WAITLIST, json=seed_entry(location=where), headers=admin.headers)
    async with database.transaction(write=False) as session:
        location, details = (
            await session.execute(text("SELECT location, location_details FROM waitlist_entries"))
        ).one()
    fetched = await client.get(f"{WAITLIST}/{added.json()['id']}", headers=admin.headers)

    assert added.status_code == 201, added.text
    assert STREET not in location
    assert STREET not in str(details)
    assert fetched.json()["location"] == f"{STREET}, Sacramento, CA"
    assert fetched.json()["location_details"] == where
