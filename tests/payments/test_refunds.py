"""Giving back money of one payment (POST /payments/{id}/refund): in part or all that is left,
recorded for cash and sent through Stripe for cards; the booking's figures follow, and no more
than was paid ever goes back."""

from __future__ import annotations

import httpx
import pytest

from maitred.kit.db import Database
from tests.factories import signed_in_as
from tests.payments import stripe_api
from tests.payments.calls import money_of, pay, payments_listed, refund
from tests.payments.given import given_pending_booking
from tests.payments.stripe_api import StripeApi, StripeStandIn

pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")


async def test_a_cash_payment_is_given_back_in_part_then_in_full(
    client: httpx.AsyncClient, database: Database
) -> None:
    _, manager, booking = await given_pending_booking(client, database)
    payment = await pay(client, manager, booking["id"], 471.25, method="cash")

    part = await refund(client, manager, payment["id"], 100, reason="Smaller party")
    after_part = await money_of(client, manager, booking["id"])
    rest = await refund(client, manager, payment["id"])
    nothing_left = await refund(client, manager, payment["id"], status=422)

    assert (part["refund"]["amount"], part["refund"]["status"], part["refund"]["reason"]) == (
        100.0,
        "succeeded",
        "Smaller party",
    )
    assert part["payment"]["refunded_amount"] == 100.0
    assert after_part == {
        "status": "confirmed",
        "amount_paid": 471.25,
        "amount_refunded": 100.0,
        "balance_due": 571.25,
        "payment_status": "partial",
        "deposit_paid": False,
    }
    assert rest["refund"]["amount"] == 371.25
    assert rest["payment"]["refunded_amount"] == 471.25
    assert [r["amount"] for r in rest["payment"]["refunds"]] == [100.0, 371.25]
    assert nothing_left["details"] == {"amount": "Nothing is left to refund"}
    assert await money_of(client, manager, booking["id"]) == {
        "status": "confirmed",
        "amount_paid": 471.25,
        "amount_refunded": 471.25,
        "balance_due": 942.5,
        "payment_status": "refunded",
        "deposit_paid": False,
    }


async def test_more_than_is_left_is_refused_and_changes_nothing(
    client: httpx.AsyncClient, database: Database
) -> None:
    _, manager, booking = await given_pending_booking(client, database)
    payment = await pay(client, manager, booking["id"], 200, method="check")
    await refund(client, manager, payment["id"], 150)

    refused = await refund(client, manager, payment["id"], 50.01, status=422)

    assert refused["error"] == "validation_error"
    assert refused["details"] == {"amount": "50.01 is more than what is left to refund (50.00 USD)"}
    (listed,) = await payments_listed(client, manager, booking_id=booking["id"])
    assert (listed["refunded_amount"], len(listed["refunds"])) == (150.0, 1)
    money = await money_of(client, manager, booking["id"])
    assert (money["amount_refunded"], money["balance_due"]) == (150.0, 892.5)


async def test_a_card_payment_is_refunded_through_stripe(
    stripe_client: httpx.AsyncClient, database: Database, stripe_account: StripeApi
) -> None:
    _, manager, booking = await given_pending_booking(stripe_client, database)
    payment = await pay(
        stripe_client, manager, booking["id"], 471.25, method="card", stripe_token="tok_visa"
    )

    made = await refund(stripe_client, manager, payment["id"], 200, reason="Rain delay")

    (at_stripe,) = stripe_account.refunds.values()
    assert made["refund"]["provider_reference"] == at_stripe["id"]
    assert made["refund"]["status"] == "succeeded"
    assert (at_stripe["amount"], at_stripe["payment_intent"]) == (
        20000,
        payment["provider_reference"],
    )
    assert at_stripe["metadata"]["refund_id"] == made["refund"]["id"]
    assert at_stripe["metadata"]["booking_id"] == booking["id"]
    assert made["payment"]["refunded_amount"] == 200.0
    money = await money_of(stripe_client, manager, booking["id"])
    assert (money["amount_refunded"], money["balance_due"], money["payment_status"]) == (
        200.0,
        671.25,
        "partial",
    )


@pytest.mark.stripe_settings(stripe_max_network_retries=0)  # no SDK retries: one try fails
async def test_when_stripe_fails_the_refund_can_be_asked_for_again(
    stripe_client: httpx.AsyncClient,
    database: Database,
    stripe_account: StripeApi,
    stripe_stand_in: StripeStandIn,
) -> None:
    _, manager, booking = await given_pending_booking(stripe_client, database)
    payment = await pay(
        stripe_client, manager, booking["id"], 471.25, method="card", stripe_token="tok_visa"
    )
    stripe_stand_in.play = lambda _request: stripe_api.server_error()

    unanswered = await refund(stripe_client, manager, payment["id"], 471.25, status=502)
    stripe_stand_in.play = stripe_account
    again = await refund(stripe_client, manager, payment["id"], 471.25)

    assert unanswered["error"] == "external_api_error"
    (at_stripe,) = stripe_account.refunds.values()
    assert again["refund"]["provider_reference"] == at_stripe["id"]
    assert at_stripe["amount"] == 47125
    assert [r["status"] for r in again["payment"]["refunds"]] == ["succeeded"]
    sent = [r for r in stripe_stand_in.requests if r.path == "/v1/refunds"]
    assert len(sent) == 2  # the failed try, and the one asked for again
    assert len({r.headers["idempotency-key"] for r in sent}) == 1
    assert (await money_of(stripe_client, manager, booking["id"]))["amount_refunded"] == 471.25


async def test_a_declined_card_payment_has_nothing_to_refund(
    stripe_client: httpx.AsyncClient, database: Database, stripe_account: StripeApi
) -> None:
    _, manager, booking = await given_pending_booking(stripe_client, database)
    declined = await pay(
        stripe_client,
        manager,
        booking["id"],
        471.25,
        method="card",
        stripe_token="tok_chargeDeclined",
        status=422,
    )

    refused = await refund(stripe_client, manager, declined["details"]["payment_id"], status=409)

    assert refused["error"] == "invalid_state"
    assert stripe_account.refunds == {}


async def test_who_may_give_money_back(client: httpx.AsyncClient, database: Database) -> None:
    book, manager, booking = await given_pending_booking(client, database)
    payment = await pay(client, manager, booking["id"], 471.25, method="cash")
    staff = await signed_in_as(client, database, "staff", book.organization)
    viewer = await signed_in_as(client, database, "viewer", book.organization)
    stranger = await signed_in_as(client, database, "manager")

    anonymous = await client.post(f"/api/v1/payments/{payment['id']}/refund", json={})
    by_staff = await refund(client, staff, payment["id"], 50, status=403)
    await refund(client, viewer, payment["id"], 50, status=403)
    await refund(client, stranger, payment["id"], 50, status=404)

    assert anonymous.status_code == 401
    assert by_staff["error"] == "forbidden"
    assert (await money_of(client, manager, booking["id"]))["amount_refunded"] == 0.0
    (listed,) = await payments_listed(client, manager)
    assert listed["refunds"] == []
