"""GET /bookings/{reference}: the reference number customers quote (`BK-2026-000001`) finds the
booking as its id does, in the caller's organization only: numbers repeat across organizations,
so another's is never found by it."""

from __future__ import annotations

import httpx

from maitred.kit.db import Database
from tests.bookings.given import book_one, given_book, given_customer, seed_001_form, staff_of
from tests.factories import Actor, given_user, sign_in, signed_in_as
from tests.probe_router import error_of

BOOKINGS = "/api/v1/bookings"


async def test_a_reference_number_finds_the_booking_as_its_id_does(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database)
    staff = await staff_of(client, database, book)
    created = await book_one(
        client, staff, seed_001_form(await given_customer(database, book), book)
    )
    reference = created["reference_number"]
    assert reference.startswith("BK-")

    by_id = await client.get(f"{BOOKINGS}/{created['id']}", headers=staff.headers)
    by_reference = await client.get(f"{BOOKINGS}/{reference}", headers=staff.headers)
    lowercase = await client.get(f"{BOOKINGS}/{reference.lower()}", headers=staff.headers)
    unversioned = await client.get(f"/api/bookings/{reference}", headers=staff.headers)

    assert by_id.status_code == 200
    assert by_reference.status_code == 200, by_reference.text
    assert by_reference.json() == by_id.json()
    assert lowercase.json() == by_id.json()
    assert unversioned.json() == by_id.json()


async def test_another_organizations_reference_is_404_and_its_booking_unchanged(
    client: httpx.AsyncClient, database: Database
) -> None:
    victim_book = await given_book(database, teams=2)
    victim = await staff_of(client, database, victim_book)
    customer = await given_customer(database, victim_book)
    first = await book_one(client, victim, seed_001_form(customer, victim_book))
    second = await book_one(
        client, victim, seed_001_form(customer, victim_book, event_time="12:00")
    )
    intruder_book = await given_book(database, name="Grill Rivals")
    intruder = await signed_in_as(client, database, "admin", intruder_book.organization)
    own = await book_one(
        client,
        intruder,
        seed_001_form(await given_customer(database, intruder_book), intruder_book),
    )
    before = (await client.get(f"{BOOKINGS}/{second['id']}", headers=victim.headers)).json()

    only_theirs = await client.get(
        f"{BOOKINGS}/{second['reference_number']}", headers=intruder.headers
    )
    # Both organizations number from 1: the same number is the intruder's own booking.
    same_number = await client.get(
        f"{BOOKINGS}/{own['reference_number']}", headers=intruder.headers
    )
    with_their_tenant = await client.get(
        f"{BOOKINGS}/{second['reference_number']}",
        headers={**intruder.headers, "X-Tenant-ID": str(victim_book.organization.id)},
    )

    assert only_theirs.status_code == 404
    assert error_of(only_theirs)["message"] == "No such booking"
    assert own["reference_number"] == first["reference_number"]
    assert same_number.json()["id"] == own["id"]
    assert with_their_tenant.status_code == 404
    after = (await client.get(f"{BOOKINGS}/{second['id']}", headers=victim.headers)).json()
    assert after == before


async def test_a_customer_finds_only_their_own_booking_by_reference(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database, teams=2)
    staff = await staff_of(client, database, book)
    user = await given_user(
        database, book.organization, "customer", email="guest@example.com", full_name="Gus Guest"
    )
    guest = Actor(user, book.organization, await sign_in(client, user.email))
    theirs = await book_one(client, guest, seed_001_form(None, book, status="pending"))
    other = await book_one(
        client, staff, seed_001_form(await given_customer(database, book), book, event_time="12:00")
    )

    own = await client.get(f"{BOOKINGS}/{theirs['reference_number']}", headers=guest.headers)
    foreign = await client.get(f"{BOOKINGS}/{other['reference_number']}", headers=guest.headers)

    assert own.json()["id"] == theirs["id"]
    assert foreign.status_code == 404


async def test_what_is_neither_an_id_nor_a_reference_is_refused_and_an_unknown_number_404(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database)
    staff = await staff_of(client, database, book)

    garbage = await client.get(f"{BOOKINGS}/null,null", headers=staff.headers)
    an_order = await client.get(f"{BOOKINGS}/ORD-2026-000001", headers=staff.headers)
    unknown = await client.get(f"{BOOKINGS}/BK-2026-999999", headers=staff.headers)
    signed_out = await client.get(f"{BOOKINGS}/BK-2026-000001")

    # Like every id in a path, what cannot be one matches no route (for any method).
    assert garbage.status_code == 404
    assert error_of(garbage)["message"] == "No route matches GET /api/v1/bookings/null,null"
    assert (await client.delete(f"{BOOKINGS}/null,null", headers=staff.headers)).status_code == 404
    assert an_order.status_code == 422
    assert error_of(an_order)["details"] == {
        "booking_id": "Use the booking's id or its reference number, such as BK-2025-000123"
    }
    assert unknown.status_code == 404
    assert signed_out.status_code == 401
