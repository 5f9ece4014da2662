"""An Idempotency-Key belongs to a principal in an organization, not to one login (issue 17,
item 4). The probe sent the same key and body from a second access token of the same user and
got a second booking and a second cash payment."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import delete, func, select

from maitred.kit.db import Database
from maitred.kit.idempotency_records import IdempotencyRecord
from maitred.leads.models import Lead
from maitred.payments.models import Payment
from tests.bookings.given import count_bookings, given_book, given_customer, seed_001_form
from tests.factories import Actor, bearer, sign_in, signed_in_as

BOOKINGS, PROCESS = "/api/v1/bookings", "/api/v1/payments/process"


async def second_login(client: httpx.AsyncClient, actor: Actor) -> dict[str, str]:
    """The same user signed in again (another device): a different access token."""
    tokens = await sign_in(client, actor.user.email)
    assert tokens["access_token"] != actor.tokens["access_token"]
    return bearer(tokens)


async def count_payments(database: Database) -> int:
    async with database.transaction(write=False) as session:
        return int(await session.scalar(select(func.count()).select_from(Payment)) or 0)


def keyed(headers: dict[str, str], key: str) -> dict[str, str]:
    return headers | {"Idempotency-Key": key}


async def test_a_second_login_of_the_same_user_replays_instead_of_booking_twice(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database, teams=2)
    manager = await signed_in_as(client, database, "manager", book.organization)
    other_device = await second_login(client, manager)
    form = seed_001_form(await given_customer(database, book), book)

    first = await client.post(BOOKINGS, json=form, headers=keyed(manager.headers, "bk-1"))
    again = await client.post(BOOKINGS, json=form, headers=keyed(other_device, "bk-1"))

    assert (first.status_code, again.status_code) == (201, 201), again.text
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    assert await count_bookings(database) == 1


async def test_another_user_of_the_same_organization_never_gets_someone_elses_answer(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database, teams=2)
    manager = await signed_in_as(client, database, "manager", book.organization)
    colleague = await signed_in_as(client, database, "manager", book.organization)
    form = seed_001_form(await given_customer(database, book), book)

    first = await client.post(BOOKINGS, json=form, headers=keyed(manager.headers, "bk-1"))
    theirs = await client.post(BOOKINGS, json=form, headers=keyed(colleague.headers, "bk-1"))

    assert (first.status_code, theirs.status_code) == (201, 201), theirs.text
    assert "idempotent-replayed" not in theirs.headers
    assert theirs.json()["id"] != first.json()["id"]
    assert await count_bookings(database) == 2


async def test_a_cash_payment_from_a_second_login_is_recorded_once(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database)
    manager = await signed_in_as(client, database, "manager", book.organization)
    other_device = await second_login(client, manager)
    booking = (
        await client.post(
            BOOKINGS,
            json=seed_001_form(await given_customer(database, book), book, status="pending"),
            headers=manager.headers,
        )
    ).json()
    cash: dict[str, Any] = {"booking_id": booking["id"], "payment_method": "cash", "amount": 100}

    first = await client.post(PROCESS, json=cash, headers=keyed(manager.headers, "pay-1"))
    again = await client.post(PROCESS, json=cash, headers=keyed(other_device, "pay-1"))
    # Even when the middleware's record is gone (expired, or its request taken over), the
    # payment's own request key finds the first payment instead of recording a second.
    async with database.transaction() as session:
        await session.execute(delete(IdempotencyRecord))
    late = await client.post(PROCESS, json=cash, headers=keyed(other_device, "pay-1"))
    money = await client.get(f"{BOOKINGS}/{booking['id']}", headers=manager.headers)

    assert (first.status_code, again.status_code, late.status_code) == (201, 201, 201)
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in late.headers
    assert again.json()["id"] == late.json()["id"] == first.json()["id"]
    assert await count_payments(database) == 1
    assert money.json()["amount_paid"] == 100.0


async def test_public_forms_are_scoped_by_client_address_and_organization(
    client: httpx.AsyncClient, database: Database
) -> None:
    hibachi = await given_book(database)
    sushi = await given_book(database, name="Sushi Bar")
    form = {"name": "John Doe", "phone": "916-555-0123", "email": "john@x.com"}

    def to(book: Any) -> dict[str, str]:
        return {"X-Tenant-ID": str(book.organization.id), "Idempotency-Key": "lead-1"}

    first = await client.post("/api/v1/public/leads", json=form, headers=to(hibachi))
    again = await client.post("/api/v1/public/leads", json=form, headers=to(hibachi))
    elsewhere = await client.post("/api/v1/public/leads", json=form, headers=to(sushi))

    assert (first.status_code, again.status_code, elsewhere.status_code) == (201, 201, 201)
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in elsewhere.headers
    async with database.transaction(write=False) as session:
        organizations = (await session.scalars(select(Lead.organization_id))).all()
    assert sorted(map(str, organizations)) == sorted(
        [str(hibachi.organization.id), str(sushi.organization.id)]
    )
