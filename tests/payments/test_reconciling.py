"""Card payments still pending after MAITRED_PAYMENT_RECONCILE_AFTER_SECONDS are read back from
Stripe, so a webhook that never came loses nothing: an intent paid on the page, a Checkout page
paid, a charge whose answer was lost; and a try that never reached Stripe ends."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from maitred.config import Settings
from maitred.kit.db import Database
from tests.conftest import make_settings
from tests.factories import deliver_everything
from tests.messaging.providers.standin import Answer, Recorded
from tests.payments import stripe_api
from tests.payments.calls import money_of, pay, payments_listed
from tests.payments.given import DEPOSIT, checkout_link, given_pending_booking
from tests.payments.stripe_api import API_KEY, WEBHOOK_SECRET, StripeApi, StripeStandIn

pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")


def worker_settings(
    data_dir: Path, database_url: str, stand_in: StripeStandIn, after: float
) -> Settings:
    return make_settings(
        data_dir,
        database_url,
        stripe_api_key=API_KEY,
        stripe_webhook_secret=WEBHOOK_SECRET,
        stripe_api_base=stand_in.url,
        payment_reconcile_after_seconds=after,
    )


async def test_an_intent_paid_without_a_webhook_is_recorded_once_it_is_due(
    stripe_client: httpx.AsyncClient,
    database: Database,
    data_dir: Path,
    database_url: str,
    stripe_account: StripeApi,
    stripe_stand_in: StripeStandIn,
) -> None:
    _, manager, booking = await given_pending_booking(stripe_client, database)
    response = await stripe_client.post(
        "/api/v1/payments/intents", json={"booking_id": booking["id"]}, headers=manager.headers
    )
    assert response.status_code == 201, response.text
    started = response.json()
    stripe_account.customer_confirms(started["provider_reference"])

    await deliver_everything(
        database, worker_settings(data_dir, database_url, stripe_stand_in, 900)
    )
    not_yet = await money_of(stripe_client, manager, booking["id"])
    asked_early = [r for r in stripe_stand_in.requests if r.method == "GET"]
    await asyncio.sleep(0.2)
    await deliver_everything(
        database, worker_settings(data_dir, database_url, stripe_stand_in, 0.1)
    )

    assert (not_yet["status"], not_yet["amount_paid"]) == ("pending", 0.0)
    assert asked_early == []
    [payment] = await payments_listed(stripe_client, manager)
    assert (payment["status"], payment["provider_reference"]) == (
        "succeeded",
        started["provider_reference"],
    )
    after = await money_of(stripe_client, manager, booking["id"])
    assert (after["status"], after["amount_paid"]) == ("confirmed", DEPOSIT)


async def test_a_paid_checkout_page_without_a_webhook_is_recorded(
    stripe_client: httpx.AsyncClient,
    database: Database,
    data_dir: Path,
    database_url: str,
    stripe_account: StripeApi,
    stripe_stand_in: StripeStandIn,
) -> None:
    _, manager, booking = await given_pending_booking(stripe_client, database)
    link = await checkout_link(stripe_client, manager, booking["id"])
    [session_id] = stripe_account.sessions
    paid = stripe_account.customer_pays(session_id)

    await asyncio.sleep(0.2)
    await deliver_everything(
        database, worker_settings(data_dir, database_url, stripe_stand_in, 0.1)
    )

    [payment] = await payments_listed(stripe_client, manager)
    assert (payment["id"], payment["status"]) == (link["payment_id"], "succeeded")
    assert payment["provider_reference"] == paid["payment_intent"]
    assert (await money_of(stripe_client, manager, booking["id"]))["amount_paid"] == DEPOSIT


async def test_an_unanswered_charge_is_found_by_its_metadata_or_ends(
    stripe_client: httpx.AsyncClient,
    database: Database,
    data_dir: Path,
    database_url: str,
    stripe_account: StripeApi,
    stripe_stand_in: StripeStandIn,
) -> None:
    """Two bookings' card charges went unanswered: Stripe made the first (the answer was
    lost), never heard of the second. Neither webhook comes."""
    _, manager, charged = await given_pending_booking(stripe_client, database)
    _, other_manager, lost = await given_pending_booking(stripe_client, database)

    def charges_but_answer_is_lost(request: Recorded) -> Answer:
        stripe_account(request)
        return stripe_api.server_error()

    stripe_stand_in.play = charges_but_answer_is_lost
    card = {"method": "card", "stripe_token": "tok_visa"}
    await pay(stripe_client, manager, charged["id"], DEPOSIT, status=502, **card)
    stripe_stand_in.play = lambda _request: stripe_api.server_error()
    await pay(stripe_client, other_manager, lost["id"], DEPOSIT, status=502, **card)
    stripe_stand_in.play = stripe_account

    await asyncio.sleep(0.2)
    await deliver_everything(
        database, worker_settings(data_dir, database_url, stripe_stand_in, 0.1)
    )

    (intent,) = stripe_account.intents.values()
    [found] = await payments_listed(stripe_client, manager)
    assert (found["status"], found["provider_reference"]) == ("succeeded", intent["id"])
    assert (await money_of(stripe_client, manager, charged["id"]))["amount_paid"] == DEPOSIT
    [ended] = await payments_listed(stripe_client, other_manager)
    assert (ended["status"], ended["provider_reference"]) == ("cancelled", None)
    assert (await money_of(stripe_client, other_manager, lost["id"]))["amount_paid"] == 0
