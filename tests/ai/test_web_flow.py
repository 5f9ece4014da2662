"""Done when: a visitor of the website chat goes from one sentence to a priced pending booking
they confirmed themselves, with a deposit link, with no key configured (offline engine)."""

from __future__ import annotations

import re

import httpx

from maitred.kit.db import Database
from tests.ai.given import LINK, bookings, confirm_token, given_caterer, say


async def test_birthday_in_folsom_becomes_a_confirmed_pending_booking(
    client: httpx.AsyncClient, database: Database
) -> None:
    caterer = await given_caterer(database)

    first = await say(client, caterer, "we're 12 for my mom's birthday next Saturday in Folsom")
    assert first["intent"] == "booking_inquiry"
    assert first["metadata"]["engine"] == "offline"
    assert "17:00, 18:00, 19:00" in first["response"]
    # 12 adults at $55 = $660 (over the $550 minimum), 8.25 % tax: $714.45; $100 deposit.
    assert "$714.45" in first["response"]
    assert "$100.00" in first["response"]
    thread = first["thread_id"]
    assert [a["label"] for a in first["suggested_actions"] if a["type"] == "choose_time"] == [
        "17:00",
        "18:00",
        "19:00",
    ]

    second = await say(client, caterer, "6pm works", thread)
    assert "name" in second["response"]
    assert "phone" in second["response"]

    third = await say(client, caterer, "Maria Lopez, 916-555-0177", thread)
    token = confirm_token(third)
    assert "12 guests" in third["response"]
    assert "Folsom" in third["response"]
    assert await bookings(database) == 0  # nothing booked before the customer confirms

    confirmed = await client.post(
        "/api/v1/ai/confirm",
        json={"thread_id": thread, "confirmation_token": token},
        headers=caterer.headers,
    )
    assert confirmed.status_code == 200, confirmed.text
    result = confirmed.json()["result"]
    assert result["status"] == "pending"
    assert result["total_amount"] == 714.45
    assert result["deposit_amount"] == 100.0
    assert LINK.search(result["deposit_link"])
    assert await bookings(database) == 1

    replay = await client.post(
        "/api/v1/ai/confirm",
        json={"thread_id": thread, "confirmation_token": token},
        headers=caterer.headers,
    )
    assert replay.status_code == 200
    assert replay.json()["result"] == result
    assert await bookings(database) == 1


async def test_erasing_the_customer_blanks_their_conversation(
    client: httpx.AsyncClient, database: Database
) -> None:
    from tests.factories import signed_in_as

    caterer = await given_caterer(database)
    first = await say(client, caterer, "we're 12 for my mom's birthday next Saturday in Folsom")
    thread = first["thread_id"]
    await say(client, caterer, "6pm works", thread)
    drafted = await say(client, caterer, "Maria Lopez, 916-555-0177", thread)
    confirmed = await client.post(
        "/api/v1/ai/confirm",
        json={"thread_id": thread, "confirmation_token": confirm_token(drafted)},
        headers=caterer.headers,
    )
    assert confirmed.status_code == 200, confirmed.text
    admin = await signed_in_as(client, database, "admin", caterer.organization)
    seen = (await client.get(f"/api/v1/ai/threads/{thread}", headers=admin.headers)).json()
    customer_id = seen["customer_id"]
    assert customer_id is not None
    erased = await client.delete(f"/api/v1/customers/{customer_id}", headers=admin.headers)
    assert erased.status_code in (200, 204), erased.text
    after = (await client.get(f"/api/v1/ai/threads/{thread}", headers=admin.headers)).json()
    assert {m["content"] for m in after["messages"]} == {"[erased]"}
    assert "916-555-0177" not in str(after)
    assert "Maria" not in str(after)
    assert after["cost"] == seen["cost"]


async def test_the_date_and_time_buttons_it_offers_are_understood_when_pressed(
    client: httpx.AsyncClient, database: Database
) -> None:
    """Its buttons send back their label (`reply:2026-12-12`, `reply:18:00`): an ISO date is a
    date like any other (it was once read as no date, and the visitor was asked again)."""
    caterer = await given_caterer(database)
    offered = await say(client, caterer, "we're 12 for my mom's birthday next Saturday in Folsom")
    [saturday] = set(re.findall(r"\d{4}-\d{2}-\d{2}", offered["response"]))

    first = await say(client, caterer, "we're 12 for a birthday in Folsom")
    thread = first["thread_id"]
    pressed = await say(client, caterer, saturday, thread)
    assert saturday in pressed["response"]
    assert "17:00, 18:00, 19:00" in pressed["response"]
    assert [a["action"] for a in pressed["suggested_actions"] if a["type"] == "choose_time"] == [
        "reply:17:00",
        "reply:18:00",
        "reply:19:00",
    ]
    timed = await say(client, caterer, "18:00", thread)
    assert f"{saturday} at 18:00" in timed["response"]
    assert "name" in timed["response"]


async def test_a_time_after_a_refused_date_keeps_the_dates_offered(
    client: httpx.AsyncClient, database: Database
) -> None:
    """ "6pm" answers the offer of other dates: it is asked which of those, not for a date again."""
    caterer = await given_caterer(database)  # closed on Mondays
    refused = await say(client, caterer, "we're 12 for my mom's birthday next Monday in Folsom")
    thread = refused["thread_id"]
    offered = [a["label"] for a in refused["suggested_actions"] if a["type"] == "choose_date"]
    assert "isn't available" in refused["response"]
    assert len(offered) >= 2

    timed = await say(client, caterer, "6pm", thread)
    assert "18:00" in timed["response"]
    assert all(day in timed["response"] for day in offered)
    assert [a["label"] for a in timed["suggested_actions"] if a["type"] == "choose_date"] == offered

    chosen = await say(client, caterer, offered[1], thread)
    assert f"{offered[1]} at 18:00" in chosen["response"]
    assert "name" in chosen["response"]
