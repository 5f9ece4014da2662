"""Bookings with money due, and Stripe's webhook events posted the way Stripe posts them."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select

from maitred.kit.db import Database
from maitred.webhooks.models import InboundWebhook
from tests.bookings.given import (
    Book,
    book_one,
    events_named,
    given_book,
    given_customer,
    seed_001_form,
)
from tests.factories import Actor, signed_in_as
from tests.payments.stripe_api import WEBHOOK_SECRET, ident
from tests.payments.stripe_signing import event_of, signed_event

# seed_001_form prices at 725.00 + 10 % tax + 20 % service = 942.50 in all (seed 001), half down.
TOTAL, DEPOSIT = 942.50, 471.25
DEPOSIT_MINOR = 47125  # in cents, as Stripe counts it
# What `money` shows of a new booking, and of one whose deposit was just paid.
UNPAID = {
    "status": "pending",
    "amount_paid": 0.0,
    "amount_refunded": 0.0,
    "balance_due": TOTAL,
    "deposit_paid": False,
    "payment_status": "unpaid",
}
DEPOSIT_PAID = UNPAID | {
    "status": "confirmed",
    "amount_paid": DEPOSIT,
    "balance_due": TOTAL - DEPOSIT,
    "deposit_paid": True,
    "payment_status": "partial",
}


async def given_pending_booking(
    client: httpx.AsyncClient,
    database: Database,
    *,
    settings: dict[str, Any] | None = None,
    **form: Any,
) -> tuple[Book, Actor, dict[str, Any]]:
    """A pending booking with a deposit due, and a manager (who may refund) of its
    organization."""
    book = await given_book(database, settings=settings)
    manager = await signed_in_as(client, database, "manager", book.organization)
    customer = await given_customer(database, book)
    booking = await book_one(
        client, manager, seed_001_form(customer, book, status="pending", **form)
    )
    return book, manager, booking


async def booking_of(client: httpx.AsyncClient, actor: Actor, booking_id: str) -> dict[str, Any]:
    response = await client.get(f"/api/v1/bookings/{booking_id}", headers=actor.headers)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


async def post_event(
    client: httpx.AsyncClient,
    event: dict[str, Any],
    *,
    secret: str = WEBHOOK_SECRET,
    path: str = "/api/v1/webhooks/stripe",
) -> httpx.Response:
    payload, header = signed_event(secret, event)
    return await client.post(
        path,
        content=payload,
        headers={"Stripe-Signature": header, "Content-Type": "application/json"},
    )


def stripe_event(kind: str, data_object: dict[str, Any]) -> dict[str, Any]:
    """A new event (its own id) of `kind` about `data_object`."""
    return {**event_of(kind, data_object), "id": ident("evt_")}


def intent_object(
    intent_id: str, amount_minor: int, metadata: dict[str, str], *, status: str = "succeeded"
) -> dict[str, Any]:
    return {
        "id": intent_id,
        "object": "payment_intent",
        "amount": amount_minor,
        "amount_received": amount_minor if status == "succeeded" else 0,
        "currency": "usd",
        "metadata": metadata,
        "status": status,
        "last_payment_error": None,
    }


def checkout_object(
    session_id: str, intent_id: str, amount_minor: int, metadata: dict[str, str]
) -> dict[str, Any]:
    return {
        "id": session_id,
        "object": "checkout.session",
        "amount_total": amount_minor,
        "currency": "usd",
        "metadata": metadata,
        "mode": "payment",
        "payment_intent": intent_id,
        "payment_status": "paid",
        "status": "complete",
    }


def charge_object(
    intent_id: str,
    amount_minor: int,
    refunded_minor: int,
    metadata: dict[str, str],
    refunds: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A charge as `charge.refunded` carries it; `refunds` None leaves the list out, as API
    versions since 2022-11-15 do."""
    charge: dict[str, Any] = {
        "id": ident("ch_"),
        "object": "charge",
        "amount": amount_minor,
        "amount_captured": amount_minor,
        "amount_refunded": refunded_minor,
        "currency": "usd",
        "metadata": metadata,
        "payment_intent": intent_id,
        "refunded": refunded_minor >= amount_minor,
        "status": "succeeded",
    }
    if refunds is not None:
        charge["refunds"] = {"object": "list", "data": refunds, "has_more": False}
    return charge


def refund_object(
    refund_id: str, intent_id: str, amount_minor: int, metadata: dict[str, str] | None = None
) -> dict[str, Any]:
    return {
        "id": refund_id,
        "object": "refund",
        "amount": amount_minor,
        "currency": "usd",
        "metadata": metadata or {},
        "payment_intent": intent_id,
        "reason": "requested_by_customer",
        "status": "succeeded",
    }


async def payments_of(
    client: httpx.AsyncClient, actor: Actor, booking_id: str
) -> list[dict[str, Any]]:
    """The booking's payments as staff see them (GET /payments?booking_id=…)."""
    response = await client.get(
        "/api/v1/payments", params={"booking_id": booking_id}, headers=actor.headers
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def checkout_link(client: httpx.AsyncClient, actor: Actor, booking_id: str) -> dict[str, Any]:
    """A hosted checkout link for the deposit, made the way staff make one."""
    response = await client.post(
        "/api/v1/payments/checkout-links", json={"booking_id": booking_id}, headers=actor.headers
    )
    assert response.status_code == 201, response.text
    link: dict[str, Any] = response.json()
    return link


async def stored_webhooks(database: Database) -> list[tuple[str, str]]:
    """(event id, type) of every Stripe event kept, oldest first."""
    async with database.transaction(write=False) as session:
        rows = await session.execute(
            select(InboundWebhook.event_id, InboundWebhook.event_type)
            .where(InboundWebhook.provider == "stripe")
            .order_by(InboundWebhook.created_at)
        )
        return [(str(row[0]), str(row[1])) for row in rows]


def money(booking: dict[str, Any]) -> dict[str, Any]:
    """What a booking shows of its money, and whether it is confirmed."""
    fields = ("status", "amount_paid", "amount_refunded", "balance_due", "deposit_paid")
    return {name: booking[name] for name in (*fields, "payment_status")}


def intent_succeeded(intent_id: str, amount_minor: int, metadata: dict[str, str]) -> dict[str, Any]:
    return stripe_event(
        "payment_intent.succeeded", intent_object(intent_id, amount_minor, metadata)
    )


def intent_declined(intent_id: str, amount_minor: int, metadata: dict[str, str]) -> dict[str, Any]:
    """payment_intent.payment_failed: the card was declined, the intent waits for another."""
    intent = intent_object(intent_id, amount_minor, metadata, status="requires_payment_method")
    intent["last_payment_error"] = {
        "type": "card_error",
        "code": "card_declined",
        "decline_code": "insufficient_funds",
        "message": "Your card has insufficient funds.",
    }
    return stripe_event("payment_intent.payment_failed", intent)


def charge_refunded(
    intent_id: str,
    amount_minor: int,
    metadata: dict[str, str],
    refunded_minor: int,
    refunds: list[dict[str, Any]] | None,
) -> dict[str, Any]:
    charge = charge_object(intent_id, amount_minor, refunded_minor, metadata, refunds)
    return stripe_event("charge.refunded", charge)


async def post_all(client: httpx.AsyncClient, *events: dict[str, Any]) -> None:
    """Each event delivered in turn, each answered 200."""
    for event in events:
        response = await post_event(client, event)
        assert response.status_code == 200, response.text


async def refunds_announced(database: Database) -> list[tuple[str, str]]:
    """(this refund, the payment's refunded total) of each payment.refunded, in order."""
    return [
        (event["refund_amount"], event["refunded_total"])
        for event in await events_named(database, "payment.refunded")
    ]
