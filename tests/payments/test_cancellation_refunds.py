"""The cancellation policy (tiers of notice in the payments settings) and the refund it proposes
for a whole booking (GET /payments/bookings/{id}/refund-proposal), which staff confirm or change
(POST /payments/bookings/{id}/refund)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from maitred.kit.db import Database
from tests.factories import Actor, signed_in_as
from tests.payments.calls import change_settings, money_of, pay, payments_listed
from tests.payments.given import given_pending_booking
from tests.payments.stripe_api import StripeApi

pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")
# The booking's event is three to four weeks away (tests/bookings/given.py `saturday`): half of
# the deposit comes back, 471.25 / 2 = 235.625, rounded half up.
TIERS = [
    {"days_before": 3, "refund_rate": 0.25},
    {"days_before": 30, "refund_rate": 1},
    {"days_before": 14, "refund_rate": 0.5},
]
HALF_THE_DEPOSIT = 235.63


async def given_cancelled_after_deposit(
    client: httpx.AsyncClient, database: Database, method: str = "cash", **card: str
) -> tuple[Actor, dict[str, Any], dict[str, Any]]:
    """(a manager, the booking, its deposit payment): the deposit paid under TIERS, then the
    booking cancelled."""
    book, manager, booking = await given_pending_booking(client, database)
    admin = await signed_in_as(client, database, "admin", book.organization)
    await change_settings(client, admin, {"cancellation_policy": TIERS})
    deposit = await pay(client, manager, booking["id"], 471.25, method=method, **card)
    cancelled = await client.delete(f"/api/v1/bookings/{booking['id']}", headers=manager.headers)
    assert cancelled.status_code == 204, cancelled.text
    return manager, booking, deposit


async def proposal_of(client: httpx.AsyncClient, actor: Actor, booking_id: str) -> dict[str, Any]:
    response = await client.get(
        f"/api/v1/payments/bookings/{booking_id}/refund-proposal", headers=actor.headers
    )
    assert response.status_code == 200, response.text
    proposal: dict[str, Any] = response.json()
    return proposal


async def refund_booking(
    client: httpx.AsyncClient, actor: Actor, booking_id: str, status: int = 201, **body: Any
) -> dict[str, Any]:
    response = await client.post(
        f"/api/v1/payments/bookings/{booking_id}/refund", json=body, headers=actor.headers
    )
    assert response.status_code == status, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def test_the_policy_keeps_its_tiers_longest_notice_first(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")
    manager = await signed_in_as(client, database, "manager", admin.organization)
    path = "/api/v1/payments/settings"

    saved = await change_settings(client, admin, {"cancellation_policy": TIERS})
    twice = await client.patch(
        path,
        json={"cancellation_policy": [TIERS[0], TIERS[0]]},
        headers=admin.headers,
    )
    above_one = await client.patch(
        path,
        json={"cancellation_policy": [{"days_before": 7, "refund_rate": 1.5}]},
        headers=admin.headers,
    )
    by_manager = await client.patch(path, json={"cancellation_policy": []}, headers=manager.headers)
    read = await client.get(path, headers=manager.headers)

    assert [tier["days_before"] for tier in saved["cancellation_policy"]] == [30, 14, 3]
    assert twice.status_code == 422, twice.text
    assert "each tier needs its own days_before" in str(twice.json()["details"])
    assert above_one.status_code == 422, above_one.text
    assert above_one.json()["details"] == {
        "cancellation_policy.0.refund_rate": "Input should be less than or equal to 1"
    }
    assert by_manager.status_code == 403
    assert read.json()["cancellation_policy"] == saved["cancellation_policy"]
    assert [tier["refund_rate"] for tier in read.json()["cancellation_policy"]] == [1, 0.5, 0.25]


async def test_a_cancelled_booking_is_proposed_its_tiers_share_of_the_deposit(
    client: httpx.AsyncClient, database: Database
) -> None:
    manager, booking, deposit = await given_cancelled_after_deposit(client, database)

    proposal = await proposal_of(client, manager, booking["id"])

    assert 14 <= proposal["days_before_event"] < 30
    assert proposal == {
        "booking_id": booking["id"],
        "booking_status": "cancelled",
        "currency": "USD",
        "days_before_event": proposal["days_before_event"],
        "deposit_refund_rate": 0.5,
        "amount_paid": 471.25,
        "amount_refunded": 0.0,
        "proposed_refund": HALF_THE_DEPOSIT,
        "allocations": [
            {"payment_id": deposit["id"], "payment_method": "cash", "amount": HALF_THE_DEPOSIT}
        ],
    }


async def test_refunding_the_booking_gives_back_exactly_the_proposal(
    client: httpx.AsyncClient, database: Database
) -> None:
    manager, booking, deposit = await given_cancelled_after_deposit(client, database)

    refunded = await refund_booking(client, manager, booking["id"], reason="Cancelled early")
    proposed_after = await proposal_of(client, manager, booking["id"])

    assert (refunded["refunded"], refunded["amount_refunded"]) == (HALF_THE_DEPOSIT,) * 2
    (made,) = refunded["refunds"]
    assert (made["payment_id"], made["amount"], made["status"], made["reason"]) == (
        deposit["id"],
        HALF_THE_DEPOSIT,
        "succeeded",
        "Cancelled early",
    )
    assert await money_of(client, manager, booking["id"]) == {
        "status": "cancelled",
        "amount_paid": 471.25,
        "amount_refunded": HALF_THE_DEPOSIT,
        "balance_due": 0.0,
        "payment_status": "refunded",
        "deposit_paid": False,
    }
    assert proposed_after["proposed_refund"] == 0.0
    nothing = await refund_booking(client, manager, booking["id"], status=422)
    assert nothing["details"] == {"amount": "Nothing to refund"}


async def test_staff_may_give_back_more_than_proposed_but_not_more_than_was_paid(
    client: httpx.AsyncClient, database: Database
) -> None:
    manager, booking, _ = await given_cancelled_after_deposit(client, database)

    too_much = await refund_booking(client, manager, booking["id"], amount=471.26, status=422)
    unchanged = await money_of(client, manager, booking["id"])
    goodwill = await refund_booking(client, manager, booking["id"], amount=400)

    assert too_much["details"] == {"amount": "471.26 is more than what is refundable (471.25 USD)"}
    assert unchanged["amount_refunded"] == 0.0
    assert goodwill["refunded"] == 400.0
    assert (await money_of(client, manager, booking["id"]))["amount_refunded"] == 400.0


async def test_money_beyond_the_deposit_comes_back_in_full_newest_payment_first(
    client: httpx.AsyncClient, database: Database
) -> None:
    book, manager, booking = await given_pending_booking(client, database)
    admin = await signed_in_as(client, database, "admin", book.organization)
    await change_settings(client, admin, {"cancellation_policy": TIERS})
    deposit = await pay(client, manager, booking["id"], 471.25, method="cash")
    balance = await pay(client, manager, booking["id"], 200, method="check")

    if_cancelled_now = await proposal_of(client, manager, booking["id"])
    await client.delete(f"/api/v1/bookings/{booking['id']}", headers=manager.headers)
    refunded = await refund_booking(client, manager, booking["id"])

    assert if_cancelled_now["booking_status"] == "confirmed"
    assert if_cancelled_now["proposed_refund"] == 435.63
    assert [(a["payment_id"], a["amount"]) for a in if_cancelled_now["allocations"]] == [
        (balance["id"], 200.0),
        (deposit["id"], HALF_THE_DEPOSIT),
    ]
    assert refunded["refunded"] == 435.63
    by_payment = {p["id"]: p["refunded_amount"] for p in await payments_listed(client, manager)}
    assert by_payment == {balance["id"]: 200.0, deposit["id"]: HALF_THE_DEPOSIT}


async def test_without_a_policy_the_whole_deposit_is_proposed(
    client: httpx.AsyncClient, database: Database
) -> None:
    _, manager, booking = await given_pending_booking(client, database)
    await pay(client, manager, booking["id"], 471.25, method="cash")

    proposal = await proposal_of(client, manager, booking["id"])

    assert (proposal["deposit_refund_rate"], proposal["proposed_refund"]) == (1.0, 471.25)


async def test_a_card_deposit_is_given_back_through_stripe(
    stripe_client: httpx.AsyncClient, database: Database, stripe_account: StripeApi
) -> None:
    manager, booking, deposit = await given_cancelled_after_deposit(
        stripe_client, database, method="card", stripe_token="tok_visa"
    )

    refunded = await refund_booking(stripe_client, manager, booking["id"])

    (at_stripe,) = stripe_account.refunds.values()
    assert (at_stripe["amount"], at_stripe["payment_intent"]) == (
        23563,
        deposit["provider_reference"],
    )
    assert refunded["refunds"][0]["provider_reference"] == at_stripe["id"]
    assert (await money_of(stripe_client, manager, booking["id"]))["amount_refunded"] == (
        HALF_THE_DEPOSIT
    )


async def test_who_may_see_and_make_a_booking_refund(
    client: httpx.AsyncClient, database: Database
) -> None:
    manager, booking, _ = await given_cancelled_after_deposit(client, database)
    assert manager.organization is not None
    staff = await signed_in_as(client, database, "staff", manager.organization)
    stranger = await signed_in_as(client, database, "manager")
    proposal_path = f"/api/v1/payments/bookings/{booking['id']}/refund-proposal"

    anonymous = await client.get(proposal_path)
    seen_by_staff = await proposal_of(client, staff, booking["id"])
    by_staff = await refund_booking(client, staff, booking["id"], status=403)
    unseen = await client.get(proposal_path, headers=stranger.headers)
    await refund_booking(client, stranger, booking["id"], status=404)

    assert anonymous.status_code == 401
    assert seen_by_staff["proposed_refund"] == HALF_THE_DEPOSIT
    assert by_staff["error"] == "forbidden"
    assert unseen.status_code == 404
    assert (await money_of(client, manager, booking["id"]))["amount_refunded"] == 0.0
