"""Stripe's events in any order, or at the same time: the booking ends up where the story says,
each payment counted once and announced once. Refunds: test_stripe_webhook_refunds.py."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from maitred.kit.db import Database
from tests.bookings.given import events_named
from tests.payments.given import (
    DEPOSIT,
    DEPOSIT_MINOR,
    TOTAL,
    booking_of,
    charge_refunded,
    checkout_link,
    checkout_object,
    given_pending_booking,
    intent_declined,
    intent_succeeded,
    money,
    payments_of,
    post_all,
    post_event,
    refund_object,
    refunds_announced,
    stripe_event,
)
from tests.payments.stripe_api import StripeApi, ident


@pytest.mark.parametrize("listed", [True, False], ids=["refunds listed", "refunds left out"])
@pytest.mark.parametrize("refund_first", [True, False], ids=["refund first", "payment first"])
async def test_a_partial_refund_and_its_payment_in_either_order_count_once(
    stripe_client: httpx.AsyncClient, database: Database, listed: bool, refund_first: bool
) -> None:
    _, manager, booking = await given_pending_booking(stripe_client, database)
    ours = {"booking_id": booking["id"]}
    intent_id = ident("pi_")
    refund = refund_object(ident("re_"), intent_id, 10000)
    events = [
        intent_succeeded(intent_id, DEPOSIT_MINOR, ours),
        charge_refunded(intent_id, DEPOSIT_MINOR, ours, 10000, [refund] if listed else None),
    ]

    await post_all(stripe_client, *(reversed(events) if refund_first else events))

    [payment] = await payments_of(stripe_client, manager, booking["id"])
    assert (payment["status"], payment["amount"], payment["refunded_amount"]) == (
        "succeeded",
        DEPOSIT,
        100.0,
    )
    # The deposit was paid before part of it went back: confirmed whichever event came first.
    assert money(await booking_of(stripe_client, manager, booking["id"])) == {
        "status": "confirmed",
        "amount_paid": DEPOSIT,
        "amount_refunded": 100.0,
        "balance_due": TOTAL - DEPOSIT + 100,
        "deposit_paid": False,
        "payment_status": "partial",
    }
    assert len(await events_named(database, "payment.completed")) == 1
    assert await refunds_announced(database) == [("100.00", "100.00")]


async def test_a_late_decline_does_not_undo_a_success(
    stripe_client: httpx.AsyncClient, database: Database
) -> None:
    _, manager, booking = await given_pending_booking(stripe_client, database)
    ours = {"booking_id": booking["id"]}
    intent_id = ident("pi_")

    await post_all(
        stripe_client,
        intent_succeeded(intent_id, DEPOSIT_MINOR, ours),
        intent_declined(intent_id, DEPOSIT_MINOR, ours),
    )

    [payment] = await payments_of(stripe_client, manager, booking["id"])
    assert (payment["status"], payment["failure_code"]) == ("succeeded", None)
    after = await booking_of(stripe_client, manager, booking["id"])
    assert (after["status"], after["amount_paid"]) == ("confirmed", DEPOSIT)
    assert await events_named(database, "payment.failed") == []


async def test_another_card_on_a_declined_intent_pays(
    stripe_client: httpx.AsyncClient, database: Database
) -> None:
    _, manager, booking = await given_pending_booking(stripe_client, database)
    ours = {"booking_id": booking["id"]}
    intent_id = ident("pi_")
    await post_all(stripe_client, intent_declined(intent_id, DEPOSIT_MINOR, ours))
    [payment] = await payments_of(stripe_client, manager, booking["id"])
    assert (payment["status"], payment["failure_code"]) == ("failed", "insufficient_funds")
    declined = await booking_of(stripe_client, manager, booking["id"])
    assert (declined["status"], declined["amount_paid"]) == ("pending", 0)

    await post_all(stripe_client, intent_succeeded(intent_id, DEPOSIT_MINOR, ours))

    [payment] = await payments_of(stripe_client, manager, booking["id"])
    assert (payment["status"], payment["failure_code"]) == ("succeeded", None)
    after = await booking_of(stripe_client, manager, booking["id"])
    assert (after["status"], after["amount_paid"]) == ("confirmed", DEPOSIT)
    assert len(await events_named(database, "payment.failed")) == 1
    assert len(await events_named(database, "payment.completed")) == 1


async def test_the_same_event_delivered_twice_at_once_counts_once(
    stripe_client: httpx.AsyncClient, database: Database
) -> None:
    """Stripe retries an event whose first delivery is still being handled."""
    _, manager, booking = await given_pending_booking(stripe_client, database)
    event = intent_succeeded(ident("pi_"), DEPOSIT_MINOR, {"booking_id": booking["id"]})

    responses = await asyncio.gather(*(post_event(stripe_client, event) for _ in range(2)))

    assert [r.status_code for r in responses] == [200, 200], [r.text for r in responses]
    assert sorted(r.json()["accepted"] for r in responses) == [0, 1]
    assert len(await payments_of(stripe_client, manager, booking["id"])) == 1
    assert (await booking_of(stripe_client, manager, booking["id"]))["amount_paid"] == DEPOSIT
    assert len(await events_named(database, "payment.completed")) == 1


async def test_two_reports_of_one_new_payment_at_once_count_once(
    stripe_client: httpx.AsyncClient, database: Database
) -> None:
    """An intent made outside maitred (seed 000): neither event finds a payment of ours yet."""
    _, manager, booking = await given_pending_booking(stripe_client, database)
    ours = {"booking_id": booking["id"]}
    intent_id = ident("pi_")

    responses = await asyncio.gather(
        post_event(stripe_client, intent_succeeded(intent_id, DEPOSIT_MINOR, ours)),
        post_event(stripe_client, intent_succeeded(intent_id, DEPOSIT_MINOR, ours)),
    )

    assert [r.status_code for r in responses] == [200, 200], [r.text for r in responses]
    [payment] = await payments_of(stripe_client, manager, booking["id"])
    assert (payment["status"], payment["amount"]) == ("succeeded", DEPOSIT)
    after = await booking_of(stripe_client, manager, booking["id"])
    assert (after["status"], after["amount_paid"]) == ("confirmed", DEPOSIT)
    assert len(await events_named(database, "payment.completed")) == 1


async def test_a_refund_and_its_payment_reported_at_once_count_once(
    stripe_client: httpx.AsyncClient, database: Database
) -> None:
    _, manager, booking = await given_pending_booking(stripe_client, database)
    ours = {"booking_id": booking["id"]}
    intent_id = ident("pi_")
    refund = refund_object(ident("re_"), intent_id, 10000)

    responses = await asyncio.gather(
        post_event(stripe_client, intent_succeeded(intent_id, DEPOSIT_MINOR, ours)),
        post_event(stripe_client, charge_refunded(intent_id, DEPOSIT_MINOR, ours, 10000, [refund])),
        post_event(stripe_client, stripe_event("refund.created", refund)),
    )

    assert [r.status_code for r in responses] == [200, 200, 200], [r.text for r in responses]
    [payment] = await payments_of(stripe_client, manager, booking["id"])
    assert (payment["amount"], payment["refunded_amount"]) == (DEPOSIT, 100.0)
    after = await booking_of(stripe_client, manager, booking["id"])
    assert (after["amount_paid"], after["amount_refunded"]) == (DEPOSIT, 100.0)
    assert len(await events_named(database, "payment.completed")) == 1
    assert await refunds_announced(database) == [("100.00", "100.00")]


async def test_a_checkout_and_its_intent_reported_at_once_count_once(
    stripe_client: httpx.AsyncClient, database: Database, stripe_account: StripeApi
) -> None:
    _, manager, booking = await given_pending_booking(stripe_client, database)
    link = await checkout_link(stripe_client, manager, booking["id"])
    [(session_id, session)] = stripe_account.sessions.items()
    intent_id = ident("pi_")
    completed = checkout_object(session_id, intent_id, DEPOSIT_MINOR, session["metadata"])
    intent_metadata = session["payment_intent_data"]["metadata"]

    responses = await asyncio.gather(
        post_event(stripe_client, stripe_event("checkout.session.completed", completed)),
        post_event(stripe_client, intent_succeeded(intent_id, DEPOSIT_MINOR, intent_metadata)),
    )

    assert [r.status_code for r in responses] == [200, 200], [r.text for r in responses]
    [payment] = await payments_of(stripe_client, manager, booking["id"])
    assert (payment["id"], payment["status"], payment["amount"]) == (
        link["payment_id"],
        "succeeded",
        DEPOSIT,
    )
    assert (await booking_of(stripe_client, manager, booking["id"]))["amount_paid"] == DEPOSIT
    assert len(await events_named(database, "payment.completed")) == 1
