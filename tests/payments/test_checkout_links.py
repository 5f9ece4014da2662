"""Hosted Stripe Checkout pages: the link staff send (POST /payments/checkout-links), and the
customer's link in the deposit request message, which opens the page when followed
(/public/payments/pay) or says plainly why it cannot."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from maitred.kit.db import Database
from maitred.payments import service as payments_service
from tests.factories import signed_in_as
from tests.payments import stripe_api
from tests.payments.calls import change_settings, money_of, pay, payments_listed
from tests.payments.given import given_pending_booking
from tests.payments.stripe_api import StripeApi, StripeStandIn

pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")
DONE = "https://book.example.com/api/v1/public/payments/done"


async def checkout_link(
    client: httpx.AsyncClient, headers: dict[str, str], booking_id: str, status: int = 201
) -> dict[str, object]:
    response = await client.post(
        "/api/v1/payments/checkout-links", json={"booking_id": booking_id}, headers=headers
    )
    assert response.status_code == status, response.text
    answer: dict[str, object] = response.json()
    return answer


def token_of(organization_id: uuid.UUID, booking_id: str) -> str:
    """The token of the link the deposit request message carries."""
    link = payments_service.deposit_link(organization_id, uuid.UUID(booking_id))
    return parse_qs(urlsplit(link).query)["token"][0]


async def test_a_checkout_link_asks_for_the_deposit_and_returns_to_our_page(
    stripe_client: httpx.AsyncClient, database: Database, stripe_account: StripeApi
) -> None:
    _, manager, booking = await given_pending_booking(stripe_client, database)

    link = await checkout_link(stripe_client, manager.headers, booking["id"])

    (session,) = stripe_account.sessions.values()
    assert link["url"] == session["url"]
    assert link["expires_at"] == datetime.fromtimestamp(
        session["expires_at"], UTC
    ).isoformat().replace("+00:00", "Z")
    assert (link["amount"], link["currency"], link["purpose"]) == (471.25, "USD", "deposit")
    assert (session["amount_total"], session["currency"]) == (47125, "usd")
    assert (session["success_url"], session["cancel_url"]) == (f"{DONE}?paid=1", f"{DONE}?paid=0")
    assert session["customer_email"] == "jane@example.com"
    assert session["metadata"]["payment_id"] == link["payment_id"]
    assert session["payment_intent_data"]["metadata"]["booking_id"] == booking["id"]
    (waiting,) = await payments_listed(stripe_client, manager, booking_id=booking["id"])
    assert (waiting["status"], waiting["checkout_url"]) == ("pending", session["url"])
    assert (await money_of(stripe_client, manager, booking["id"]))["amount_paid"] == 0.0


async def test_asking_again_hands_out_the_same_link(
    stripe_client: httpx.AsyncClient, database: Database, stripe_account: StripeApi
) -> None:
    _, manager, booking = await given_pending_booking(stripe_client, database)

    first = await checkout_link(stripe_client, manager.headers, booking["id"])
    again = await checkout_link(stripe_client, manager.headers, booking["id"])

    assert again == first
    assert len(stripe_account.sessions) == 1
    assert len(await payments_listed(stripe_client, manager)) == 1


async def test_the_organization_chooses_where_the_page_returns(
    stripe_client: httpx.AsyncClient, database: Database, stripe_account: StripeApi
) -> None:
    book, manager, booking = await given_pending_booking(stripe_client, database)
    admin = await signed_in_as(stripe_client, database, "admin", book.organization)
    await change_settings(
        stripe_client,
        admin,
        {
            "checkout_success_url": "https://hibachiathome.example/thanks",
            "checkout_cancel_url": "https://hibachiathome.example/book",
        },
    )

    await checkout_link(stripe_client, manager.headers, booking["id"])

    (session,) = stripe_account.sessions.values()
    assert (session["success_url"], session["cancel_url"]) == (
        "https://hibachiathome.example/thanks",
        "https://hibachiathome.example/book",
    )


async def test_the_customers_link_opens_the_checkout_page(
    stripe_client: httpx.AsyncClient, database: Database, stripe_account: StripeApi
) -> None:
    book, manager, booking = await given_pending_booking(stripe_client, database)
    token = token_of(book.organization.id, booking["id"])

    followed = await stripe_client.get("/api/v1/public/payments/pay", params={"token": token})
    followed_again = await stripe_client.get("/api/v1/public/payments/pay", params={"token": token})

    (session,) = stripe_account.sessions.values()
    assert followed.status_code == 303, followed.text
    assert followed.headers["location"] == session["url"]
    assert followed_again.headers["location"] == session["url"]
    assert session["amount_total"] == 47125


async def test_a_link_that_is_not_ours_gets_a_page(
    stripe_client: httpx.AsyncClient, database: Database, stripe_account: StripeApi
) -> None:
    response = await stripe_client.get(
        "/api/v1/public/payments/pay", params={"token": "v1.not-a-real-token"}
    )

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "This payment link is not valid" in response.text
    assert stripe_account.sessions == {}


async def test_a_link_with_nothing_left_to_pay_says_so(
    stripe_client: httpx.AsyncClient, database: Database, stripe_account: StripeApi
) -> None:
    book, manager, booking = await given_pending_booking(stripe_client, database)
    await pay(stripe_client, manager, booking["id"], 471.25, method="cash")
    token = token_of(book.organization.id, booking["id"])

    response = await stripe_client.get("/api/v1/public/payments/pay", params={"token": token})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "Nothing is due: the deposit is paid" in response.text
    assert stripe_account.sessions == {}


async def test_a_link_to_a_cancelled_booking_says_so_in_the_customers_words(
    stripe_client: httpx.AsyncClient, database: Database, stripe_account: StripeApi
) -> None:
    book, manager, booking = await given_pending_booking(stripe_client, database)
    token = token_of(book.organization.id, booking["id"])
    await stripe_client.delete(f"/api/v1/bookings/{booking['id']}", headers=manager.headers)

    response = await stripe_client.get("/api/v1/public/payments/pay", params={"token": token})

    assert response.status_code == 200
    assert "This booking is cancelled: nothing is due." in response.text
    assert stripe_account.sessions == {}


async def test_without_stripe_the_link_asks_the_customer_to_get_in_touch(
    client: httpx.AsyncClient, database: Database
) -> None:
    book, manager, booking = await given_pending_booking(client, database)
    token = token_of(book.organization.id, booking["id"])

    response = await client.get("/api/v1/public/payments/pay", params={"token": token})

    assert response.status_code == 200
    assert "Paying online is not available for this booking; please contact us to pay." in (
        response.text
    )
    assert "MAITRED_" not in response.text
    assert await payments_listed(client, manager) == []


@pytest.mark.stripe_settings(stripe_max_network_retries=0)  # no SDK retries: one try fails
async def test_when_stripe_fails_the_link_says_to_try_again_and_then_works(
    stripe_client: httpx.AsyncClient,
    database: Database,
    stripe_account: StripeApi,
    stripe_stand_in: StripeStandIn,
) -> None:
    book, _, booking = await given_pending_booking(stripe_client, database)
    token = token_of(book.organization.id, booking["id"])
    stripe_stand_in.play = lambda _request: stripe_api.server_error()

    failed = await stripe_client.get("/api/v1/public/payments/pay", params={"token": token})
    stripe_stand_in.play = stripe_account
    again = await stripe_client.get("/api/v1/public/payments/pay", params={"token": token})

    assert failed.status_code == 502
    assert failed.headers["content-type"].startswith("text/html")
    assert "please try the link again shortly" in failed.text
    (session,) = stripe_account.sessions.values()
    assert again.status_code == 303, again.text
    assert again.headers["location"] == session["url"]


async def test_the_page_stripe_returns_to_thanks_the_customer(
    stripe_client: httpx.AsyncClient,
) -> None:
    paid = await stripe_client.get("/api/v1/public/payments/done", params={"paid": 1})
    abandoned = await stripe_client.get("/api/v1/public/payments/done", params={"paid": 0})

    assert "Thank you: your payment is being processed" in paid.text
    assert "The payment was not made; the link in your message still works." in abandoned.text


async def test_who_may_make_a_checkout_link(
    stripe_client: httpx.AsyncClient, database: Database, stripe_account: StripeApi
) -> None:
    book, _, booking = await given_pending_booking(stripe_client, database)
    viewer = await signed_in_as(stripe_client, database, "viewer", book.organization)
    stranger = await signed_in_as(stripe_client, database, "manager")

    await checkout_link(stripe_client, {}, booking["id"], status=401)
    await checkout_link(stripe_client, viewer.headers, booking["id"], status=403)
    await checkout_link(stripe_client, stranger.headers, booking["id"], status=404)

    assert stripe_account.sessions == {}
