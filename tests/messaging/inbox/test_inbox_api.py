"""The inbox API through HTTP: filters and cursor pages, sending, read marks, conversations,
the period's figures, and who may see any of it."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import update

from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from maitred.kit.roles import Role
from maitred.messaging.models import Message
from tests.factories import Actor, signed_in_as
from tests.messaging.inbox.given import (
    ALICE_PHONE,
    given_business,
    given_customer,
    inbox,
    post_twilio,
    twilio_sms,
)
from tests.probe_router import error_of

BOB_PHONE = "+19164445599"


async def text_in(client: httpx.AsyncClient, admin: Actor, body: str, sender: str) -> None:
    response = await post_twilio(client, admin, twilio_sms(body, sender=sender))
    assert response.status_code == 200, response.text


async def send(client: httpx.AsyncClient, actor: Actor, **body: Any) -> httpx.Response:
    return await client.post("/api/v1/messages/send", json=body, headers=actor.headers)


async def backdate(database: Database, message_id: str, *, minutes_ago: float) -> None:
    async with database.transaction() as session:
        await session.execute(
            update(Message)
            .where(Message.id == uuid.UUID(message_id))
            .values(created_at=utcnow() - timedelta(minutes=minutes_ago))
        )


async def test_inbox_filters_and_pages_by_cursor_without_overlap(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await given_business(client, database)
    alice = await given_customer(client, admin)
    for body in ("one", "two", "three"):
        await text_in(client, admin, body, ALICE_PHONE)
    await text_in(client, admin, "from bob", BOB_PHONE)
    order_id = str(uuid.uuid4())
    reply = await send(
        client,
        admin,
        recipient={"phone": BOB_PHONE, "name": "Bob"},
        content="Yes, we can!",
        provider="sms",
        order_id=order_id,
    )
    assert reply.status_code == 201, reply.text

    pages, cursor = [], None
    while True:
        page = await inbox(client, admin, limit=2, **({"cursor": cursor} if cursor else {}))
        pages.append([m["content"] for m in page["items"]])
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert pages == [["Yes, we can!", "from bob"], ["three", "two"], ["one"]]
    contents = {
        name: [m["content"] for m in (await inbox(client, admin, **query))["items"]]
        for name, query in {
            "outbound": {"direction": "outbound"},
            "unread": {"is_read": "false"},
            "alice": {"customer_id": alice["id"]},
            "order": {"order_id": order_id},
            "twilio": {"provider": "twilio"},
            "seed 003's provider=sms": {"provider": "SMS"},
            "whatsapp": {"channel": "whatsapp"},
        }.items()
    }
    assert contents == {
        "outbound": ["Yes, we can!"],
        "unread": ["from bob", "three", "two", "one"],
        "alice": ["three", "two", "one"],
        "order": ["Yes, we can!"],
        "twilio": ["from bob", "three", "two", "one"],
        "seed 003's provider=sms": ["Yes, we can!", "from bob", "three", "two", "one"],
        "whatsapp": [],
    }
    one = (await inbox(client, admin, customer_id=alice["id"]))["items"][-1]
    await backdate(database, one["id"], minutes_ago=3 * 24 * 60)
    recent = await inbox(client, admin, days=2, customer_id=alice["id"])
    assert [m["content"] for m in recent["items"]] == ["three", "two"]
    bad = await client.get(
        "/api/v1/messages/inbox", params={"cursor": "garbage"}, headers=admin.headers
    )
    assert bad.status_code == 422


async def test_sending_checks_the_address_its_channel_needs(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await given_business(client, database)

    no_email = await send(
        client, admin, recipient={"phone": ALICE_PHONE}, content="Hi", provider="email"
    )
    html_sms = await send(
        client,
        admin,
        recipient={"phone": ALICE_PHONE},
        content="<b>Hi</b>",
        provider="sms",
        content_type="html",
    )
    unknown = await send(
        client, admin, recipient={"phone": ALICE_PHONE}, content="Hi", provider="fax"
    )
    email = await send(
        client,
        admin,
        recipient={"email": "Alice@Example.com", "name": "Alice"},
        content="<p>Your <b>menu</b> is attached.</p>",
        channel="EMAIL",
        content_type="html",
    )

    assert error_of(no_email)["details"] == {"recipient.email": "Required to send by email"}
    assert error_of(html_sms)["details"] == {"content_type": "html is for email only"}
    assert unknown.status_code == 422
    assert email.status_code == 201, email.text
    body = email.json()
    assert body["recipient"] == {
        "phone": None,
        "email": "alice@example.com",
        "chat_id": None,
        "name": "Alice",
    }
    assert body["subject"] == "A message from Hibachi at Home"
    assert body["content"] == "Your menu is attached."
    assert body["content_type"] == "html"
    assert body["status"] == "queued"
    assert body["direction"] == "outbound"
    assert body["is_read"] is True


async def test_reading_lowers_the_unread_count_once_and_stats_sum_the_period(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await given_business(client, database)
    await given_customer(client, admin)
    await text_in(client, admin, "first", ALICE_PHONE)
    await text_in(client, admin, "second", ALICE_PHONE)
    alice_reply = await send(
        client, admin, recipient={"phone": ALICE_PHONE}, content="Sure!", provider="sms"
    )
    await text_in(client, admin, "hello?", BOB_PHONE)
    bob_reply = await send(
        client, admin, recipient={"phone": BOB_PHONE}, content="Hi Bob", provider="sms"
    )
    first, second = reversed(
        (await inbox(client, admin, direction="inbound", provider="twilio"))["items"][1:]
    )
    bob_first = (await inbox(client, admin, direction="inbound"))["items"][0]
    for message_id, minutes_ago in (
        (first["id"], 10),
        (second["id"], 9.5),
        (alice_reply.json()["id"], 8),  # 120 s after the first unanswered message
        (bob_first["id"], 5),
        (bob_reply.json()["id"], 4),  # 60 s
    ):
        await backdate(database, message_id, minutes_ago=minutes_ago)

    read = await client.patch(f"/api/v1/messages/{first['id']}/read", headers=admin.headers)
    again = await client.patch(f"/api/v1/messages/{first['id']}/read", headers=admin.headers)
    stats = await client.get("/api/v1/messages/stats/summary", headers=admin.headers)

    assert read.status_code == again.status_code == 200
    assert read.json()["is_read"] is True
    assert read.json()["read_at"] == again.json()["read_at"]
    conversations = await client.get("/api/v1/messages/conversations", headers=admin.headers)
    assert [(c["display_name"], c["unread_count"]) for c in conversations.json()["items"]] == [
        ("", 1),  # Bob's thread: the latest activity
        ("Alice Johnson", 1),
    ]
    assert conversations.json()["pagination"]["total_items"] == 2
    summary = stats.json()
    del summary["since"]
    assert summary == {
        "days": 30,
        "sent": {"sms": 2},
        "received": {"sms": 3},
        "total_sent": 2,
        "sent_by": {"assistant": 0, "staff": 2, "system": 0},
        "drafts_waiting": 0,
        "total_received": 3,
        "failed": 0,
        "unread": 2,
        "average_first_response_seconds": 90.0,
        "median_first_response_seconds": 90.0,
        "responses_measured": 2,
    }
    thread = await client.get(
        f"/api/v1/messages/conversations/{first['conversation_id']}",
        params={"limit": 2},
        headers=admin.headers,
    )
    assert thread.status_code == 200
    assert [m["content"] for m in thread.json()["messages"]] == ["Sure!", "second"]
    older = await client.get(
        f"/api/v1/messages/conversations/{first['conversation_id']}",
        params={"cursor": thread.json()["next_cursor"]},
        headers=admin.headers,
    )
    assert [m["content"] for m in older.json()["messages"]] == ["first"]
    assert older.json()["next_cursor"] is None


async def test_only_staff_of_the_organization_see_its_inbox(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await given_business(client, database)
    await text_in(client, admin, "private matter", ALICE_PHONE)
    [message] = (await inbox(client, admin))["items"]
    stranger = await signed_in_as(client, database, Role.admin)
    customer = await signed_in_as(client, database, Role.customer, admin.organization)
    staff = await signed_in_as(client, database, Role.staff, admin.organization)

    anonymous = await client.get("/api/v1/messages/inbox")
    as_customer = await client.get("/api/v1/messages/inbox", headers=customer.headers)
    foreign_read = await client.patch(
        f"/api/v1/messages/{message['id']}/read", headers=stranger.headers
    )
    foreign_thread = await client.get(
        f"/api/v1/messages/conversations/{message['conversation_id']}", headers=stranger.headers
    )

    assert anonymous.status_code == 401
    assert as_customer.status_code == 403
    assert (foreign_read.status_code, foreign_thread.status_code) == (404, 404)
    assert (await inbox(client, stranger))["items"] == []
    assert (await inbox(client, staff))["items"][0]["is_read"] is False
