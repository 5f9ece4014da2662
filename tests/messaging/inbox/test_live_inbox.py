"""/ws/inbox over a real server and a real WebSocket client: staff of an organization hear of
its new inbound messages once they are committed and the worker ran; everyone else is refused
or hears nothing. In-process by default; through Redis when MAITRED_TEST_REDIS_URL is set."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
import uvicorn
from fastapi import FastAPI
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from maitred.app import create_app
from maitred.config import Settings
from maitred.kit.db import Database
from maitred.kit.roles import Role
from tests.conftest import make_settings
from tests.factories import Actor, deliver_everything, signed_in_as
from tests.messaging.inbox.given import ALICE_PHONE, given_business, post_twilio, twilio_sms

REDIS_URL = os.environ.get("MAITRED_TEST_REDIS_URL", "")


@contextlib.asynccontextmanager
async def serving(app: FastAPI) -> AsyncIterator[str]:
    """The app on a free local port, in this event loop; yields its ws:// base URL."""
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="off", log_level="warning")
    )
    task = asyncio.create_task(server.serve())
    for _ in range(500):  # uvicorn offers a flag, not an event
        if server.started or task.done():
            break
        await asyncio.sleep(0.01)
    assert server.started, "the server did not start"
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"ws://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


async def next_push(socket: ClientConnection, seconds: float = 5.0) -> dict[str, Any]:
    data: dict[str, Any] = orjson.loads(await asyncio.wait_for(socket.recv(), seconds))
    return data


async def open_inbox(base: str, actor: Actor) -> ClientConnection:
    socket = await connect(f"{base}/ws/inbox?token={actor.tokens['access_token']}")
    ready = await next_push(socket)
    assert ready == {"type": "ready", "organization_id": str(actor.organization.id)}  # type: ignore[union-attr]
    return socket


async def a_message_arrives_and_is_pushed(
    base: str, client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await given_business(client, database)
    staff = await signed_in_as(client, database, Role.staff, admin.organization)
    elsewhere = await signed_in_as(client, database, Role.admin)
    async with (
        await open_inbox(base, admin) as admin_socket,
        await open_inbox(base, staff) as staff_socket,
        await open_inbox(base, elsewhere) as other_socket,
    ):
        response = await post_twilio(client, admin, twilio_sms("Running late, 7:15 ok?"))
        assert response.status_code == 200

        await deliver_everything(database, settings)

        pushes = [await next_push(admin_socket), await next_push(staff_socket)]
        [inbound] = (await client.get("/api/v1/messages/inbox", headers=admin.headers)).json()[
            "items"
        ]
        for push in pushes:
            assert push == {"type": "message.received", "message": inbound}
        assert inbound["sender"]["phone"] == ALICE_PHONE
        with pytest.raises(TimeoutError):
            await next_push(other_socket, seconds=0.3)


async def test_staff_hear_of_new_messages_of_their_organization_only(
    app: FastAPI,
    client: httpx.AsyncClient,
    database: Database,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("MAITRED_REDIS_URL", raising=False)  # in-process: the embedded worker's
    async with serving(app) as base:
        await a_message_arrives_and_is_pushed(base, client, database, settings)


async def test_sockets_without_a_valid_token_or_the_permission_are_closed(
    app: FastAPI, client: httpx.AsyncClient, database: Database
) -> None:
    admin = await given_business(client, database)
    customer = await signed_in_as(client, database, Role.customer, admin.organization)
    async with serving(app) as base:
        closes = {}
        for name, query in {
            "no token": "",
            "bad token": "?token=not-a-token",
            "customer": f"?token={customer.tokens['access_token']}",
        }.items():
            async with connect(f"{base}/ws/inbox{query}") as socket:
                with pytest.raises(ConnectionClosed) as closed:
                    await asyncio.wait_for(socket.recv(), 5)
                closes[name] = closed.value.rcvd.code if closed.value.rcvd else None

    assert closes == {"no token": 4401, "bad token": 4401, "customer": 4403}


@pytest.mark.skipif(not REDIS_URL, reason="MAITRED_TEST_REDIS_URL is not set")
async def test_pushes_reach_sockets_through_redis(
    data_dir: Path,
    database_url: str,
    database: Database,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The worker reads Redis from the environment; the API process from its settings.
    monkeypatch.setenv("MAITRED_REDIS_URL", REDIS_URL)
    app = create_app(make_settings(data_dir, database_url, redis_url=REDIS_URL), database=database)
    transport = httpx.ASGITransport(app=app)
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as client,
        serving(app) as base,
    ):
        await a_message_arrives_and_is_pushed(base, client, database, settings)
