"""Events reach a real HTTP receiver: signed the Standard Webhooks way and seed 004's way, once
per matching subscription, with what the receiver answered kept on the delivery."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

import httpx

from maitred.config import Settings
from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from maitred.kit.roles import Role
from maitred.webhooks import deliveries as deliveries_service
from tests.conftest import make_settings
from tests.factories import deliver_everything, given_organization, signed_in_as
from tests.webhooks.given import (
    deliveries_of,
    emit,
    seed_signature_ok,
    standard_signature_ok,
    subscribe,
)
from tests.webhooks.receiver import Receiver


async def test_a_new_customer_reaches_the_receiver_signed(
    client: httpx.AsyncClient, database: Database, settings: Settings, receiver: Receiver
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    subscription = await subscribe(client, admin, receiver.url, ["customer.created"])
    secret = subscription["secret"]

    created = await client.post(
        "/api/v1/customers",
        json={"name": "Alice J.", "email": "alice@example.com"},
        headers=admin.headers,
    )
    assert created.status_code == 201, created.text
    await deliver_everything(database, settings)

    [request] = receiver.received
    delivery = (await deliveries_of(client, admin, subscription["id"]))["items"][0]
    assert request.path == "/hooks"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"].startswith("maitred-webhooks/")
    assert request.headers["webhook-id"] == delivery["event_id"]
    assert abs(int(request.headers["webhook-timestamp"]) - time.time()) < 60
    assert standard_signature_ok(request.headers, request.body, secret)
    assert seed_signature_ok(request.body, secret)
    assert not standard_signature_ok(request.headers, request.body.replace(b"Z", b"z"), secret)
    assert not seed_signature_ok(request.body, secret[:-2] + "AA")
    body = json.loads(request.body)
    assert body == {
        "event": "customer.created",
        "timestamp": body["timestamp"],
        "data": {"customer_id": created.json()["id"]},
        "signature": body["signature"],
    }
    assert body["timestamp"].endswith("Z")
    assert delivery["payload"] == body
    assert {k: delivery[k] for k in ("event_name", "status", "attempts", "response_status")} == {
        "event_name": "customer.created",
        "status": "succeeded",
        "attempts": 1,
        "response_status": 204,
    }
    assert (delivery["error"], delivery["response_body"], delivery["next_attempt_at"]) == (
        None,
        "",
        None,
    )
    assert delivery["delivered_at"] is not None
    assert delivery["duration_ms"] >= 0


async def test_only_active_subscriptions_asking_for_the_event_get_it(
    client: httpx.AsyncClient, database: Database, settings: Settings, receiver: Receiver
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    other = await signed_in_as(
        client, database, Role.admin, await given_organization(database, "Other")
    )
    leads = await subscribe(client, admin, f"{receiver.url}/leads", ["lead.created"])
    everything = await subscribe(client, admin, f"{receiver.url}/all", "*")
    customers = await subscribe(client, admin, f"{receiver.url}/customers", ["customer.created"])
    paused = await subscribe(client, admin, f"{receiver.url}/paused", "*", active=False)
    theirs = await subscribe(client, other, f"{receiver.url}/theirs", "*")
    assert admin.organization is not None
    assert other.organization is not None

    lead_event = await emit(database, admin.organization.id, "lead.created", lead_id=uuid.uuid4())
    await emit(database, admin.organization.id, "capacity.released", day="2030-01-01")
    await emit(database, other.organization.id, "booking.created", booking_id=uuid.uuid4())
    await deliver_everything(database, settings)

    assert sorted(r.path for r in receiver.received) == [
        "/hooks/all",
        "/hooks/leads",
        "/hooks/theirs",
    ]
    for subscription, count in ((leads, 1), (everything, 1), (customers, 0), (paused, 0)):
        items = (await deliveries_of(client, admin, subscription["id"]))["items"]
        assert len(items) == count
        assert all(item["event_id"] == lead_event for item in items)
    [their_delivery] = (await deliveries_of(client, other, theirs["id"]))["items"]
    assert their_delivery["event_name"] == "booking.created"


async def test_an_event_fanned_out_twice_is_delivered_once(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    subscription = await subscribe(client, admin, "https://example.com/h", ["lead.created"])
    assert admin.organization is not None
    event_id = uuid.uuid4()

    counts = []
    for _ in range(2):
        async with database.transaction() as session:
            counts.append(
                await deliveries_service.fan_out(
                    session,
                    organization_id=admin.organization.id,
                    event_id=event_id,
                    event_name="lead.created",
                    happened_at=utcnow(),
                    data={"lead_id": "1"},
                )
            )

    assert counts == [1, 0]
    assert len((await deliveries_of(client, admin, subscription["id"]))["items"]) == 1


async def test_redirects_are_not_followed_and_answers_are_cut_at_2_kb(
    client: httpx.AsyncClient, database: Database, settings: Settings, receiver: Receiver
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    subscription = await subscribe(client, admin, receiver.url, ["lead.created"])
    assert admin.organization is not None
    receiver.statuses, receiver.location = [302], f"{receiver.url}/elsewhere"
    receiver.answer = "é".encode() * 3000

    await emit(database, admin.organization.id, "lead.created", lead_id=uuid.uuid4())
    await deliver_everything(database, settings)

    assert [r.path for r in receiver.received] == ["/hooks"]
    [delivery] = (await deliveries_of(client, admin, subscription["id"]))["items"]
    assert (delivery["status"], delivery["response_status"], delivery["error"]) == (
        "pending",
        302,
        "The receiver answered HTTP 302",
    )
    assert delivery["response_body"] == "é" * 1024


async def test_a_receiver_slower_than_the_timeout_fails_the_attempt(
    client: httpx.AsyncClient,
    database: Database,
    data_dir: Path,
    database_url: str,
    receiver: Receiver,
) -> None:
    impatient = make_settings(data_dir, database_url, webhook_timeout_seconds=0.2)
    admin = await signed_in_as(client, database, Role.admin)
    subscription = await subscribe(client, admin, receiver.url, ["lead.created"])
    assert admin.organization is not None
    receiver.delay_seconds = 1.0

    await emit(database, admin.organization.id, "lead.created", lead_id=uuid.uuid4())
    await deliver_everything(database, impatient)

    [delivery] = (await deliveries_of(client, admin, subscription["id"]))["items"]
    assert (delivery["status"], delivery["response_status"], delivery["error"]) == (
        "pending",
        None,
        "Timed out after 0.2 s",
    )
    assert 200 <= delivery["duration_ms"] < 1000
