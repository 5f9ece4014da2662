"""A receiver that keeps failing: retries back off over about a day, then the delivery fails
and the subscription is flagged until re-activated; deliveries can be sent again by hand, and a
test ping checks a receiver."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import httpx

from maitred.config import Settings
from maitred.kit.db import Database
from maitred.kit.roles import Role
from maitred.webhooks.delivering import MAX_ATTEMPTS, RETRY_DELAYS
from tests.factories import Actor, deliver_everything, given_organization, signed_in_as
from tests.probe_router import error_of
from tests.webhooks.given import (
    DELIVERIES,
    SUBSCRIPTIONS,
    deliveries_of,
    emit,
    seed_signature_ok,
    standard_signature_ok,
    subscribe,
    time_passes,
)
from tests.webhooks.receiver import Receiver


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value)


async def _only_delivery(client: httpx.AsyncClient, admin: Actor, subscription_id: str) -> dict:  # type: ignore[type-arg]
    [delivery] = (await deliveries_of(client, admin, subscription_id))["items"]
    return delivery  # type: ignore[no-any-return]


async def test_a_failing_receiver_is_retried_for_a_day_then_the_subscription_is_flagged(
    client: httpx.AsyncClient, database: Database, settings: Settings, receiver: Receiver
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    subscription = await subscribe(client, admin, receiver.url, ["lead.created"])
    assert admin.organization is not None
    receiver.statuses, receiver.answer = [500], b"down for maintenance"
    event_id = await emit(database, admin.organization.id, "lead.created", lead_id=uuid.uuid4())

    waits = []
    await deliver_everything(database, settings)
    for attempt in range(1, MAX_ATTEMPTS):
        delivery = await _only_delivery(client, admin, subscription["id"])
        assert {k: delivery[k] for k in ("status", "attempts", "response_status", "error")} == {
            "status": "pending",
            "attempts": attempt,
            "response_status": 500,
            "error": "The receiver answered HTTP 500",
        }
        assert delivery["response_body"] == "down for maintenance"
        waits.append(_at(delivery["next_attempt_at"]) - _at(delivery["updated_at"]))
        await time_passes(database)
        await deliver_everything(database, settings)

    for wait, expected in zip(waits, RETRY_DELAYS, strict=True):
        assert abs(wait - expected) < timedelta(seconds=2)
    assert timedelta(hours=23) < sum(RETRY_DELAYS, timedelta()) < timedelta(hours=25)
    failed = await _only_delivery(client, admin, subscription["id"])
    assert (failed["status"], failed["attempts"], failed["next_attempt_at"]) == (
        "failed",
        MAX_ATTEMPTS,
        None,
    )
    assert len(receiver.received) == MAX_ATTEMPTS
    assert {r.body for r in receiver.received} == {receiver.received[0].body}
    assert {r.headers["webhook-id"] for r in receiver.received} == {event_id}
    flagged = (
        await client.get(f"{SUBSCRIPTIONS}/{subscription['id']}", headers=admin.headers)
    ).json()
    assert flagged["active"] is True
    assert flagged["flagged_at"] is not None
    assert flagged["flag_reason"] == (
        "lead.created failed 10 times over about a day; "
        "the last error: The receiver answered HTTP 500"
    )

    # Flagged: new events are not queued, and a retry by hand is refused until re-activated.
    await emit(database, admin.organization.id, "lead.created", lead_id=uuid.uuid4())
    await deliver_everything(database, settings)
    refused = await client.post(f"{DELIVERIES}/{failed['id']}/retry", headers=admin.headers)
    assert refused.status_code == 409
    assert error_of(refused) == {
        "error": "invalid_state",
        "message": "The subscription is inactive or flagged; "
        "re-activate it with PATCH active: true",
        "details": {"subscription_id": subscription["id"]},
    }
    assert len((await deliveries_of(client, admin, subscription["id"]))["items"]) == 1

    receiver.statuses = [200]
    reactivated = await client.patch(
        f"{SUBSCRIPTIONS}/{subscription['id']}", json={"active": True}, headers=admin.headers
    )
    assert (reactivated.json()["flagged_at"], reactivated.json()["flag_reason"]) == (None, None)
    retried = await client.post(f"{DELIVERIES}/{failed['id']}/retry", headers=admin.headers)
    assert retried.status_code == 202, retried.text
    assert (retried.json()["status"], retried.json()["attempts"]) == ("pending", 0)
    await emit(database, admin.organization.id, "lead.created", lead_id=uuid.uuid4())
    await deliver_everything(database, settings)
    statuses = [
        d["status"] for d in (await deliveries_of(client, admin, subscription["id"]))["items"]
    ]
    assert statuses == ["succeeded", "succeeded"]
    assert len(receiver.received) == MAX_ATTEMPTS + 2


async def test_a_pending_delivery_is_sent_again_now_and_a_delivered_one_is_not(
    client: httpx.AsyncClient, database: Database, settings: Settings, receiver: Receiver
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    other = await signed_in_as(
        client, database, Role.admin, await given_organization(database, "Other")
    )
    subscription = await subscribe(client, admin, receiver.url, ["lead.created"])
    assert admin.organization is not None
    receiver.statuses = [503, 200]
    await emit(database, admin.organization.id, "lead.created", lead_id=uuid.uuid4())
    await deliver_everything(database, settings)
    waiting = await _only_delivery(client, admin, subscription["id"])
    path = f"{DELIVERIES}/{waiting['id']}/retry"

    theirs = await client.post(path, headers=other.headers)
    retried = await client.post(path, headers=admin.headers)
    await deliver_everything(database, settings)
    again = await client.post(path, headers=admin.headers)
    unknown = await client.post(f"{DELIVERIES}/{uuid.uuid4()}/retry", headers=admin.headers)

    assert theirs.status_code == 404
    assert retried.status_code == 202
    assert retried.json()["attempts"] == 1
    assert _at(retried.json()["next_attempt_at"]) < _at(waiting["next_attempt_at"])
    assert [r.headers["webhook-id"] for r in receiver.received] == [waiting["event_id"]] * 2
    assert again.status_code == 409
    assert error_of(again) == {
        "error": "invalid_state",
        "message": "A succeeded delivery is not sent again",
        "details": {"status": "succeeded"},
    }
    assert unknown.status_code == 404
    delivered = (await client.get(f"{DELIVERIES}/{waiting['id']}", headers=admin.headers)).json()
    assert (delivered["status"], delivered["attempts"]) == ("succeeded", 2)


async def test_a_test_ping_is_signed_and_sent_once(
    client: httpx.AsyncClient, database: Database, settings: Settings, receiver: Receiver
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    subscription = await subscribe(client, admin, receiver.url, ["lead.created"], active=False)
    path = f"{SUBSCRIPTIONS}/{subscription['id']}/test"

    queued = await client.post(path, headers=admin.headers)
    await deliver_everything(database, settings)
    receiver.statuses = [500]
    failing = await client.post(path, headers=admin.headers)
    await deliver_everything(database, settings)

    assert queued.status_code == 202, queued.text
    ping = queued.json()
    assert (ping["event_name"], ping["status"], ping["attempts"]) == ("webhook.test", "pending", 0)
    assert ping["payload"]["data"] == {
        "subscription_id": subscription["id"],
        "message": "A test event from maitred: your endpoint is reachable.",
    }
    first, second = receiver.received
    assert first.headers["webhook-id"] == ping["event_id"]
    assert standard_signature_ok(first.headers, first.body, subscription["secret"])
    assert seed_signature_ok(first.body, subscription["secret"])
    sent = (await client.get(f"{DELIVERIES}/{ping['id']}", headers=admin.headers)).json()
    assert (sent["status"], sent["response_status"]) == ("succeeded", 204)
    failed = (
        await client.get(f"{DELIVERIES}/{failing.json()['id']}", headers=admin.headers)
    ).json()
    assert (failed["status"], failed["attempts"], failed["error"]) == (
        "failed",
        1,
        "The receiver answered HTTP 500",
    )
    unflagged = (
        await client.get(f"{SUBSCRIPTIONS}/{subscription['id']}", headers=admin.headers)
    ).json()
    assert unflagged["flagged_at"] is None


async def test_events_queued_before_a_pause_are_not_sent_after_it(
    client: httpx.AsyncClient, database: Database, settings: Settings, receiver: Receiver
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    subscription = await subscribe(client, admin, receiver.url, ["lead.created"])
    assert admin.organization is not None
    receiver.statuses = [500]
    await emit(database, admin.organization.id, "lead.created", lead_id=uuid.uuid4())
    await deliver_everything(database, settings)

    await client.patch(
        f"{SUBSCRIPTIONS}/{subscription['id']}", json={"active": False}, headers=admin.headers
    )
    await time_passes(database)
    await deliver_everything(database, settings)

    assert len(receiver.received) == 1
    delivery = await _only_delivery(client, admin, subscription["id"])
    assert (delivery["status"], delivery["error"]) == (
        "failed",
        "Not sent: the subscription is inactive or flagged",
    )
    flags = (
        await client.get(f"{SUBSCRIPTIONS}/{subscription['id']}", headers=admin.headers)
    ).json()
    assert flags["flagged_at"] is None
