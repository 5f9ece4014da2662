"""Stripe's webhook through HTTP: only events Stripe signed are believed, each counts once, and
a paid deposit shows on the booking. Order and concurrency: test_stripe_webhook_order.py;
refunds: test_stripe_webhook_refunds.py; organizations' own accounts:
test_stripe_webhook_accounts.py."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from maitred.kit.db import Database
from tests.bookings.given import events_named
from tests.payments.given import (
    DEPOSIT,
    DEPOSIT_MINOR,
    DEPOSIT_PAID,
    UNPAID,
    booking_of,
    checkout_link,
    checkout_object,
    given_pending_booking,
    intent_object,
    money,
    payments_of,
    post_event,
    stored_webhooks,
    stripe_event,
)
from tests.payments.stripe_api import WEBHOOK_SECRET, StripeApi, ident
from tests.payments.stripe_signing import signed_event

Signing = Callable[[dict[str, Any]], tuple[bytes, str | None]]


def wrong_secret(event: dict[str, Any]) -> tuple[bytes, str | None]:
    return signed_event("whsec_0000000000000000000000000000000a", event)


def tampered(event: dict[str, Any]) -> tuple[bytes, str | None]:
    """Signed for a deposit, then changed to say the whole total was paid."""
    payload, header = signed_event(WEBHOOK_SECRET, event)
    return payload.replace(str(DEPOSIT_MINOR).encode(), b"94250"), header


def too_old(event: dict[str, Any]) -> tuple[bytes, str | None]:
    """Signed six minutes ago: a replay of a captured request, past Stripe's 5-minute window."""
    return signed_event(WEBHOOK_SECRET, event, timestamp=int(time.time()) - 6 * 60)


def unsigned(event: dict[str, Any]) -> tuple[bytes, str | None]:
    return json.dumps(event).encode(), None


@pytest.mark.parametrize("path", ["/api/v1/webhooks/stripe", "/api/stripe/webhook"])
@pytest.mark.parametrize("signing", [wrong_secret, tampered, too_old, unsigned])
async def test_an_event_stripe_did_not_sign_is_refused_and_changes_nothing(
    stripe_client: httpx.AsyncClient, database: Database, path: str, signing: Signing
) -> None:
    _, manager, booking = await given_pending_booking(stripe_client, database)
    intent = intent_object(ident("pi_"), DEPOSIT_MINOR, {"booking_id": booking["id"]})
    payload, header = signing(stripe_event("payment_intent.succeeded", intent))

    headers = {"Content-Type": "application/json"} | (
        {"Stripe-Signature": header} if header else {}
    )
    response = await stripe_client.post(path, content=payload, headers=headers)

    assert response.status_code == 401, response.text
    assert response.json()["error"] == "unauthorized"
    assert await stored_webhooks(database) == []
    assert await payments_of(stripe_client, manager, booking["id"]) == []
    assert money(await booking_of(stripe_client, manager, booking["id"])) == UNPAID


@pytest.mark.parametrize("path", ["/api/v1/webhooks/stripe", "/api/stripe/webhook"])
async def test_a_paid_intent_records_the_deposit_and_confirms_the_booking(
    stripe_client: httpx.AsyncClient, database: Database, path: str
) -> None:
    _, manager, booking = await given_pending_booking(stripe_client, database)
    intent_id = ident("pi_")
    intent = intent_object(intent_id, DEPOSIT_MINOR, {"booking_id": booking["id"]})

    response = await post_event(
        stripe_client, stripe_event("payment_intent.succeeded", intent), path=path
    )

    assert response.status_code == 200, response.text
    assert response.json() == {"received": True, "accepted": 1}
    [payment] = await payments_of(stripe_client, manager, booking["id"])
    assert (
        payment["status"],
        payment["payment_method"],
        payment["amount"],
        payment["provider_reference"],
    ) == ("succeeded", "card", DEPOSIT, intent_id)
    assert money(await booking_of(stripe_client, manager, booking["id"])) == DEPOSIT_PAID


async def test_seed_000s_example_event_is_recorded_once(
    stripe_client: httpx.AsyncClient, database: Database
) -> None:
    """Seed 000's example: no event id (it is known by its payload's hash), an intent with only
    an amount, a currency and the booking."""
    _, manager, booking = await given_pending_booking(stripe_client, database)
    intent_id = ident("pi_")
    event = {
        "type": "payment_intent.succeeded",
        "data": {
            "object": {
                "id": intent_id,
                "amount": DEPOSIT_MINOR,
                "currency": "usd",
                "metadata": {"booking_id": booking["id"]},
            }
        },
    }

    first = await post_event(stripe_client, event, path="/api/stripe/webhook")
    again = await post_event(stripe_client, event, path="/api/stripe/webhook")

    assert [first.json()["accepted"], again.json()["accepted"]] == [1, 0]
    [payment] = await payments_of(stripe_client, manager, booking["id"])
    assert (payment["provider_reference"], payment["amount"]) == (intent_id, DEPOSIT)
    assert money(await booking_of(stripe_client, manager, booking["id"])) == DEPOSIT_PAID


async def test_the_same_event_delivered_again_counts_once(
    stripe_client: httpx.AsyncClient, database: Database
) -> None:
    _, manager, booking = await given_pending_booking(stripe_client, database)
    intent = intent_object(ident("pi_"), DEPOSIT_MINOR, {"booking_id": booking["id"]})
    event = stripe_event("payment_intent.succeeded", intent)
    await post_event(stripe_client, event)

    again = await post_event(stripe_client, event)

    assert again.status_code == 200, again.text
    assert again.json() == {"received": True, "accepted": 0}
    assert await stored_webhooks(database) == [(event["id"], "payment_intent.succeeded")]
    assert len(await payments_of(stripe_client, manager, booking["id"])) == 1
    assert money(await booking_of(stripe_client, manager, booking["id"])) == DEPOSIT_PAID
    assert len(await events_named(database, "payment.completed")) == 1


async def test_the_same_success_told_by_another_event_counts_once(
    stripe_client: httpx.AsyncClient, database: Database
) -> None:
    _, manager, booking = await given_pending_booking(stripe_client, database)
    intent = intent_object(ident("pi_"), DEPOSIT_MINOR, {"booking_id": booking["id"]})
    await post_event(stripe_client, stripe_event("payment_intent.succeeded", intent))

    other = await post_event(stripe_client, stripe_event("payment_intent.succeeded", intent))

    assert other.json() == {"received": True, "accepted": 1}
    assert len(await stored_webhooks(database)) == 2
    [payment] = await payments_of(stripe_client, manager, booking["id"])
    assert payment["amount"] == DEPOSIT
    assert money(await booking_of(stripe_client, manager, booking["id"])) == DEPOSIT_PAID
    assert len(await events_named(database, "payment.completed")) == 1


async def test_a_completed_checkout_pays_the_links_payment(
    stripe_client: httpx.AsyncClient, database: Database, stripe_account: StripeApi
) -> None:
    _, manager, booking = await given_pending_booking(stripe_client, database)
    link = await checkout_link(stripe_client, manager, booking["id"])
    [(session_id, session)] = stripe_account.sessions.items()
    intent_id = ident("pi_")
    completed = checkout_object(session_id, intent_id, DEPOSIT_MINOR, session["metadata"])

    response = await post_event(
        stripe_client, stripe_event("checkout.session.completed", completed)
    )

    assert response.json() == {"received": True, "accepted": 1}
    [payment] = await payments_of(stripe_client, manager, booking["id"])
    assert (payment["id"], payment["status"], payment["provider_reference"]) == (
        link["payment_id"],
        "succeeded",
        intent_id,
    )
    assert payment["checkout_url"] is None  # paid: the link is not offered any more
    assert money(await booking_of(stripe_client, manager, booking["id"])) == DEPOSIT_PAID


async def test_a_checkout_and_its_intent_both_reported_count_once(
    stripe_client: httpx.AsyncClient, database: Database, stripe_account: StripeApi
) -> None:
    """Stripe sends checkout.session.completed and the page's payment_intent.succeeded (whose
    metadata is the session's payment_intent_data), in either order."""
    _, manager, booking = await given_pending_booking(stripe_client, database)
    link = await checkout_link(stripe_client, manager, booking["id"])
    [(session_id, session)] = stripe_account.sessions.items()
    intent_id = ident("pi_")
    intent_metadata = session["payment_intent_data"]["metadata"]

    await post_event(
        stripe_client,
        stripe_event(
            "payment_intent.succeeded", intent_object(intent_id, DEPOSIT_MINOR, intent_metadata)
        ),
    )
    await post_event(
        stripe_client,
        stripe_event(
            "checkout.session.completed",
            checkout_object(session_id, intent_id, DEPOSIT_MINOR, session["metadata"]),
        ),
    )

    [payment] = await payments_of(stripe_client, manager, booking["id"])
    assert (payment["id"], payment["status"]) == (link["payment_id"], "succeeded")
    assert money(await booking_of(stripe_client, manager, booking["id"])) == DEPOSIT_PAID
    [completed] = await events_named(database, "payment.completed")
    assert (completed["payment_id"], completed["amount"]) == (link["payment_id"], "471.25")


async def test_a_subscription_event_is_kept_and_changes_nothing(
    stripe_client: httpx.AsyncClient, database: Database
) -> None:
    _, manager, booking = await given_pending_booking(stripe_client, database)
    subscription = {
        "id": ident("sub_"),
        "object": "subscription",
        "customer": ident("cus_"),
        "status": "active",
        "metadata": {"booking_id": booking["id"]},
    }
    event = stripe_event("customer.subscription.created", subscription)

    response = await post_event(stripe_client, event)

    assert response.json() == {"received": True, "accepted": 1}
    assert await stored_webhooks(database) == [(event["id"], "customer.subscription.created")]
    assert await payments_of(stripe_client, manager, booking["id"]) == []
    assert money(await booking_of(stripe_client, manager, booking["id"])) == UNPAID
