"""Listing a subscription's deliveries: newest first by cursor, filtered by status; who may see
and resend them."""

from __future__ import annotations

import uuid
from datetime import datetime

import httpx

from maitred.config import Settings
from maitred.kit.db import Database
from maitred.kit.roles import Role
from tests.factories import deliver_everything, given_organization, signed_in_as
from tests.probe_router import error_of
from tests.webhooks.given import (
    DELIVERIES,
    SUBSCRIPTIONS,
    deliveries_of,
    emit,
    subscribe,
)
from tests.webhooks.receiver import Receiver


async def test_deliveries_are_paged_newest_first_by_cursor(
    client: httpx.AsyncClient, database: Database, settings: Settings, receiver: Receiver
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    subscription = await subscribe(client, admin, receiver.url, ["lead.created"])
    assert admin.organization is not None
    events = [
        await emit(database, admin.organization.id, "lead.created", lead_id=uuid.uuid4())
        for _ in range(5)
    ]
    receiver.statuses = [200, 200, 200, 500]
    await deliver_everything(database, settings)

    pages, cursor = [], None
    while True:
        page = await deliveries_of(
            client, admin, subscription["id"], limit=2, **({"cursor": cursor} if cursor else {})
        )
        pages.append(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    succeeded = await deliveries_of(client, admin, subscription["id"], status="SUCCEEDED")
    waiting = await deliveries_of(client, admin, subscription["id"], status="pending")

    assert [len(items) for items in pages] == [2, 2, 1]
    listed = [item for items in pages for item in items]
    assert sorted(item["event_id"] for item in listed) == sorted(events)
    moments = [(datetime.fromisoformat(item["created_at"]), item["id"]) for item in listed]
    assert moments == sorted(moments, reverse=True)
    assert len(succeeded["items"]) == 3
    assert {item["status"] for item in succeeded["items"]} == {"succeeded"}
    assert len(waiting["items"]) == 2


async def test_bad_cursors_and_statuses_are_422(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    subscription = await subscribe(client, admin, "https://example.com/h")
    path = f"{SUBSCRIPTIONS}/{subscription['id']}/deliveries"

    cursor = await client.get(path, params={"cursor": "not-a-cursor"}, headers=admin.headers)
    status = await client.get(path, params={"status": "lost"}, headers=admin.headers)
    limit = await client.get(path, params={"limit": 101}, headers=admin.headers)

    assert error_of(cursor) == {
        "error": "validation_error",
        "message": "Request validation failed",
        "details": {"cursor": "Invalid cursor"},
    }
    assert (status.status_code, limit.status_code) == (422, 422)
    assert set(error_of(status)["details"]) == {"status"}  # type: ignore[arg-type]


async def test_deliveries_are_for_readers_and_resending_for_writers(
    client: httpx.AsyncClient, database: Database, settings: Settings, receiver: Receiver
) -> None:
    organization = await given_organization(database)
    admin = await signed_in_as(client, database, Role.admin, organization)
    manager = await signed_in_as(client, database, Role.manager, organization)
    staff = await signed_in_as(client, database, Role.staff, organization)
    other = await signed_in_as(
        client, database, Role.admin, await given_organization(database, "Other")
    )
    subscription = await subscribe(client, admin, receiver.url, ["lead.created"])
    receiver.statuses = [500]
    await emit(database, organization.id, "lead.created", lead_id=uuid.uuid4())
    await deliver_everything(database, settings)
    [delivery] = (await deliveries_of(client, admin, subscription["id"]))["items"]
    one = f"{DELIVERIES}/{delivery['id']}"
    listing = f"{SUBSCRIPTIONS}/{subscription['id']}/deliveries"

    assert (await client.get(listing)).status_code == 401
    assert (await client.get(listing, headers=staff.headers)).status_code == 403
    assert (await client.get(one, headers=manager.headers)).json() == delivery
    assert (await client.post(f"{one}/retry", headers=manager.headers)).status_code == 403
    test_ping = await client.post(
        f"{SUBSCRIPTIONS}/{subscription['id']}/test", headers=manager.headers
    )
    assert test_ping.status_code == 403
    assert (await client.get(one, headers=other.headers)).status_code == 404
    assert (await client.post(f"{one}/retry", headers=other.headers)).status_code == 404
    assert (await client.get(one, headers=admin.headers)).json() == delivery
    assert len(receiver.received) == 1
