"""Issue 7's promise, end to end through the API, Stripe's SDK talking to a local stand-in and
signed webhooks: a public booking request is confirmed by paying its deposit through a Checkout
link, the balance is then due, a partial refund after cancellation is reflected on the booking,
and replayed or out-of-order webhooks never count anything twice."""

from __future__ import annotations

from decimal import Decimal

import httpx

from maitred.kit.db import Database
from tests.bookings.given import SEED_000_POLICY, events_named, given_book, saturday
from tests.factories import signed_in_as
from tests.payments.given import (
    booking_of,
    charge_object,
    intent_object,
    post_event,
    refund_object,
    stripe_event,
)
from tests.payments.stripe_api import StripeApi

# 45.00 a guest, a quarter down; half the deposit back when cancelled 7 to 29 days before.
POLICY = SEED_000_POLICY | {
    "payments": {
        "cancellation_policy": [
            {"days_before": 30, "refund_rate": 1},
            {"days_before": 7, "refund_rate": 0.5},
        ]
    }
}
REQUEST = {
    "name": "Jane Smith",
    "phone": "(916) 555-0142",
    "email": "jane@example.com",
    "event_date": saturday(weeks_ahead=2).isoformat(),
    "event_time": "18:00",
    "guest_count": 25,
    "event_type": "birthday",
    "location": "Sacramento, CA",
    "message": "Outdoor birthday party",
    "honeypot": "",
}


async def test_deposit_by_checkout_confirms_then_cancel_refunds_part_counted_once(
    stripe_client: httpx.AsyncClient, database: Database, stripe_account: StripeApi
) -> None:
    client = stripe_client
    book = await given_book(database, settings=POLICY)
    manager = await signed_in_as(client, database, "manager", book.organization)

    # The customer asks; the booking waits for its deposit.
    asked = await client.post(
        "/api/v1/public/bookings", json=REQUEST, headers={"X-Tenant-ID": str(book.organization.id)}
    )
    assert asked.status_code == 201, asked.text
    booking_id = asked.json()["booking_id"]
    assert asked.json()["deposit_amount"] == 281.25
    pending = await booking_of(client, manager, booking_id)
    assert (pending["status"], pending["payment_status"]) == ("pending", "unpaid")

    # Staff send a Checkout link; the customer pays on Stripe's page.
    link = await client.post(
        "/api/v1/payments/checkout-links", json={"booking_id": booking_id}, headers=manager.headers
    )
    assert link.status_code == 201, link.text
    assert link.json()["amount"] == 281.25
    session_id = link.json()["url"].rsplit("/", 1)[-1].split("#")[0]
    assert stripe_account.sessions[session_id]["metadata"]["booking_id"] == booking_id
    completed = stripe_event("checkout.session.completed", stripe_account.customer_pays(session_id))
    intent = stripe_account.sessions[session_id]["payment_intent"]

    answer = await post_event(client, completed)

    assert answer.status_code == 200, answer.text
    assert answer.json()["accepted"] == 1
    confirmed = await booking_of(client, manager, booking_id)
    assert confirmed["status"] == "confirmed"
    assert confirmed["deposit_paid"] is True
    assert confirmed["amount_paid"] == 281.25
    assert confirmed["balance_due"] == 1125 - 281.25
    assert confirmed["payment_status"] == "partial"

    # Stripe retries the same event, then sends the intent's own success late: nothing twice.
    assert (await post_event(client, completed)).json()["accepted"] == 0
    late = stripe_event(
        "payment_intent.succeeded", stripe_account.intents[intent] | {"object": "payment_intent"}
    )
    assert (await post_event(client, late)).json()["accepted"] == 1
    assert (await booking_of(client, manager, booking_id))["amount_paid"] == 281.25
    payments = await client.get(
        "/api/v1/payments", params={"booking_id": booking_id}, headers=manager.headers
    )
    assert [p["status"] for p in payments.json()["items"]] == ["succeeded"]
    assert len(await events_named(database, "payment.completed")) == 1

    # The customer cancels two weeks out: the policy gives half the deposit back.
    cancelled = await client.put(
        f"/api/v1/bookings/{booking_id}/cancel",
        json={"reason": "Moving the party"},
        headers=manager.headers,
    )
    assert cancelled.status_code == 200, cancelled.text
    proposal = await client.get(
        f"/api/v1/payments/bookings/{booking_id}/refund-proposal", headers=manager.headers
    )
    assert proposal.json()["proposed_refund"] == 140.63  # half of 281.25, rounded half up
    refunded = await client.post(
        f"/api/v1/payments/bookings/{booking_id}/refund",
        json={"reason": "Cancelled two weeks before"},
        headers=manager.headers,
    )
    assert refunded.status_code == 201, refunded.text
    (stripe_refund,) = stripe_account.refunds.values()
    assert (stripe_refund["payment_intent"], stripe_refund["amount"]) == (intent, 14063)

    after = await booking_of(client, manager, booking_id)
    assert after["amount_paid"] == 281.25
    assert after["amount_refunded"] == 140.63
    assert after["balance_due"] == 0  # nothing is due on a cancelled booking
    assert after["payment_status"] == "refunded"

    # Stripe's own news of that refund, twice, and a stale failure: still counted once.
    news = stripe_event(
        "charge.refunded",
        charge_object(
            intent,
            28125,
            14063,
            stripe_refund["metadata"],
            refunds=[refund_object(stripe_refund["id"], intent, 14063, stripe_refund["metadata"])],
        ),
    )
    stale = stripe_event(
        "payment_intent.payment_failed",
        intent_object(intent, 28125, stripe_refund["metadata"], status="requires_payment_method"),
    )
    for event in (news, news, stale):
        assert (await post_event(client, event)).status_code == 200
    final = await booking_of(client, manager, booking_id)
    assert (final["amount_paid"], final["amount_refunded"]) == (281.25, 140.63)
    summary = await client.get("/api/v1/payments/summary", headers=manager.headers)
    assert summary.json()["collected"] == 281.25
    assert summary.json()["refunded"] == 140.63
    assert Decimal(str(summary.json()["net"])) == Decimal("140.62")
    assert len(await events_named(database, "payment.refunded")) == 1
