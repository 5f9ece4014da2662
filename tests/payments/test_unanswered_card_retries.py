"""A card request whose Stripe call went unanswered (502) is retried without charging twice,
with or without an Idempotency-Key, and a retry is checked against what the booking owes now."""

from __future__ import annotations

import httpx
import pytest

from maitred.kit.db import Database
from tests.messaging.providers.standin import Answer, Play, Recorded
from tests.payments import stripe_api
from tests.payments.calls import money_of, pay, payments_listed
from tests.payments.given import given_pending_booking
from tests.payments.stripe_api import StripeApi, StripeStandIn

pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")


def charges_but_answer_is_lost(account: StripeApi) -> Play:
    """Stripe makes what it is asked for, and the answer never reaches us."""

    def play(request: Recorded) -> Answer:
        account(request)
        return stripe_api.server_error()

    return play


async def test_a_retry_without_a_key_after_a_lost_answer_charges_once(
    stripe_client: httpx.AsyncClient,
    database: Database,
    stripe_account: StripeApi,
    stripe_stand_in: StripeStandIn,
) -> None:
    _, manager, booking = await given_pending_booking(stripe_client, database)
    card = {"method": "card", "stripe_token": "tok_visa"}
    stripe_stand_in.play = charges_but_answer_is_lost(stripe_account)

    unanswered = await pay(stripe_client, manager, booking["id"], 471.25, status=502, **card)
    stripe_stand_in.play = stripe_account
    retried = await pay(stripe_client, manager, booking["id"], 471.25, **card)

    assert unanswered["error"] == "external_api_error"
    (intent,) = stripe_account.intents.values()  # one charge at Stripe, not two
    assert (retried["status"], retried["provider_reference"]) == ("succeeded", intent["id"])
    assert [p["id"] for p in await payments_listed(stripe_client, manager)] == [retried["id"]]
    assert (await money_of(stripe_client, manager, booking["id"]))["amount_paid"] == 471.25
    keys = {r.headers["idempotency-key"] for r in stripe_stand_in.requests}
    assert len(keys) == 1


async def test_another_amount_without_a_key_is_a_payment_of_its_own(
    stripe_client: httpx.AsyncClient,
    database: Database,
    stripe_account: StripeApi,
    stripe_stand_in: StripeStandIn,
) -> None:
    """Only the same caller's same request (action, amount, purpose) is taken for a retry."""
    _, manager, booking = await given_pending_booking(stripe_client, database)
    stripe_stand_in.play = lambda _request: stripe_api.server_error()
    await pay(
        stripe_client,
        manager,
        booking["id"],
        100,
        status=502,
        method="card",
        stripe_token="tok_visa",
    )
    stripe_stand_in.play = stripe_account

    other = await pay(
        stripe_client, manager, booking["id"], 50, method="card", stripe_token="tok_visa"
    )

    assert other["amount"] == 50.0
    assert sorted(p["amount"] for p in await payments_listed(stripe_client, manager)) == [50, 100]
    assert len(stripe_account.intents) == 1


async def test_a_retry_with_another_card_after_a_lost_answer_is_refused(
    stripe_client: httpx.AsyncClient,
    database: Database,
    stripe_account: StripeApi,
    stripe_stand_in: StripeStandIn,
) -> None:
    """The first try may have charged the first card: a second card is not charged on top."""
    _, manager, booking = await given_pending_booking(stripe_client, database)
    stripe_stand_in.play = charges_but_answer_is_lost(stripe_account)
    await pay(
        stripe_client,
        manager,
        booking["id"],
        471.25,
        status=502,
        method="card",
        stripe_token="tok_visa",
    )
    stripe_stand_in.play = stripe_account

    refused = await pay(
        stripe_client,
        manager,
        booking["id"],
        471.25,
        status=409,
        method="card",
        stripe_token="tok_mastercard",
    )

    assert refused["error"] == "invalid_state"
    assert len(stripe_account.intents) == 1
    [payment] = await payments_listed(stripe_client, manager)
    assert (payment["status"], payment["provider_reference"]) == ("pending", None)
    assert (await money_of(stripe_client, manager, booking["id"]))["amount_paid"] == 0


async def test_a_keyed_retry_is_checked_against_what_is_owed_now(
    stripe_client: httpx.AsyncClient,
    database: Database,
    stripe_account: StripeApi,
    stripe_stand_in: StripeStandIn,
) -> None:
    """The card try went unanswered; staff took the whole amount in cash meanwhile; the
    client's retry with its key must not charge the card on top."""
    _, manager, booking = await given_pending_booking(stripe_client, database)
    card = {"method": "card", "stripe_token": "tok_visa", "key": "balance-BK-7"}
    stripe_stand_in.play = lambda _request: stripe_api.server_error()
    await pay(stripe_client, manager, booking["id"], 942.50, status=502, **card)
    stripe_stand_in.play = stripe_account
    await pay(stripe_client, manager, booking["id"], 942.50, method="cash")

    refused = await pay(stripe_client, manager, booking["id"], 942.50, status=422, **card)

    assert refused["error"] == "validation_error"
    assert "balance due" in refused["message"]
    assert stripe_account.intents == {}
    assert [r.path for r in stripe_stand_in.requests if r.path != "/v1/payment_intents"] == []
    after = await money_of(stripe_client, manager, booking["id"])
    assert (after["amount_paid"], after["balance_due"]) == (942.50, 0.0)
