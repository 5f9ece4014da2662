"""Seed 000's AI booking tools and seed 003's assistant routes, and seed 001's chat socket."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import httpx
import orjson
import uvicorn
from fastapi import FastAPI
from websockets.asyncio.client import connect

from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from tests.ai.given import bookings, given_caterer
from tests.factories import signed_in_as


def saturday(weeks: int = 2) -> date:
    today = utcnow().date()
    return today + timedelta(days=(5 - today.weekday()) % 7 + 7 * weeks)


async def test_seed_000_availability_quote_and_booking_draft(
    client: httpx.AsyncClient, database: Database
) -> None:
    caterer = await given_caterer(database)
    staff = await signed_in_as(client, database, "staff", caterer.organization)
    day = saturday()
    free = await client.post(
        "/api/ai/availability",
        json={
            "date": day.isoformat(),
            "guest_count": 6,
            "location": {"city": "Sacramento", "state": "CA"},
        },
        headers=staff.headers,
    )
    assert free.status_code == 200, free.text
    assert free.json()["available_slots"] == ["17:00", "18:00", "19:00"]
    assert free.json()["price_estimate"]["deposit_required"] == 100.0

    quote = await client.post(
        "/api/ai/generate-quote",
        json={"guest_count": 10, "location": "Folsom, CA", "date": day.isoformat(),
              "special_requests": "Corporate event with lobster for everyone"},
        headers=staff.headers,
    )  # fmt: skip
    assert quote.status_code == 200, quote.text
    assert quote.json()["event_type"] == "corporate"
    # 10 x $55 + 10 x $15 lobster = $700, 8.25 % tax: $757.75.
    assert quote.json()["total_amount"] == 757.75

    draft = await client.post(
        "/api/ai/create-booking",
        json={
            "customer_info": "John Smith, john@example.com, +19165550123",
            "event_details": f"{day:%B} {day.day} at 7pm for 6 people at 123 Main St Sacramento",
            "special_requests": "Birthday celebration with extra fried rice",
        },
        headers=staff.headers,
    )
    assert draft.status_code == 200, draft.text
    body = draft.json()
    assert body["status"] == "draft", body
    assert body["booking"]["guest_count"] == 6
    assert body["booking"]["event_time"] == "19:00"
    assert await bookings(database) == 0
    confirmed = await client.post(
        "/api/ai/confirm",
        json={"thread_id": body["thread_id"], "confirmation_token": body["confirmation_token"]},
        headers=staff.headers,
    )
    assert confirmed.status_code == 200, confirmed.text
    assert await bookings(database) == 1
    viewer = await signed_in_as(client, database, "viewer", caterer.organization)
    refused = await client.post(
        "/api/ai/create-booking",
        json={"customer_info": "x", "event_details": "y"},
        headers=viewer.headers,
    )
    assert refused.status_code == 403


async def test_seed_003_assistant_routes(client: httpx.AsyncClient, database: Database) -> None:
    caterer = await given_caterer(database)
    staff = await signed_in_as(client, database, "staff", caterer.organization)
    project = str(caterer.organization.id)
    mood = await client.post(
        "/api/v1/ai/analyze-sentiment",
        params={
            "project_id": project,
            "message": "The chef was late and the food was cold. Awful.",
        },
        headers=staff.headers,
    )
    assert mood.status_code == 200, mood.text
    assert mood.json()["sentiment"] == "negative"
    assert mood.json()["recommended_tone"] == "empathetic and proactive"

    asked = await client.post(
        "/api/v1/ai/query",
        json={"project_id": project, "message": "how much for 20 people with lobster?"},
        headers=staff.headers,
    )
    assert asked.status_code == 200, asked.text
    assert asked.json()["function_calls"][0]["name"] == "quote"
    assert asked.json()["function_calls"][0]["parameters"]["guest_count"] == 20

    draft = await client.post(
        "/api/v1/ai/generate-reply",
        params={"project_id": project, "customer_message": "what is your deposit?"},
        headers=staff.headers,
    )
    assert draft.status_code == 200, draft.text
    assert "$100.00" in draft.json()["reply"]

    elsewhere = await client.post(
        "/api/v1/ai/analyze-sentiment",
        params={"project_id": "00000000-0000-4000-8000-000000000001", "message": "hi"},
        headers=staff.headers,
    )
    assert elsewhere.status_code == 404


@contextlib.asynccontextmanager
async def serving(app: FastAPI) -> AsyncIterator[str]:
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="off", log_level="warning")
    )
    task = asyncio.create_task(server.serve())
    for _ in range(500):
        if server.started or task.done():
            break
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"ws://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


async def receive(socket: Any) -> dict[str, Any]:
    data: dict[str, Any] = orjson.loads(await asyncio.wait_for(socket.recv(), 10))
    return data


async def test_chat_over_the_websocket(app: FastAPI, database: Database) -> None:
    caterer = await given_caterer(database)
    async with serving(app) as base:
        url = f"{base}/ws/chat/new?org={caterer.organization.id}"
        async with connect(url) as socket:
            await socket.send(
                orjson.dumps({"type": "message", "content": "what is your deposit?"}).decode()
            )
            assert await receive(socket) == {"type": "typing", "is_typing": True}
            assert await receive(socket) == {"type": "typing", "is_typing": False}
            answer = await receive(socket)
            assert answer["type"] == "message"
            assert answer["sender"] == "ai_assistant"
            assert "$100.00" in answer["content"]
            await socket.send(
                orjson.dumps({"type": "message", "content": "and vegan options?"}).decode()
            )
            await receive(socket)
            await receive(socket)
            second = await receive(socket)
            assert second["thread_id"] == answer["thread_id"]
            await socket.send('{"type": "nonsense"}')
            assert (await receive(socket))["type"] == "error"
