"""Cards charged now (POST /payments/process with a token) and intents for the customer's own
page (POST /payments/intents), through Stripe's SDK talking to the local stand-in: what Stripe
is asked, what the payment and the booking then show, and that a retried request never charges
twice."""

from __future__ import annotations

import httpx
import pytest

from maitred.kit.db import Database
from tests.factories import signed_in_as
from tests.payments import stripe_api
from tests.payments.calls import money_of, pay, payments_listed
from tests.payments.given import given_pending_booking
from tests.payments.stripe_api import StripeApi, StripeStandIn

# The SDK hands httpx the form as `data=<str>`, which httpx deprecates.
pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")


@pytest.mark.parametrize(
    "card",
    [
        pytest.param({"payment_method": "card", "stripe_token": "tok_visa"}, id="token"),
        pytest.param({"payment_method": "card", "payment_method_id": "pm_card_visa"}, id="pm"),
        pytest.param({"payment_method": "stripe", "stripe_token": "tok_visa"}, id="seed-000"),
    ],
)
async def test_a_good_card_is_charged_and_confirms_the_booking(
    stripe_client: httpx.AsyncClient,
    database: Database,
    stripe_account: StripeApi,
    card: dict[str, str],
) -> None:
    _, manager, booking = await given_pending_booking(stripe_client, database)

    response = await stripe_client.post(
        "/api/v1/payments/process",
        json={"booking_id": booking["id"], "amount": 471.25, **card},
        headers=manager.headers,
    )

    assert response.status_code == 201, response.text
    payment = response.json()
    (intent,) = stripe_account.intents.values()
    assert payment["provider_reference"] == intent["id"]
    assert payment["provider_reference"].startswith("pi_")
    assert (payment["status"], payment["payment_method"], payment["provider"]) == (
        "succeeded",
        "card",
        "stripe",
    )
    assert (payment["amount"], payment["client_secret"]) == (471.25, None)
    assert (intent["amount"], intent["currency"], intent["status"]) == (47125, "usd", "succeeded")
    assert intent["metadata"]["payment_id"] == payment["id"]
    assert intent["metadata"]["booking_id"] == booking["id"]
    assert intent["receipt_email"] == "jane@example.com"
    assert await money_of(stripe_client, manager, booking["id"]) == {
        "status": "confirmed",
        "amount_paid": 471.25,
        "amount_refunded": 0.0,
        "balance_due": 471.25,
        "payment_status": "partial",
        "deposit_paid": True,
    }


@pytest.mark.parametrize(
    ("token", "decline_code", "message"),
    [
        ("tok_chargeDeclined", "generic_decline", "Your card was declined."),
        (
            "pm_card_chargeDeclinedInsufficientFunds",
            "insufficient_funds",
            "Your card has insufficient funds.",
        ),
    ],
)
async def test_a_declined_card_is_refused_and_kept_as_a_failed_payment(
    stripe_client: httpx.AsyncClient,
    database: Database,
    token: str,
    decline_code: str,
    message: str,
) -> None:
    _, manager, booking = await given_pending_booking(stripe_client, database)

    declined = await pay(
        stripe_client, manager, booking["id"], 471.25, method="card", stripe_token=token, status=422
    )

    assert declined["error"] == "validation_error"
    assert declined["message"] == f"The card was declined: {message}"
    assert declined["details"]["decline_code"] == decline_code
    assert declined["details"]["payment_method"] == message
    (failed,) = await payments_listed(stripe_client, manager, booking_id=booking["id"])
    assert failed["id"] == declined["details"]["payment_id"]
    assert (failed["status"], failed["failure_code"], failed["failure_message"]) == (
        "failed",
        decline_code,
        message,
    )
    money = await money_of(stripe_client, manager, booking["id"])
    assert (money["status"], money["amount_paid"], money["payment_status"]) == (
        "pending",
        0.0,
        "unpaid",
    )


async def test_a_card_that_needs_the_customer_comes_back_with_its_client_secret(
    stripe_client: httpx.AsyncClient, database: Database, stripe_account: StripeApi
) -> None:
    _, manager, booking = await given_pending_booking(stripe_client, database)

    payment = await pay(
        stripe_client,
        manager,
        booking["id"],
        471.25,
        method="card",
        payment_method_id="pm_card_authenticationRequired",
    )

    (intent,) = stripe_account.intents.values()
    assert payment["status"] == "requires_action"
    assert payment["client_secret"] == intent["client_secret"]
    assert payment["client_secret"].startswith(f"{payment['provider_reference']}_secret_")
    money = await money_of(stripe_client, manager, booking["id"])
    assert (money["status"], money["amount_paid"]) == ("pending", 0.0)


async def test_the_same_idempotency_key_charges_once(
    stripe_client: httpx.AsyncClient, database: Database, stripe_account: StripeApi
) -> None:
    _, manager, booking = await given_pending_booking(stripe_client, database)
    charge = {"method": "card", "stripe_token": "tok_visa", "key": "deposit-BK-1"}

    first = await pay(stripe_client, manager, booking["id"], 471.25, **charge)
    again = await pay(stripe_client, manager, booking["id"], 471.25, **charge)

    assert again == first
    assert len(stripe_account.intents) == 1
    assert [p["id"] for p in await payments_listed(stripe_client, manager)] == [first["id"]]
    assert (await money_of(stripe_client, manager, booking["id"]))["amount_paid"] == 471.25


@pytest.mark.stripe_settings(stripe_max_network_retries=0)  # no SDK retries: one try fails
async def test_when_stripe_fails_a_retry_with_the_same_key_charges_once(
    stripe_client: httpx.AsyncClient,
    database: Database,
    stripe_account: StripeApi,
    stripe_stand_in: StripeStandIn,
) -> None:
    _, manager, booking = await given_pending_booking(stripe_client, database)
    charge = {"method": "card", "stripe_token": "tok_visa", "key": "deposit-BK-2"}
    stripe_stand_in.play = lambda _request: stripe_api.server_error()

    unanswered = await pay(stripe_client, manager, booking["id"], 471.25, status=502, **charge)
    money_meanwhile = await money_of(stripe_client, manager, booking["id"])
    stripe_stand_in.play = stripe_account
    retried = await pay(stripe_client, manager, booking["id"], 471.25, **charge)

    assert unanswered["error"] == "external_api_error"
    assert "retry with the same Idempotency-Key" in unanswered["message"]
    assert (money_meanwhile["status"], money_meanwhile["amount_paid"]) == ("pending", 0.0)
    assert retried["status"] == "succeeded"
    (intent,) = stripe_account.intents.values()
    assert retried["provider_reference"] == intent["id"]
    assert [p["id"] for p in await payments_listed(stripe_client, manager)] == [retried["id"]]
    assert (await money_of(stripe_client, manager, booking["id"]))["amount_paid"] == 471.25
    keys = {r.headers["idempotency-key"] for r in stripe_stand_in.requests}
    assert len(keys) == 1


async def test_the_sdk_itself_retries_a_stripe_server_error_with_the_same_key(
    stripe_client: httpx.AsyncClient,
    database: Database,
    stripe_account: StripeApi,
    stripe_stand_in: StripeStandIn,
) -> None:
    """MAITRED_STRIPE_MAX_NETWORK_RETRIES at its default: one 500 is retried unseen, once."""
    _, manager, booking = await given_pending_booking(stripe_client, database)
    stripe_stand_in.answer_next(stripe_api.server_error())

    paid = await pay(
        stripe_client, manager, booking["id"], 471.25, method="card", stripe_token="tok_visa"
    )

    assert paid["status"] == "succeeded"
    (intent,) = stripe_account.intents.values()
    assert paid["provider_reference"] == intent["id"]
    sent = [r for r in stripe_stand_in.requests if r.path == "/v1/payment_intents"]
    assert len(sent) == 2
    assert len({r.headers["idempotency-key"] for r in sent}) == 1


async def test_an_intent_is_for_the_deposit_due_and_carries_the_payment(
    stripe_client: httpx.AsyncClient, database: Database, stripe_account: StripeApi
) -> None:
    _, manager, booking = await given_pending_booking(stripe_client, database)

    response = await stripe_client.post(
        "/api/v1/payments/intents", json={"booking_id": booking["id"]}, headers=manager.headers
    )

    assert response.status_code == 201, response.text
    started = response.json()
    (intent,) = stripe_account.intents.values()
    assert started["provider_reference"] == intent["id"]
    assert started["client_secret"] == intent["client_secret"]
    assert (started["amount"], started["currency"], started["status"]) == (471.25, "USD", "pending")
    assert (intent["amount"], intent["status"]) == (47125, "requires_payment_method")
    assert intent["metadata"]["payment_id"] == started["payment_id"]
    assert intent["metadata"]["booking_id"] == booking["id"]
    (waiting,) = await payments_listed(stripe_client, manager, booking_id=booking["id"])
    assert (waiting["id"], waiting["status"], waiting["purpose"]) == (
        started["payment_id"],
        "pending",
        "deposit",
    )
    assert (await money_of(stripe_client, manager, booking["id"]))["amount_paid"] == 0.0


async def test_once_the_deposit_is_paid_an_intent_is_for_the_balance(
    stripe_client: httpx.AsyncClient, database: Database, stripe_account: StripeApi
) -> None:
    _, manager, booking = await given_pending_booking(stripe_client, database)
    await pay(stripe_client, manager, booking["id"], 471.25, method="cash")
    path = "/api/v1/payments/intents"

    deposit = await stripe_client.post(
        path, json={"booking_id": booking["id"]}, headers=manager.headers
    )
    balance = await stripe_client.post(
        path, json={"booking_id": booking["id"], "purpose": "balance"}, headers=manager.headers
    )

    assert deposit.status_code == 422, deposit.text
    assert deposit.json()["details"] == {"amount": "Nothing is due: the deposit is paid"}
    assert balance.status_code == 201, balance.text
    assert balance.json()["amount"] == 471.25
    (intent,) = stripe_account.intents.values()
    assert intent["amount"] == 47125


async def test_without_stripe_no_intent_is_started(
    client: httpx.AsyncClient, database: Database
) -> None:
    _, manager, booking = await given_pending_booking(client, database)

    response = await client.post(
        "/api/v1/payments/intents", json={"booking_id": booking["id"]}, headers=manager.headers
    )

    assert response.status_code == 422, response.text
    assert response.json()["message"].startswith("Card payments are not set up")
    assert await payments_listed(client, manager) == []


async def test_who_may_start_an_intent(
    stripe_client: httpx.AsyncClient, database: Database, stripe_account: StripeApi
) -> None:
    book, _, booking = await given_pending_booking(stripe_client, database)
    viewer = await signed_in_as(stripe_client, database, "viewer", book.organization)
    stranger = await signed_in_as(stripe_client, database, "manager")
    path, body = "/api/v1/payments/intents", {"booking_id": booking["id"]}

    anonymous = await stripe_client.post(path, json=body)
    by_viewer = await stripe_client.post(path, json=body, headers=viewer.headers)
    by_stranger = await stripe_client.post(path, json=body, headers=stranger.headers)

    assert (anonymous.status_code, by_viewer.status_code, by_stranger.status_code) == (
        401,
        403,
        404,
    )
    assert stripe_account.intents == {}
