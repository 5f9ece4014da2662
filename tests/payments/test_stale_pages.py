"""Pages a customer pays on (Checkout sessions, intents) close when the booking no longer owes
their amount, so an old link cannot overpay; money that arrives anyway counts and is flagged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from maitred.config import Settings
from maitred.kit.db import Database
from tests.bookings.given import events_named
from tests.conftest import make_settings
from tests.factories import deliver_everything
from tests.payments.calls import money_of, pay, payments_listed
from tests.payments.given import (
    TOTAL,
    checkout_link,
    given_pending_booking,
    post_event,
    stripe_event,
)
from tests.payments.stripe_api import API_KEY, WEBHOOK_SECRET, StripeApi, StripeStandIn

pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")


def worker_settings(data_dir: Path, database_url: str, stand_in: StripeStandIn) -> Settings:
    """The worker's settings: the same Stripe account as the app's."""
    return make_settings(
        data_dir,
        database_url,
        stripe_api_key=API_KEY,
        stripe_webhook_secret=WEBHOOK_SECRET,
        stripe_api_base=stand_in.url,
    )


async def intent_for(client: httpx.AsyncClient, headers: dict[str, str], booking_id: str) -> Any:
    response = await client.post(
        "/api/v1/payments/intents", json={"booking_id": booking_id}, headers=headers
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_pages_close_when_the_booking_is_repriced(
    stripe_client: httpx.AsyncClient,
    database: Database,
    data_dir: Path,
    database_url: str,
    stripe_account: StripeApi,
    stripe_stand_in: StripeStandIn,
) -> None:
    book, manager, booking = await given_pending_booking(stripe_client, database)
    _, other_manager, other_booking = await given_pending_booking(stripe_client, database)
    link = await checkout_link(stripe_client, manager, booking["id"])
    intent = await intent_for(stripe_client, manager.headers, booking["id"])
    others_link = await checkout_link(stripe_client, other_manager, other_booking["id"])
    [old_session] = [s for s in stripe_account.sessions.values() if s["url"] == link["url"]]

    more = [
        {"menu_item_id": str(book.menu["Hibachi Chicken"]), "quantity": 20},
        {"menu_item_id": str(book.menu["Hibachi Steak"]), "quantity": 10},
    ]
    changed = await stripe_client.patch(
        f"/api/v1/bookings/{booking['id']}",
        json={"guest_count": 30, "menu_items": more},
        headers=manager.headers,
    )
    assert changed.status_code == 200, changed.text
    new_total = changed.json()["total_amount"]
    assert new_total != TOTAL
    await deliver_everything(database, worker_settings(data_dir, database_url, stripe_stand_in))

    assert old_session["status"] == "expired"
    with pytest.raises(AssertionError, match="expired session"):
        stripe_account.customer_pays(old_session["id"])
    assert stripe_account.intents[intent["provider_reference"]]["status"] == "canceled"
    statuses = {p["id"]: p["status"] for p in await payments_listed(stripe_client, manager)}
    assert statuses == {link["payment_id"]: "cancelled", intent["payment_id"]: "cancelled"}
    # The other organization's page is untouched.
    [others_session] = [
        s for s in stripe_account.sessions.values() if s["url"] == others_link["url"]
    ]
    assert others_session["status"] == "open"
    [others] = await payments_listed(stripe_client, other_manager)
    assert others["status"] == "pending"
    # A new link asks for the new deposit.
    new_link = await checkout_link(stripe_client, manager, booking["id"])
    assert new_link["payment_id"] != link["payment_id"]
    assert new_link["amount"] == changed.json()["deposit_amount"]


async def test_a_page_paid_as_it_closed_counts_and_the_overpayment_is_flagged(
    stripe_client: httpx.AsyncClient,
    database: Database,
    data_dir: Path,
    database_url: str,
    stripe_account: StripeApi,
    stripe_stand_in: StripeStandIn,
) -> None:
    """Staff took the whole amount in cash; the customer paid the deposit link at the same
    moment, before it could be closed."""
    _, manager, booking = await given_pending_booking(stripe_client, database)
    link = await checkout_link(stripe_client, manager, booking["id"])
    [session_id] = stripe_account.sessions
    await pay(stripe_client, manager, booking["id"], TOTAL, method="cash")
    paid_page = stripe_account.customer_pays(session_id)

    await deliver_everything(database, worker_settings(data_dir, database_url, stripe_stand_in))
    answer = await post_event(stripe_client, stripe_event("checkout.session.completed", paid_page))

    assert answer.status_code == 200, answer.text
    [card] = [
        p for p in await payments_listed(stripe_client, manager) if p["id"] == link["payment_id"]
    ]
    assert (card["status"], card["overpaid_amount"]) == ("succeeded", 471.25)
    [flag] = await events_named(database, "payment.overpaid")
    assert (flag["payment_id"], flag["amount"]) == (card["id"], "471.25")
    assert (await money_of(stripe_client, manager, booking["id"]))["amount_paid"] == TOTAL + 471.25
    refunded = await stripe_client.post(
        f"/api/v1/payments/{card['id']}/refund",
        json={"amount": 471.25, "reason": "Paid twice"},
        headers=manager.headers,
    )
    assert refunded.status_code == 201, refunded.text
    after = await money_of(stripe_client, manager, booking["id"])
    assert (after["amount_paid"] - after["amount_refunded"], after["balance_due"]) == (TOTAL, 0)


async def test_money_on_a_page_closed_in_time_still_counts(
    stripe_client: httpx.AsyncClient,
    database: Database,
    data_dir: Path,
    database_url: str,
    stripe_account: StripeApi,
    stripe_stand_in: StripeStandIn,
) -> None:
    """The intent was cancelled at Stripe as the booking was paid otherwise, yet a success for
    it is reported (the customer's bank had confirmed first): it is not lost."""
    _, manager, booking = await given_pending_booking(stripe_client, database)
    intent = await intent_for(stripe_client, manager.headers, booking["id"])
    await pay(stripe_client, manager, booking["id"], TOTAL, method="cash")
    await deliver_everything(database, worker_settings(data_dir, database_url, stripe_stand_in))
    [closed] = [
        p for p in await payments_listed(stripe_client, manager) if p["id"] == intent["payment_id"]
    ]
    assert closed["status"] == "cancelled"

    stored = stripe_account.intents[intent["provider_reference"]]
    succeeded = stored | {"status": "succeeded", "amount_received": stored["amount"]}
    answer = await post_event(stripe_client, stripe_event("payment_intent.succeeded", succeeded))

    assert answer.status_code == 200, answer.text
    [card] = [
        p for p in await payments_listed(stripe_client, manager) if p["id"] == intent["payment_id"]
    ]
    assert (card["status"], card["overpaid_amount"]) == ("succeeded", 471.25)
    assert (await money_of(stripe_client, manager, booking["id"]))["amount_paid"] == TOTAL + 471.25
