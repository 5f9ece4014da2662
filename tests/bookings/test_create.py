"""POST /bookings in both seed shapes, seed 001's detail to the cent, reference numbers, and a
full slot leaving nothing behind."""

from __future__ import annotations

import asyncio
import re
import uuid

import httpx

from maitred.kit.db import Database
from tests.bookings.given import (
    SEED_000_MENU,
    SEED_000_POLICY,
    book_one,
    count_bookings,
    events_named,
    given_book,
    given_customer,
    saturday,
    seed_001_form,
    staff_of,
)
from tests.factories import signed_in_as
from tests.probe_router import error_of


async def test_seed_001_admin_form_books_and_prices_exactly(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database)
    customer_id = await given_customer(database, book)
    staff = await staff_of(client, database, book)

    created = await book_one(client, staff, seed_001_form(customer_id, book))
    detail = (await client.get(f"/api/v1/bookings/{created['id']}", headers=staff.headers)).json()

    assert created["message"] == "Booking created successfully"
    assert created["status"] == "confirmed"
    assert created["total_amount"] == 942.5
    assert re.fullmatch(r"BK-\d{4}-\d{6}", detail["reference_number"])
    assert detail["customer"] == {
        "id": str(customer_id),
        "name": "Jane Smith",
        "email": "jane@example.com",
        "phone": "+19165550101",
    }
    assert detail["event_date"] == saturday().isoformat()
    assert detail["event_time"] == "18:00:00"
    assert detail["guest_count"] == 25
    assert detail["event_type"] == "birthday"
    assert detail["location"] == "123 Main St, Los Angeles, CA 90001"
    assert detail["menu_items"] == [
        {
            "id": str(book.menu["Hibachi Chicken"]),
            "name": "Hibachi Chicken",
            "quantity": 15,
            "price": 25.0,
            "amount": 375.0,
            "pricing_unit": "per_item",
        },
        {
            "id": str(book.menu["Hibachi Steak"]),
            "name": "Hibachi Steak",
            "quantity": 10,
            "price": 35.0,
            "amount": 350.0,
            "pricing_unit": "per_item",
        },
    ]
    money = {k: detail[k] for k in ("subtotal", "tax", "service_fee", "total_amount")}
    assert money == {"subtotal": 725.0, "tax": 72.5, "service_fee": 145.0, "total_amount": 942.5}
    assert detail["deposit_amount"] == 471.25
    assert detail["deposit_paid"] is False
    assert detail["balance_due"] == 942.5
    assert detail["payment_status"] == "unpaid"
    assert detail["notes"] == "Customer requested outdoor setup"
    assert detail["currency"] == "USD"
    assert detail["chef_team_id"] == str(book.teams[0])
    assert detail["hold_expires_at"] is None
    assert detail["confirmed_at"] is not None
    assert detail["pricing"]["total_amount"] == 942.5
    assert [(h["from_status"], h["to_status"]) for h in detail["status_history"]] == [
        (None, "confirmed")
    ]
    assert detail["status_history"][0]["changed_by"] == str(staff.user.id)


async def test_seed_001_balance_once_the_deposit_is_paid(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database)
    staff = await staff_of(client, database, book)
    created = await book_one(
        client, staff, seed_001_form(await given_customer(database, book), book)
    )

    paid = await client.post(
        "/api/v1/payments/process",
        json={"booking_id": created["id"], "amount": 471.25, "payment_method": "cash"},
        headers=staff.headers,
    )
    assert paid.status_code == 201, paid.text
    detail = (await client.get(f"/api/v1/bookings/{created['id']}", headers=staff.headers)).json()

    assert detail["amount_paid"] == 471.25
    assert detail["deposit_paid"] is True
    assert detail["balance_due"] == 471.25
    assert detail["payment_status"] == "partial"


async def test_seed_000_form_with_embedded_customer_and_structured_location(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database, settings=SEED_000_POLICY, menu=SEED_000_MENU)
    staff = await staff_of(client, database, book)
    form = {
        "customer": {"name": "Jane Doe", "email": "Jane@Example.com", "phone": "+19165550123"},
        "event_date": saturday().isoformat(),
        "event_time": "19:00",
        "location": {
            "address": "456 Oak Ave",
            "city": "Sacramento",
            "state": "CA",
            "zip_code": "95825",
        },
        "guest_count": 8,
        "menu_items": ["Hibachi Steak", "Vegetables"],
        "special_requests": "Birthday celebration",
    }

    created = await book_one(client, staff, form)
    again = await book_one(client, staff, {**form, "event_date": saturday(4).isoformat()})

    assert created["status"] == "pending"
    assert created["total_amount"] == 360.0
    assert created["deposit_amount"] == 90.0
    assert created["customer"]["name"] == "Jane Doe"
    assert created["customer"]["email"] == "jane@example.com"
    assert created["location"] == "456 Oak Ave, Sacramento, CA 95825"
    assert created["location_details"] == {
        "address": "456 Oak Ave",
        "city": "Sacramento",
        "state": "CA",
        "zip_code": "95825",
    }
    assert created["special_requests"] == "Birthday celebration"
    assert created["hold_expires_at"] is not None
    assert [line["name"] for line in created["menu_items"]] == ["Hibachi Steak", "Vegetables"]
    # The same person booking again is the same customer, not a duplicate.
    assert again["customer"]["id"] == created["customer"]["id"]
    assert await events_named(database, "booking.created") == [
        {
            "booking_id": created["id"],
            "customer_id": created["customer"]["id"],
            "reference_number": created["reference_number"],
            "source": "admin",
            "event_date": saturday().isoformat(),
            "guest_count": 8,
            "event_type": "other",
            "message": "",
        },
        {
            "booking_id": again["id"],
            "customer_id": created["customer"]["id"],
            "reference_number": again["reference_number"],
            "source": "admin",
            "event_date": saturday(4).isoformat(),
            "guest_count": 8,
            "event_type": "other",
            "message": "",
        },
    ]


async def test_seed_000_six_guests(client: httpx.AsyncClient, database: Database) -> None:
    book = await given_book(database, settings=SEED_000_POLICY)
    staff = await staff_of(client, database, book)
    customer_id = await given_customer(database, book)

    created = await book_one(
        client,
        staff,
        {"customer_id": str(customer_id), "event_date": saturday().isoformat(), "guest_count": 6},
    )

    assert (created["total_amount"], created["deposit_amount"]) == (270.0, 67.5)
    assert created["event_time"] == "17:00:00"  # the first slot when none is given


async def test_reference_numbers_are_unique_and_sequential(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database, teams=6)
    staff = await staff_of(client, database, book)
    customer_id = await given_customer(database, book)
    form = seed_001_form(customer_id, book, status="pending")

    created = await asyncio.gather(*(book_one(client, staff, form) for _ in range(6)))

    numbers = sorted(c["reference_number"] for c in created)
    year = numbers[0][3:7]
    assert numbers == [f"BK-{year}-{n:06d}" for n in range(1, 7)]


async def test_a_full_slot_is_409_and_leaves_nothing_behind(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database, teams=1)
    staff = await staff_of(client, database, book)
    customer_id = await given_customer(database, book)
    first = await book_one(client, staff, seed_001_form(customer_id, book))

    full = await client.post(
        "/api/v1/bookings", json=seed_001_form(customer_id, book), headers=staff.headers
    )
    later = await book_one(
        client,
        staff,
        seed_001_form(customer_id, book, event_time="17:00", event_date=saturday(5).isoformat()),
    )

    assert full.status_code == 409
    assert error_of(full)["error"] == "capacity_exceeded"
    assert await count_bookings(database) == 2
    assert len(await events_named(database, "booking.created")) == 2
    # The refused request spent no reference number.
    assert int(later["reference_number"][-6:]) == int(first["reference_number"][-6:]) + 1


async def test_create_refuses_bad_input(client: httpx.AsyncClient, database: Database) -> None:
    book = await given_book(database)
    staff = await staff_of(client, database, book)
    customer_id = await given_customer(database, book)

    unknown_customer = await client.post(
        "/api/v1/bookings", json=seed_001_form(uuid.uuid4(), book), headers=staff.headers
    )
    no_customer = await client.post(
        "/api/v1/bookings",
        json={k: v for k, v in seed_001_form(customer_id, book).items() if k != "customer_id"},
        headers=staff.headers,
    )
    typo = await client.post(
        "/api/v1/bookings",
        json={**seed_001_form(customer_id, book), "guests": 3},
        headers=staff.headers,
    )
    unknown_item = await client.post(
        "/api/v1/bookings",
        json=seed_001_form(customer_id, book, menu_items=["Hibachi Octopus"]),
        headers=staff.headers,
    )
    bad_type = await client.post(
        "/api/v1/bookings",
        json=seed_001_form(customer_id, book, event_type="funeral"),
        headers=staff.headers,
    )
    too_many = await client.post(
        "/api/v1/bookings",
        json=seed_001_form(
            customer_id, book, menu_items=[{"name": "Hibachi Steak", "quantity": 10_001}]
        ),
        headers=staff.headers,
    )
    # Two of the fields take text or an object: the error names the field, not pydantic's union.
    not_an_item = await client.post(
        "/api/v1/bookings",
        json=seed_001_form(customer_id, book, menu_items=[5]),
        headers=staff.headers,
    )
    no_location_street = await client.post(
        "/api/v1/bookings",
        json=seed_001_form(customer_id, book, location={"street": 5}),
        headers=staff.headers,
    )

    assert unknown_customer.status_code == 422
    assert error_of(unknown_customer)["details"] == {"customer_id": "No such customer"}
    assert no_customer.status_code == 422
    assert error_of(no_customer)["details"] == {"customer_id": "Give customer_id or customer"}
    assert typo.status_code == 422
    assert error_of(typo)["details"] == {"guests": "Unknown field"}
    assert unknown_item.status_code == 422
    assert error_of(unknown_item)["details"] == {
        "menu_items[0]": "No such menu item: 'Hibachi Octopus'"
    }
    assert bad_type.status_code == 422
    assert "event_type" in error_of(bad_type)["details"]
    # The same bound as a quote's (POST /pricing/calculate): a booking cannot be priced past it.
    assert too_many.status_code == 422
    assert error_of(too_many)["details"] == {
        "menu_items.0.quantity": "Input should be less than or equal to 10000"
    }
    assert not_an_item.status_code == 422
    assert error_of(not_an_item)["details"] == {"menu_items.0": "Must be text or an object"}
    assert no_location_street.status_code == 422
    assert error_of(no_location_street)["details"] == {"location.street": "Unknown field"}
    assert await count_bookings(database) == 0


async def test_create_needs_a_signed_in_writer_of_this_organization(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database)
    customer_id = await given_customer(database, book)
    viewer = await signed_in_as(client, database, "viewer", book.organization)
    stranger = await signed_in_as(client, database, "admin")
    form = seed_001_form(customer_id, book)

    anonymous = await client.post("/api/v1/bookings", json=form)
    read_only = await client.post("/api/v1/bookings", json=form, headers=viewer.headers)
    elsewhere = await client.post("/api/v1/bookings", json=form, headers=stranger.headers)

    assert anonymous.status_code == 401
    assert read_only.status_code == 403
    # Another organization's customer is not found there.
    assert elsewhere.status_code == 422
    assert error_of(elsewhere)["details"] == {"customer_id": "No such customer"}
    assert await count_bookings(database) == 0
