"""Cancelling an event: once, with `event.cancelled` in the outbox of the same transaction."""

from __future__ import annotations

import httpx
import pytest

from maitred.kit.db import Database
from maitred.kit.roles import Role
from tests.events.given import (
    EVENTS,
    forbidden,
    given_event,
    outbox_payloads,
    stored_event,
)
from tests.factories import signed_in_as
from tests.probe_router import error_of


async def test_cancelling_marks_the_event_and_emits_event_cancelled(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None
    event_id = await given_event(database, admin.organization)

    response = await client.post(
        f"{EVENTS}/{event_id}/cancel", json={"reason": " Teacher is ill "}, headers=admin.headers
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["status"], body["cancellation_reason"]) == ("cancelled", "Teacher is ill")
    assert body["cancelled_at"] is not None
    assert await outbox_payloads(database, "event.cancelled", admin.organization) == [
        {"event_id": str(event_id), "reason": "Teacher is ill"}
    ]
    event = await stored_event(database, event_id)
    assert event is not None
    assert (event.status, event.cancellation_reason) == ("cancelled", "Teacher is ill")
    assert event.cancelled_at is not None
    listed = await client.get(EVENTS, params={"status": "cancelled"}, headers=admin.headers)
    assert [e["id"] for e in listed.json()["items"]] == [str(event_id)]


async def test_a_cancel_without_a_body_has_no_reason(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None
    event_id = await given_event(database, admin.organization, status="draft")

    response = await client.post(f"{EVENTS}/{event_id}/cancel", headers=admin.headers)

    assert response.status_code == 200, response.text
    assert response.json()["cancellation_reason"] is None
    assert await outbox_payloads(database, "event.cancelled", admin.organization) == [
        {"event_id": str(event_id), "reason": None}
    ]


@pytest.mark.parametrize("first", ["cancel", "complete"])
async def test_a_cancelled_or_completed_event_cannot_be_cancelled(
    client: httpx.AsyncClient, database: Database, first: str
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None
    event_id = await given_event(database, admin.organization)
    if first == "cancel":
        done = await client.post(f"{EVENTS}/{event_id}/cancel", headers=admin.headers)
    else:
        done = await client.patch(
            f"{EVENTS}/{event_id}", json={"status": "completed"}, headers=admin.headers
        )
    assert done.status_code == 200
    status = "cancelled" if first == "cancel" else "completed"

    again = await client.post(
        f"{EVENTS}/{event_id}/cancel", json={"reason": "again"}, headers=admin.headers
    )

    assert again.status_code == 409
    assert error_of(again) == {
        "error": "invalid_state",
        "message": f"This event is {status}",
        "details": {"status": status},
    }
    emitted = await outbox_payloads(database, "event.cancelled", admin.organization)
    assert len(emitted) == (1 if first == "cancel" else 0)
    event = await stored_event(database, event_id)
    assert event is not None
    assert event.cancellation_reason is None


async def test_a_cancelled_event_cannot_be_reactivated(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None
    event_id = await given_event(database, admin.organization)
    await client.post(f"{EVENTS}/{event_id}/cancel", headers=admin.headers)

    response = await client.patch(
        f"{EVENTS}/{event_id}", json={"status": "active"}, headers=admin.headers
    )

    assert response.status_code == 409
    assert error_of(response)["error"] == "invalid_state"
    event = await stored_event(database, event_id)
    assert event is not None
    assert event.status == "cancelled"


async def test_a_customer_cannot_cancel_an_event(
    client: httpx.AsyncClient, database: Database
) -> None:
    customer = await signed_in_as(client, database, Role.customer)
    assert customer.organization is not None
    event_id = await given_event(database, customer.organization)

    response = await client.post(f"{EVENTS}/{event_id}/cancel", headers=customer.headers)

    assert response.status_code == 403
    assert error_of(response) == forbidden("events:write")
    assert await outbox_payloads(database, "event.cancelled", customer.organization) == []
    event = await stored_event(database, event_id)
    assert event is not None
    assert event.status == "active"
