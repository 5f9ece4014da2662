"""A booking's changed figures and a customers' merge reach subscribers: both events are in the
catalog, with payloads that name what changed and never the customer's details."""

from __future__ import annotations

import json

import httpx

from maitred.config import Settings
from maitred.kit.db import Database
from maitred.kit.roles import Role
from tests.bookings.given import book_one, given_book, given_customer, seed_001_form
from tests.factories import deliver_everything, signed_in_as
from tests.webhooks.given import subscribe
from tests.webhooks.receiver import Receiver


async def test_a_patched_booking_and_a_merge_reach_their_subscribers(
    client: httpx.AsyncClient, database: Database, settings: Settings, receiver: Receiver
) -> None:
    book = await given_book(database)
    admin = await signed_in_as(client, database, Role.admin, book.organization)
    await subscribe(client, admin, receiver.url, ["booking.updated", "customer.merged"])
    customer = await given_customer(database, book)
    duplicate = await given_customer(
        database, book, "Jane S.", "jane.s@example.com", "+19165550102"
    )
    booking = await book_one(client, admin, seed_001_form(customer, book))

    patched = await client.patch(
        f"/api/v1/bookings/{booking['id']}", json={"guest_count": 30}, headers=admin.headers
    )
    assert patched.status_code == 200, patched.text
    merged = await client.post(
        f"/api/v1/customers/{duplicate}/merge", json={"into": str(customer)}, headers=admin.headers
    )
    assert merged.status_code == 200, merged.text
    await deliver_everything(database, settings)

    bodies = sorted((json.loads(r.body) for r in receiver.received), key=lambda b: b["event"])
    assert [(b["event"], b["data"]) for b in bodies] == [
        ("booking.updated", {"booking_id": booking["id"], "changed": ["guest_count"]}),
        ("customer.merged", {"customer_id": str(customer), "merged_id": str(duplicate)}),
    ]
