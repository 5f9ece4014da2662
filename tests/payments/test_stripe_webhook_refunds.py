"""Refunds as Stripe reports them: the same refund told by charge.refunded, refund.* and our
own request is counted once and announced once, and never more than was paid is refunded."""

from __future__ import annotations

import httpx

from maitred.kit.db import Database
from tests.bookings.given import events_named
from tests.payments.given import (
    DEPOSIT,
    DEPOSIT_MINOR,
    TOTAL,
    booking_of,
    charge_refunded,
    given_pending_booking,
    intent_object,
    intent_succeeded,
    payments_of,
    post_all,
    refund_object,
    refunds_announced,
    stripe_event,
)
from tests.payments.stripe_api import StripeApi, ident


async def test_refunds_told_by_several_events_are_counted_once(
    stripe_client: httpx.AsyncClient, database: Database
) -> None:
    _, manager, booking = await given_pending_booking(stripe_client, database)
    ours = {"booking_id": booking["id"]}
    intent_id = ident("pi_")
    first, second = ident("re_"), ident("re_")
    hundred = refund_object(first, intent_id, 10000)
    fifty = refund_object(second, intent_id, 5000)

    await post_all(
        stripe_client,
        intent_succeeded(intent_id, DEPOSIT_MINOR, ours),
        charge_refunded(intent_id, DEPOSIT_MINOR, ours, 10000, [hundred]),
        stripe_event("refund.updated", hundred),
        charge_refunded(intent_id, DEPOSIT_MINOR, ours, 15000, [hundred, fifty]),
        stripe_event("refund.updated", fifty),
    )

    [payment] = await payments_of(stripe_client, manager, booking["id"])
    assert payment["refunded_amount"] == 150.0
    assert sorted(
        (r["provider_reference"], r["amount"], r["status"]) for r in payment["refunds"]
    ) == sorted([(first, 100.0, "succeeded"), (second, 50.0, "succeeded")])
    after = await booking_of(stripe_client, manager, booking["id"])
    assert (after["amount_refunded"], after["balance_due"]) == (150.0, TOTAL - DEPOSIT + 150)
    assert await refunds_announced(database) == [("100.00", "100.00"), ("50.00", "150.00")]


async def test_refunds_reported_before_the_charge_says_so_are_counted_once(
    stripe_client: httpx.AsyncClient, database: Database
) -> None:
    """refund.created first, then charge.refunded without its list (API versions since
    2022-11-15), once for each refund as they add up."""
    _, manager, booking = await given_pending_booking(stripe_client, database)
    ours = {"booking_id": booking["id"]}
    intent_id = ident("pi_")
    hundred = refund_object(ident("re_"), intent_id, 10000)
    fifty = refund_object(ident("re_"), intent_id, 5000)

    await post_all(
        stripe_client,
        intent_succeeded(intent_id, DEPOSIT_MINOR, ours),
        stripe_event("refund.created", hundred),
        charge_refunded(intent_id, DEPOSIT_MINOR, ours, 10000, None),
        charge_refunded(intent_id, DEPOSIT_MINOR, ours, 15000, None),
        stripe_event("refund.created", fifty),
    )

    [payment] = await payments_of(stripe_client, manager, booking["id"])
    assert payment["refunded_amount"] == 150.0
    assert len(payment["refunds"]) == 2
    assert (await booking_of(stripe_client, manager, booking["id"]))["amount_refunded"] == 150.0
    assert await refunds_announced(database) == [("100.00", "100.00"), ("50.00", "150.00")]


async def test_a_slow_refund_counts_when_it_goes_through(
    stripe_client: httpx.AsyncClient, database: Database
) -> None:
    """Refunds to some cards stay pending for days; one may fail instead. Stripe tells of the
    change by refund.updated, refund.failed or (for endpoints on its older event names)
    charge.refund.updated."""
    _, manager, booking = await given_pending_booking(stripe_client, database)
    ours = {"booking_id": booking["id"]}
    intent_id = ident("pi_")
    hundred = refund_object(ident("re_"), intent_id, 10000) | {"status": "pending"}
    fifty = refund_object(ident("re_"), intent_id, 5000) | {"status": "pending"}
    await post_all(
        stripe_client,
        intent_succeeded(intent_id, DEPOSIT_MINOR, ours),
        stripe_event("refund.created", hundred),
        stripe_event("refund.created", fifty),
    )
    assert (await booking_of(stripe_client, manager, booking["id"]))["amount_refunded"] == 0

    await post_all(
        stripe_client,
        stripe_event("charge.refund.updated", hundred | {"status": "succeeded"}),
        stripe_event("refund.failed", fifty | {"status": "failed"}),
    )

    [payment] = await payments_of(stripe_client, manager, booking["id"])
    assert sorted((r["amount"], r["status"]) for r in payment["refunds"]) == [
        (50.0, "failed"),
        (100.0, "succeeded"),
    ]
    assert (await booking_of(stripe_client, manager, booking["id"]))["amount_refunded"] == 100.0
    assert await refunds_announced(database) == [("100.00", "100.00")]


async def test_a_refund_that_fails_after_succeeding_is_no_longer_counted(
    stripe_client: httpx.AsyncClient, database: Database, stripe_account: StripeApi
) -> None:
    """The card was closed: Stripe tells refund.updated (failed) days after the refund
    succeeded and puts the money back in the balance; the customer never got it."""
    _, manager, booking = await given_pending_booking(stripe_client, database)
    ours = {"booking_id": booking["id"]}
    intent_id = ident("pi_")
    stripe_account.intents[intent_id] = intent_object(intent_id, DEPOSIT_MINOR, ours) | {
        "latest_charge": ident("ch_")
    }
    hundred = refund_object(ident("re_"), intent_id, 10000)
    await post_all(
        stripe_client,
        intent_succeeded(intent_id, DEPOSIT_MINOR, ours),
        stripe_event("refund.created", hundred),
        charge_refunded(intent_id, DEPOSIT_MINOR, ours, 10000, None),
    )
    assert (await booking_of(stripe_client, manager, booking["id"]))["amount_refunded"] == 100.0

    failed = hundred | {"status": "failed", "failure_reason": "expired_or_canceled_card"}
    await post_all(stripe_client, stripe_event("refund.updated", failed))

    [payment] = await payments_of(stripe_client, manager, booking["id"])
    assert [r["status"] for r in payment["refunds"]] == ["failed"]
    assert payment["refunded_amount"] == 0
    after = await booking_of(stripe_client, manager, booking["id"])
    assert (after["amount_refunded"], after["balance_due"]) == (0, TOTAL - DEPOSIT)
    [told] = await events_named(database, "payment.refund_failed")
    assert (told["refund_amount"], told["payment_id"]) == ("100.00", payment["id"])

    # A late report of its success (the older event, delivered again) does not count it again.
    await post_all(stripe_client, stripe_event("refund.updated", hundred))
    assert (await booking_of(stripe_client, manager, booking["id"]))["amount_refunded"] == 0
    # What failed is refundable again: staff send it once more, in full.
    again = await stripe_client.post(
        f"/api/v1/payments/{payment['id']}/refund", json={}, headers=manager.headers
    )
    assert again.status_code == 201, again.text
    assert again.json()["refund"]["amount"] == DEPOSIT
    after = await booking_of(stripe_client, manager, booking["id"])
    assert (after["amount_refunded"], after["payment_status"]) == (DEPOSIT, "refunded")


async def test_refunds_never_add_up_to_more_than_was_paid(
    stripe_client: httpx.AsyncClient, database: Database, stripe_account: StripeApi
) -> None:
    """Staff refund most of it through maitred, the rest is refunded at Stripe's dashboard;
    Stripe's events about both, and one event too many, add up to the payment and no more."""
    _, manager, booking = await given_pending_booking(stripe_client, database)
    ours = {"booking_id": booking["id"]}
    intent_id = ident("pi_")
    stripe_account.intents[intent_id] = intent_object(intent_id, DEPOSIT_MINOR, ours) | {
        "latest_charge": ident("ch_")
    }
    await post_all(stripe_client, intent_succeeded(intent_id, DEPOSIT_MINOR, ours))
    [payment] = await payments_of(stripe_client, manager, booking["id"])
    response = await stripe_client.post(
        f"/api/v1/payments/{payment['id']}/refund",
        json={"amount": 371.25, "reason": "Fewer guests"},
        headers=manager.headers,
    )
    assert response.status_code == 201, response.text
    [(staff_refund_id, staff_refund)] = stripe_account.refunds.items()
    dashboard = refund_object(ident("re_"), intent_id, 10000)
    stray = refund_object(ident("re_"), intent_id, 10000)

    await post_all(
        stripe_client,
        charge_refunded(intent_id, DEPOSIT_MINOR, ours, DEPOSIT_MINOR, [staff_refund, dashboard]),
        stripe_event("refund.updated", staff_refund),
        stripe_event("refund.created", stray),
    )

    [payment] = await payments_of(stripe_client, manager, booking["id"])
    assert payment["refunded_amount"] == DEPOSIT
    assert staff_refund_id in {r["provider_reference"] for r in payment["refunds"]}
    after = await booking_of(stripe_client, manager, booking["id"])
    assert (after["amount_refunded"], after["payment_status"]) == (DEPOSIT, "refunded")
    assert await refunds_announced(database) == [("371.25", "371.25"), ("100.00", "471.25")]
    again = await stripe_client.post(
        f"/api/v1/payments/{payment['id']}/refund", json={}, headers=manager.headers
    )
    assert again.status_code == 422, again.text
    assert (await booking_of(stripe_client, manager, booking["id"]))["amount_refunded"] == DEPOSIT
