"""An organization's own Stripe account (PUT /payments/provider) reports to its own endpoint,
signed with its own secret; that endpoint touches no other organization's bookings."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from maitred.kit.db import Database
from tests.factories import signed_in_as
from tests.payments.given import (
    DEPOSIT_MINOR,
    DEPOSIT_PAID,
    UNPAID,
    booking_of,
    given_pending_booking,
    intent_object,
    money,
    payments_of,
    post_event,
    stored_webhooks,
    stripe_event,
)
from tests.payments.stripe_api import ident

OWN_SECRET = "whsec_9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d"


async def given_own_stripe_account(
    client: httpx.AsyncClient, database: Database
) -> tuple[str, Any, dict[str, Any]]:
    """A pending booking of an organization that uses its own Stripe account: its endpoint's
    path, its manager and the booking."""
    book, manager, booking = await given_pending_booking(client, database)
    admin = await signed_in_as(client, database, "admin", book.organization)
    response = await client.put(
        "/api/v1/payments/provider",
        json={"api_key": "sk_test_51OwnAccountKey0000000000004242", "webhook_secret": OWN_SECRET},
        headers=admin.headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["webhook_path"] == f"/api/v1/webhooks/stripe/{book.organization.id}"
    return response.json()["webhook_path"], manager, booking


async def test_an_organizations_own_account_reports_to_its_own_endpoint(
    stripe_client: httpx.AsyncClient, database: Database
) -> None:
    path, manager, booking = await given_own_stripe_account(stripe_client, database)
    intent = intent_object(ident("pi_"), DEPOSIT_MINOR, {"booking_id": booking["id"]})

    response = await post_event(
        stripe_client,
        stripe_event("payment_intent.succeeded", intent),
        secret=OWN_SECRET,
        path=path,
    )

    assert response.json() == {"received": True, "accepted": 1}
    assert money(await booking_of(stripe_client, manager, booking["id"])) == DEPOSIT_PAID


async def test_the_instance_secret_is_refused_at_an_organizations_endpoint(
    stripe_client: httpx.AsyncClient, database: Database
) -> None:
    path, manager, booking = await given_own_stripe_account(stripe_client, database)
    intent = intent_object(ident("pi_"), DEPOSIT_MINOR, {"booking_id": booking["id"]})

    response = await post_event(
        stripe_client, stripe_event("payment_intent.succeeded", intent), path=path
    )

    assert response.status_code == 401, response.text
    assert response.json()["error"] == "unauthorized"
    assert await stored_webhooks(database) == []
    assert money(await booking_of(stripe_client, manager, booking["id"])) == UNPAID


async def test_an_organizations_endpoint_leaves_other_organizations_bookings_alone(
    stripe_client: httpx.AsyncClient, database: Database
) -> None:
    path, _, _ = await given_own_stripe_account(stripe_client, database)
    _, other_manager, other_booking = await given_pending_booking(stripe_client, database)
    intent = intent_object(ident("pi_"), DEPOSIT_MINOR, {"booking_id": other_booking["id"]})

    response = await post_event(
        stripe_client,
        stripe_event("payment_intent.succeeded", intent),
        secret=OWN_SECRET,
        path=path,
    )

    assert response.status_code == 200, response.text
    assert await payments_of(stripe_client, other_manager, other_booking["id"]) == []
    assert money(await booking_of(stripe_client, other_manager, other_booking["id"])) == UNPAID


async def test_an_endpoint_of_no_organization_is_404(
    stripe_client: httpx.AsyncClient, database: Database
) -> None:
    _, manager, booking = await given_pending_booking(stripe_client, database)
    intent = intent_object(ident("pi_"), DEPOSIT_MINOR, {"booking_id": booking["id"]})

    response = await post_event(
        stripe_client,
        stripe_event("payment_intent.succeeded", intent),
        path=f"/api/v1/webhooks/stripe/{uuid.uuid4()}",
    )

    assert response.status_code == 404, response.text
    assert response.json()["error"] == "not_found"
    assert await stored_webhooks(database) == []
    assert money(await booking_of(stripe_client, manager, booking["id"])) == UNPAID
