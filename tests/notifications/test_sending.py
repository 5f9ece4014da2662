"""Sending by hand (seed 000's POST /notifications/sms and /email): queued at once, sent by the
worker's console provider; the history of what went out; unsubscribing from marketing email."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import httpx
from sqlalchemy import select, update

from maitred.config import Settings
from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from maitred.messaging.models import Message, OptOut
from tests.bookings.given import book_one, given_book, given_customer, seed_001_form, staff_of
from tests.factories import deliver_everything, signed_in_as
from tests.notifications.given import history, sent_messages

SMS = "/api/v1/notifications/sms"
EMAIL = "/api/v1/notifications/email"
SEED_000_EMAIL = {
    "to": "customer@example.com",
    "subject": "Booking Confirmation",
    "template": "booking_confirmation",
    "data": {
        "booking_id": "booking-123",
        "customer_name": "John Smith",
        "event_date": "2024-02-20",
    },
}


async def test_an_sms_is_queued_then_sent_by_the_worker(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    staff = await signed_in_as(client, database, "staff")

    queued = await client.post(
        SMS,
        json={"to": "(916) 555-0101", "message": "Your hibachi booking is confirmed!"},
        headers=staff.headers,
    )
    await deliver_everything(database, settings)
    [item] = (await history(client, staff))["items"]

    assert queued.status_code == 201, queued.text
    body = queued.json()
    assert (body["channel"], body["to"], body["status"], body["booking_id"]) == (
        "sms",
        "+19165550101",
        "queued",
        None,
    )
    assert (item["id"], item["status"], item["provider"]) == (body["id"], "sent", "console")
    assert item["body_text"] == "Your hibachi booking is confirmed!"
    assert item["sent_at"] is not None


async def test_seed_000s_email_renders_its_template_with_the_data_given(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await signed_in_as(client, database, "admin")

    queued = await client.post(EMAIL, json=SEED_000_EMAIL, headers=admin.headers)
    await deliver_everything(database, settings)
    [message] = await sent_messages(database)

    assert queued.status_code == 201, queued.text
    assert (queued.json()["subject"], queued.json()["template"]) == (
        "Booking Confirmation",
        "booking_confirmation",
    )
    assert message.body_text.startswith(
        "Hi John Smith,\n\nThank you for booking with Hibachi at Home!"
    )
    assert "Date: 2024-02-20" in message.body_text
    assert message.body_html is not None
    assert "<p>Hi John Smith,</p>" in message.body_html
    assert (message.status, message.contact) == ("sent", "customer@example.com")


async def test_what_cannot_be_sent_is_refused_and_nothing_is_queued(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")
    elsewhere = await given_book(database, name="Another Caterer")
    their_customer = await given_customer(database, elsewhere)
    their_booking = await book_one(
        client,
        await staff_of(client, database, elsewhere),
        seed_001_form(their_customer, elsewhere),
    )
    to = {"to": "a@example.com"}

    answers = {
        "nothing": await client.post(EMAIL, json=to, headers=admin.headers),
        "both": await client.post(
            EMAIL, json=to | {"template": "booking_reminder", "body": "x"}, headers=admin.headers
        ),
        "no subject": await client.post(EMAIL, json=to | {"body": "x"}, headers=admin.headers),
        "no template": await client.post(
            EMAIL, json=to | {"template": "nope"}, headers=admin.headers
        ),
        "bad email": await client.post(
            EMAIL, json={"to": "not-an-email", "body": "x", "subject": "s"}, headers=admin.headers
        ),
        "bad phone": await client.post(
            SMS, json={"to": "12", "message": "x"}, headers=admin.headers
        ),
        "their booking": await client.post(
            SMS,
            json={"to": "+19165550101", "message": "x", "booking_id": their_booking["id"]},
            headers=admin.headers,
        ),
        "their customer": await client.post(
            EMAIL,
            json=to | {"subject": "s", "body": "x", "customer_id": str(their_customer)},
            headers=admin.headers,
        ),
    }

    assert {name: a.status_code for name, a in answers.items()} == dict.fromkeys(answers, 422)
    assert answers["no subject"].json()["details"] == {"subject": "An email needs a subject"}
    assert answers["their booking"].json()["details"] == {"booking_id": "No such booking"}
    assert answers["their customer"].json()["details"] == {"customer_id": "No such customer"}
    assert await sent_messages(database) == []


async def test_history_filters_and_pages_by_cursor_newest_first(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    staff = await signed_in_as(client, database, "staff")
    other = await signed_in_as(client, database, "staff")
    ids = []
    for n in range(5):
        channel, to = ("sms", f"+1916555010{n}") if n % 2 else ("email", f"guest{n}@example.com")
        body = (
            {"to": to, "message": f"Hello {n}"}
            if channel == "sms"
            else {"to": to, "subject": f"Hello {n}", "body": "Hi"}
        )
        answer = await client.post(
            f"/api/v1/notifications/{channel}", json=body, headers=staff.headers
        )
        ids.append(answer.json()["id"])
    await client.post(SMS, json={"to": "+19165550199", "message": "x"}, headers=other.headers)
    await deliver_everything(database, settings)
    async with database.transaction() as session:  # the first one failed, long ago
        await session.execute(
            update(Message)
            .where(Message.id == uuid.UUID(ids[0]))
            .values(status="failed", created_at=utcnow() - timedelta(days=3))
        )

    first = await history(client, staff, limit=2)
    second = await history(client, staff, limit=2, cursor=first["next_cursor"])
    third = await history(client, staff, limit=2, cursor=second["next_cursor"])
    texts = await history(client, staff, channel="SMS")
    failed = await history(client, staff, status="failed")
    today = utcnow().date()
    recent = await history(client, staff, date_from=(today - timedelta(days=1)).isoformat())
    old = await history(client, staff, date_to=(today - timedelta(days=2)).isoformat())
    bad_cursor = await client.get(
        "/api/v1/notifications/history", params={"cursor": "xyz"}, headers=staff.headers
    )

    paged = [i["id"] for page in (first, second, third) for i in page["items"]]
    assert paged == list(reversed(ids))
    assert third["next_cursor"] is None
    assert [i["id"] for i in texts["items"]] == [ids[3], ids[1]]
    assert [i["id"] for i in failed["items"]] == [ids[0]]
    assert [i["id"] for i in recent["items"]] == [ids[4], ids[3], ids[2], ids[1]]
    assert [i["id"] for i in old["items"]] == [ids[0]]
    assert bad_cursor.status_code == 422


async def test_history_by_booking_and_customer_and_who_may_read_it(
    client: httpx.AsyncClient, database: Database
) -> None:
    staff = await signed_in_as(client, database, "staff")
    customer = await signed_in_as(client, database, "customer", staff.organization)
    first = (
        await client.post(SMS, json={"to": "+19165550101", "message": "a"}, headers=staff.headers)
    ).json()
    await client.post(SMS, json={"to": "+19165550102", "message": "b"}, headers=staff.headers)

    anonymous = await client.get("/api/v1/notifications/history")
    forbidden = await client.get("/api/v1/notifications/history", headers=customer.headers)
    forbidden_send = await client.post(
        SMS, json={"to": "+19165550101", "message": "a"}, headers=customer.headers
    )
    unknown_booking = await history(
        client, staff, booking_id="6a0e3b51-2c7d-4f8e-9b14-0d3c5e7a9f21"
    )

    assert (anonymous.status_code, forbidden.status_code, forbidden_send.status_code) == (
        401,
        403,
        403,
    )
    assert unknown_booking["items"] == []
    assert first["customer_id"] is None


async def test_marketing_email_carries_an_unsubscribe_link_that_opts_the_address_out(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await signed_in_as(client, database, "admin")
    offer = {"to": "Fan@Example.com", "subject": "Spring menu", "body": "Try our new menu!"}

    first = await client.post(EMAIL, json=offer | {"category": "marketing"}, headers=admin.headers)
    [message] = await sent_messages(database)
    link = re.search(r"Unsubscribe: (\S+)", message.body_text)
    assert link is not None
    token = link.group(1).split("token=")[1]
    followed = await client.get(
        "/api/v1/public/unsubscribe", params={"token": token}, headers={"Accept": "text/html"}
    )
    again = await client.post("/api/v1/public/unsubscribe", params={"token": token})
    forged = await client.get("/api/v1/public/unsubscribe", params={"token": token[:-4] + "AAAA"})
    second = await client.post(EMAIL, json=offer | {"category": "MARKETING"}, headers=admin.headers)
    receipt = await client.post(EMAIL, json=offer, headers=admin.headers)
    await deliver_everything(database, settings)

    assert first.status_code == 201
    assert message.body_text.startswith("Try our new menu!\n\nUnsubscribe: http")
    assert link.group(1).split("?")[0].endswith("/api/v1/public/unsubscribe")
    assert message.meta["extra"] == {
        "List-Unsubscribe": f"<{link.group(1)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    assert "fan@example.com" not in token
    assert followed.status_code == 200
    assert "fan@example.com will get no more marketing email" in followed.text
    assert again.json() == {"unsubscribed": True, "channel": "email", "address": "fan@example.com"}
    assert (forged.status_code, forged.json()["details"]) == (422, {"token": "Invalid link"})
    assert (second.json()["status"], receipt.json()["status"]) == ("suppressed", "queued")
    async with database.transaction(write=False) as session:
        opt_outs = (await session.scalars(select(OptOut))).all()
    assert [(o.channel, o.contact, o.source) for o in opt_outs] == [
        ("email", "fan@example.com", "unsubscribe_link")
    ]
    statuses = [m.status for m in await sent_messages(database)]
    assert statuses == ["sent", "suppressed", "sent"]
