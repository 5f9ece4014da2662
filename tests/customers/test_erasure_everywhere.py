"""Erasing a customer reaches every place the person's data lives (issue 18): their leads (by
customer and by the blind indexes of their email and phone), the notes on those leads, messages
to and from them and their conversations, waitlist places, consents, the CRM's records of their
bookings and the bookings' street addresses; the books (amounts, dates, statuses) stay."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
from sqlalchemy import Uuid, bindparam, text

from maitred.kit import crypto, erasure
from maitred.kit.db import Database
from maitred.tenancy.models import Organization
from tests.factories import Actor, deliver_everything
from tests.files.images import png
from tests.messaging.inbox.given import given_twilio, post_twilio, twilio_sms
from tests.waitlist.book import WAITLIST, days_ahead, given_book, seed_entry

ALICE_PHONE = "+19164445566"
ALICE = {
    "name": "Alice Johnson",
    "email": "alice@example.com",
    "phone": ALICE_PHONE,
    "address": {"street": "789 Pine St", "city": "Sacramento", "state": "CA", "zip": "95816"},
    "notes": "Alice's gate code is 4321",
}
PINE_STREET = {"address": "789 Pine St", "city": "Sacramento", "state": "CA", "zip_code": "95816"}
# Every table the erasure covers, beyond the customer's own row: a domain that registers a new
# eraser must be added here (and given data below), so this list is the one that was checked.
CHECKED = [
    "ai_threads",
    "bookings",
    "contact_consents",
    "conversations",
    "crm_records",
    "customers",
    "lead_notes",
    "leads",
    "messages",
    "opt_outs",
    "stored_files",
    "waitlist_entries",
]
# opt_outs keeps its rows for suppression but loses the address; Alice does not opt out here.
# Nor does she chat with the assistant (tests/ai/test_web_flow.py erases a conversation).
MENTIONED_BEFORE = [t for t in CHECKED if t not in ("opt_outs", "ai_threads")]


def mentions_alice(value: str) -> bool:
    """Her name, email, phone (in any format) or street, anywhere in the text."""
    lowered = value.lower()
    digits = re.sub(r"\D", "", value)
    return "alice" in lowered or "pine st" in lowered or "9164445566" in digits


def readable(table: str, column: str, value: Any) -> str:
    """A raw value as a database reader with the keys would read it: ciphertexts decrypted."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return json.dumps(value, default=str)
    if value.startswith("v1."):
        try:
            return crypto.decrypt(value, context=f"{table}.{column}")
        except crypto.DecryptionError:
            return value
    return value


async def rows_mentioning_alice(database: Database, organization: Organization) -> set[str]:
    """The tables with a raw row (decrypted) that still names, reaches or locates Alice."""
    found = set()
    async with database.transaction(write=False) as session:
        for table in CHECKED:
            statement = text(f"SELECT * FROM {table} WHERE organization_id = :org")
            result = await session.execute(
                statement.bindparams(bindparam("org", type_=Uuid)), {"org": organization.id}
            )
            for row in result.mappings():
                if any(mentions_alice(readable(table, k, v)) for k, v in row.items()):
                    found.add(table)
    return found


async def created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code in (200, 201), response.text
    body: dict[str, Any] = response.json()
    return body


async def given_alice_everywhere(
    client: httpx.AsyncClient, database: Database, admin: Actor
) -> dict[str, Any]:
    """Alice as a customer with a booking at her street, a waitlist place, two leads from the
    public form (one by email under another name, one by phone only) with their consents and a
    staff note, an SMS she sent and one sent to her with a photo named after her; the booking
    leaves its CRM record (made by the worker, after the booking's commit)."""
    assert admin.organization is not None
    tenant = {"X-Tenant-ID": str(admin.organization.id)}
    await given_twilio(client, admin)
    alice = await created(await client.post("/api/v1/customers", json=ALICE, headers=admin.headers))
    booking = await created(
        await client.post(
            "/api/v1/bookings",
            json={
                "customer_id": alice["id"],
                "event_date": days_ahead(14).isoformat(),
                "event_time": "18:00",
                "guest_count": 8,
                "event_type": "birthday",
                "location": PINE_STREET,
                "special_requests": "Surprise party for Alice",
            },
            headers=admin.headers,
        )
    )
    await deliver_everything(database)
    waiting = seed_entry(customer_id=alice["id"], location=PINE_STREET, notes="Alice, ring twice")
    del waiting["customer"]
    entry = await created(await client.post(WAITLIST, json=waiting, headers=admin.headers))
    by_email = await created(
        await client.post(
            "/api/v1/public/leads",
            json={
                "name": "A. Johnson",
                "email": "Alice@Example.com",
                "phone": "916-555-0199",
                "message": "Alice here",
            },
            headers=tenant,
        )
    )
    by_phone = await created(
        await client.post(
            "/api/v1/public/leads",
            json={
                "name": "Al",
                "email": "al.j@example.org",
                "phone": "916-444-5566",
                "message": "Cook at 789 Pine St?",
            },
            headers=tenant,
        )
    )
    await created(
        await client.post(
            f"/api/v1/leads/{by_phone['lead_id']}/notes",
            json={"body": "Alice wants the Pine St party quoted"},
            headers=admin.headers,
        )
    )
    inbound = await post_twilio(client, admin, twilio_sms("Hi, Alice from 789 Pine St"))
    assert inbound.status_code == 200, inbound.text
    photo = await created(
        await client.post(
            "/api/v1/messages/attachments",
            files={"file": ("Alice at 789 Pine St.png", png(), "image/png")},
            headers=admin.headers,
        )
    )
    await created(
        await client.post(
            "/api/v1/messages/send",
            json={
                "recipient": {"phone": ALICE_PHONE, "name": "Alice"},
                "content": "Hi Alice",
                "provider": "sms",
                "attachment_ids": [photo["id"]],
            },
            headers=admin.headers,
        )
    )
    return {
        "customer": alice,
        "booking": booking,
        "entry": entry,
        "leads": [by_email["lead_id"], by_phone["lead_id"]],
    }


async def api_answers(
    client: httpx.AsyncClient, admin: Actor, alice: dict[str, Any]
) -> dict[str, str]:
    """What staff can read about Alice through the API, by path."""
    paths = [
        f"/api/v1/customers/{alice['customer']['id']}",
        f"/api/v1/bookings/{alice['booking']['id']}",
        f"{WAITLIST}/{alice['entry']['id']}",
        "/api/v1/leads",
        *(f"/api/v1/leads/{lead}" for lead in alice["leads"]),
        "/api/v1/messages/inbox",
        "/api/v1/messages/conversations",
        "/api/v1/crm/bookings",
        f"/api/v1/crm/bookings/{alice['booking']['id']}",
    ]
    conversations = (
        await client.get("/api/v1/messages/conversations", headers=admin.headers)
    ).json()["items"]
    paths += [f"/api/v1/messages/conversations/{c['id']}" for c in conversations]
    answers = {}
    for path in paths:
        response = await client.get(path, headers=admin.headers)
        assert response.status_code == 200, (path, response.text)
        answers[path] = response.text
    return answers


async def test_erasure_leaves_nothing_of_the_person_readable_and_keeps_the_books(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await given_book(client, database)
    assert admin.organization is not None
    alice = await given_alice_everywhere(client, database, admin)
    booking_url = f"/api/v1/bookings/{alice['booking']['id']}"
    books_before = (await client.get(booking_url, headers=admin.headers)).json()
    answers_before = await api_answers(client, admin, alice)
    # The leads eraser blanks the notes on those leads too.
    assert sorted({*erasure.tables(), "customers", "lead_notes"}) == CHECKED
    assert await rows_mentioning_alice(database, admin.organization) == set(MENTIONED_BEFORE)
    assert all(mentions_alice(answer) for answer in answers_before.values())

    erased = await client.delete(
        f"/api/v1/customers/{alice['customer']['id']}", headers=admin.headers
    )

    assert erased.status_code == 204
    assert await rows_mentioning_alice(database, admin.organization) == set()
    answers_after = await api_answers(client, admin, alice)
    assert [path for path, answer in answers_after.items() if mentions_alice(answer)] == []
    books_after = (await client.get(booking_url, headers=admin.headers)).json()
    kept = ("status", "event_date", "event_time", "guest_count", "total_amount", "deposit_amount")
    assert {k: books_after[k] for k in kept} == {k: books_before[k] for k in kept}
    assert books_after["location"] == "Sacramento, CA"
    assert books_after["location_details"] == {
        "city": "Sacramento",
        "state": "CA",
        "zip_code": "95816",
    }
    entry = (await client.get(f"{WAITLIST}/{alice['entry']['id']}", headers=admin.headers)).json()
    assert (entry["status"], entry["guest_count"]) == ("waiting", 4)
    leads = [
        (await client.get(f"/api/v1/leads/{lead}", headers=admin.headers)).json()
        for lead in alice["leads"]
    ]
    assert [(lead["name"], lead["email"], lead["phone"]) for lead in leads] == [
        ("Erased customer", None, None),
        ("Erased customer", None, None),
    ]
