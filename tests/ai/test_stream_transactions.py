"""The SSE chat holds no write transaction while the model streams: on SQLite, where one
writer at a time holds the database, another request books while a slow answer is open."""

from __future__ import annotations

import asyncio
import threading

import httpx

from maitred.kit.db import Database
from tests.ai.given import bookings, events_of, given_caterer, given_llm
from tests.ai.llm_standin import StandIn, Step
from tests.ai.test_llm_engine import next_saturday
from tests.factories import signed_in_as

# Far below SQLite's 10 s busy timeout: a writer that waited for the stream would miss it.
WAIT = 5


async def test_a_booking_is_written_while_a_stream_is_open(
    client: httpx.AsyncClient, database: Database, llm: StandIn
) -> None:
    caterer = await given_caterer(database)
    admin = await signed_in_as(client, database, "admin", caterer.organization)
    await given_llm(client, admin.headers, llm.url)
    saturday = next_saturday()
    slow = Step(content="Saturday is open at 17:00, 18:00 and 19:00.", hold=threading.Event())
    llm.script(
        Step(tool_calls=[("check_availability", {"date": saturday, "guest_count": 12,
                                                 "location": "Folsom"})]),
        slow,
    )  # fmt: skip
    streaming = asyncio.create_task(
        client.post(
            "/api/v1/ai/chat/stream",
            json={"message": "we're 12 next Saturday in Folsom"},
            headers=caterer.headers,
        )
    )
    try:
        for _ in range(WAIT * 100):
            if slow.holding.is_set() or streaming.done():
                break
            await asyncio.sleep(0.01)
        assert slow.holding.is_set(), "the model never started streaming"
        booked = await asyncio.wait_for(
            client.post(
                "/api/v1/public/bookings",
                json={"name": "Jane Smith", "phone": "(916) 555-0142", "event_date": saturday,
                      "event_time": "17:00", "guest_count": 20, "event_type": "birthday",
                      "location": "Sacramento"},
                headers=caterer.headers,
            ),
            WAIT,
        )  # fmt: skip
        assert not streaming.done()  # the answer was still streaming meanwhile
    finally:
        slow.hold.set()  # type: ignore[union-attr]
    answer = await streaming

    assert booked.status_code == 201, booked.text
    assert await bookings(database) == 1
    events = events_of(answer.text)
    assert [e["tool"] for e in events if e["type"] == "tool"] == ["check_availability"]
    assert events[-1]["type"] == "done"
    assert events[-1]["metadata"]["engine"] == "llm"
    staff = await client.get(f"/api/v1/ai/threads/{events[0]['thread_id']}", headers=admin.headers)
    messages = staff.json()["messages"]
    # The turn was kept once the stream ended, in a transaction of its own.
    assert [m["role"] for m in messages] == ["user", "assistant"]
    assert messages[1]["content"].startswith("Saturday is open")


async def test_the_offline_stream_is_the_turn_it_kept(
    client: httpx.AsyncClient, database: Database
) -> None:
    caterer = await given_caterer(database)
    admin = await signed_in_as(client, database, "admin", caterer.organization)

    answer = await client.post(
        "/api/v1/ai/chat/stream",
        json={"message": "we're 12 for my mom's birthday next Saturday in Folsom"},
        headers=caterer.headers,
    )

    assert answer.status_code == 200, answer.text
    events = events_of(answer.text)
    assert [e["tool"] for e in events if e["type"] == "tool"] == ["check_availability", "quote"]
    said = "".join(e["content"] for e in events if e["type"] == "token")
    assert "17:00, 18:00, 19:00" in said
    assert events[-1]["type"] == "done"
    assert events[-1]["metadata"]["engine"] == "offline"
    kept = await client.get(f"/api/v1/ai/threads/{events[0]['thread_id']}", headers=admin.headers)
    assert kept.json()["messages"][-1]["content"] == said
    assert [c["tool"] for c in kept.json()["tool_calls"]] == ["check_availability", "quote"]
