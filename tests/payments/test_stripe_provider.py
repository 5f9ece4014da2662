"""The stripe provider, through the real SDK over TCP, against a local stand-in of Stripe's API:
what it sends, what each answer becomes, and which webhooks it believes."""

from __future__ import annotations

import socket
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import pytest

from maitred.config import Settings
from maitred.payments.providers import registry
from maitred.payments.providers.base import (
    CheckoutRequest,
    IntentRequest,
    InvalidWebhookSignature,
    PaymentDeclined,
    ProviderUnavailable,
    RefundRequest,
    WebhookEvent,
)
from maitred.payments.providers.stripe import StripeProvider
from tests.messaging.providers.given import closed_port
from tests.messaging.providers.standin import Answer, Recorded
from tests.payments import stripe_api
from tests.payments.stripe_api import API_KEY, WEBHOOK_SECRET, StripeApi, StripeStandIn
from tests.payments.stripe_signing import event_of, signature_header, signed_event

BOOKING = {
    "booking_id": "0b7e6f9a-3c2d-4e1f-9a8b-7c6d5e4f3a2b",
    "organization_id": "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a",
    "kind": "deposit",
}


@pytest.fixture
def account() -> StripeApi:
    return StripeApi()


@pytest.fixture
def stand_in(account: StripeApi) -> Iterator[StripeStandIn]:
    stand_in = StripeStandIn(account)
    with stand_in.running():
        yield stand_in


@asynccontextmanager
async def provider_for(
    api_base: str, *, api_key: str = API_KEY, timeout_seconds: float = 5.0
) -> AsyncIterator[StripeProvider]:
    """No SDK retries, so each call is exactly one request to the stand-in."""
    provider = StripeProvider(
        api_key,
        WEBHOOK_SECRET,
        api_base=api_base,
        timeout_seconds=timeout_seconds,
        max_network_retries=0,
    )
    try:
        yield provider
    finally:
        await provider.aclose()


@pytest.fixture
async def provider(stand_in: StripeStandIn) -> AsyncIterator[StripeProvider]:
    async with provider_for(stand_in.url) as provider:
        yield provider


def deposit(**changes: object) -> IntentRequest:
    fields: dict[str, object] = {
        "amount_minor": 25000,
        "currency": "usd",
        "idempotency_key": "deposit-0b7e6f9a-1",
        "metadata": BOOKING,
        "description": "Deposit for your hibachi party on Sat Mar 14",
        "receipt_email": "dana.whitfield@example.com",
        "payment_method": "pm_card_visa",
    }
    return IntentRequest(**(fields | changes))  # type: ignore[arg-type]


def intent_posts(stand_in: StripeStandIn) -> list[Recorded]:
    return [r for r in stand_in.requests if r.path == "/v1/payment_intents"]


async def test_a_saved_card_is_charged_at_once(
    provider: StripeProvider, stand_in: StripeStandIn, account: StripeApi
) -> None:
    intent = await provider.create_intent(deposit())

    (request,) = stand_in.requests
    assert (request.method, request.path) == ("POST", "/v1/payment_intents")
    assert request.headers["authorization"] == f"Bearer {API_KEY}"
    assert request.headers["idempotency-key"] == "deposit-0b7e6f9a-1"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.form() == {
        "amount": "25000",
        "currency": "usd",
        "metadata[booking_id]": BOOKING["booking_id"],
        "metadata[organization_id]": BOOKING["organization_id"],
        "metadata[kind]": "deposit",
        "description": "Deposit for your hibachi party on Sat Mar 14",
        "receipt_email": "dana.whitfield@example.com",
        "confirm": "true",
        "payment_method": "pm_card_visa",
    }
    (stored,) = account.intents.values()
    assert intent.reference == stored["id"]
    assert intent.reference.startswith("pi_")
    assert (intent.status, intent.amount_minor, intent.currency) == ("succeeded", 25000, "usd")
    assert (intent.error_code, intent.error_message) == (None, None)
    assert stored["metadata"] == BOOKING


async def test_a_card_token_becomes_the_card_of_a_new_payment_method(
    provider: StripeProvider, stand_in: StripeStandIn
) -> None:
    intent = await provider.create_intent(deposit(payment_method="tok_visa"))

    form = intent_posts(stand_in)[0].form()
    assert "payment_method" not in form
    assert (form["payment_method_data[type]"], form["payment_method_data[card][token]"]) == (
        "card",
        "tok_visa",
    )
    assert form["confirm"] == "true"
    assert intent.status == "succeeded"


async def test_without_a_payment_method_the_intent_waits_for_the_checkout_page(
    provider: StripeProvider, stand_in: StripeStandIn
) -> None:
    intent = await provider.create_intent(
        deposit(payment_method=None, description="", receipt_email=None)
    )

    assert intent_posts(stand_in)[0].form() == {
        "amount": "25000",
        "currency": "usd",
        "metadata[booking_id]": BOOKING["booking_id"],
        "metadata[organization_id]": BOOKING["organization_id"],
        "metadata[kind]": "deposit",
        "automatic_payment_methods[enabled]": "true",
    }
    assert intent.status == "pending"
    assert intent.client_secret is not None
    assert intent.client_secret.startswith(f"{intent.reference}_secret_")
    assert (await provider.retrieve_intent(intent.reference)) == intent


@pytest.mark.parametrize(
    ("payment_method", "code", "message"),
    [
        ("pm_card_chargeDeclined", "generic_decline", "Your card was declined."),
        ("tok_chargeDeclined", "generic_decline", "Your card was declined."),
        (
            "pm_card_chargeDeclinedInsufficientFunds",
            "insufficient_funds",
            "Your card has insufficient funds.",
        ),
    ],
)
async def test_a_declined_card_is_declined_with_its_decline_code(
    provider: StripeProvider, account: StripeApi, payment_method: str, code: str, message: str
) -> None:
    with pytest.raises(PaymentDeclined) as caught:
        await provider.create_intent(deposit(payment_method=payment_method))

    assert (caught.value.code, str(caught.value)) == (code, message)
    (stored,) = account.intents.values()
    failed = await provider.retrieve_intent(stored["id"])
    assert (failed.status, failed.error_code, failed.error_message) == ("failed", code, message)


async def test_a_card_that_needs_authentication_waits_for_the_customer(
    provider: StripeProvider,
) -> None:
    intent = await provider.create_intent(deposit(payment_method="pm_card_authenticationRequired"))

    assert intent.status == "requires_action"
    assert intent.client_secret is not None


async def test_the_same_idempotency_key_charges_once(
    provider: StripeProvider, stand_in: StripeStandIn, account: StripeApi
) -> None:
    first = await provider.create_intent(deposit())
    again = await provider.create_intent(deposit())

    assert again == first
    assert len(account.intents) == 1
    assert [r.headers["idempotency-key"] for r in intent_posts(stand_in)] == [
        "deposit-0b7e6f9a-1",
        "deposit-0b7e6f9a-1",
    ]


async def test_a_reused_key_with_other_parameters_is_declined(
    provider: StripeProvider, account: StripeApi
) -> None:
    await provider.create_intent(deposit())

    with pytest.raises(PaymentDeclined) as caught:
        await provider.create_intent(deposit(amount_minor=30000))

    assert caught.value.code == "idempotency_error"
    assert len(account.intents) == 1


async def test_an_unknown_intent_is_declined_as_missing(provider: StripeProvider) -> None:
    with pytest.raises(PaymentDeclined) as caught:
        await provider.retrieve_intent("pi_3QxR9bLkdIwHu7ix0000none")

    assert caught.value.code == "resource_missing"
    assert str(caught.value) == "No such payment_intent: 'pi_3QxR9bLkdIwHu7ix0000none'"


async def test_a_checkout_link_carries_the_booking_to_its_payment_intent(
    provider: StripeProvider, stand_in: StripeStandIn, account: StripeApi
) -> None:
    link = await provider.create_checkout(
        CheckoutRequest(
            amount_minor=25000,
            currency="usd",
            idempotency_key="checkout-0b7e6f9a-1",
            product_name="Deposit for your hibachi party",
            success_url="https://maitred.example/pay/done",
            cancel_url="https://maitred.example/pay/cancelled",
            metadata=BOOKING,
            customer_email="dana.whitfield@example.com",
        )
    )

    (request,) = stand_in.requests
    assert (request.path, request.headers["idempotency-key"]) == (
        "/v1/checkout/sessions",
        "checkout-0b7e6f9a-1",
    )
    assert request.form() == {
        "mode": "payment",
        "line_items[0][price_data][currency]": "usd",
        "line_items[0][price_data][unit_amount]": "25000",
        "line_items[0][price_data][product_data][name]": "Deposit for your hibachi party",
        "line_items[0][quantity]": "1",
        "success_url": "https://maitred.example/pay/done",
        "cancel_url": "https://maitred.example/pay/cancelled",
        "customer_email": "dana.whitfield@example.com",
        **{f"metadata[{k}]": v for k, v in BOOKING.items()},
        **{f"payment_intent_data[metadata][{k}]": v for k, v in BOOKING.items()},
    }
    session = account.sessions[link.reference]
    assert link.reference.startswith("cs_test_")
    assert link.url == session["url"]
    assert link.url.startswith(f"https://checkout.stripe.com/c/pay/{link.reference}")
    assert link.expires_at == datetime.fromtimestamp(session["created"] + 86400, UTC)


async def test_a_partial_refund_is_made_and_more_than_is_left_is_declined(
    provider: StripeProvider, stand_in: StripeStandIn, account: StripeApi
) -> None:
    intent = await provider.create_intent(deposit())

    refund = await provider.refund(
        RefundRequest(
            intent_reference=intent.reference,
            amount_minor=10000,
            idempotency_key="refund-0b7e6f9a-1",
            reason="requested_by_customer",
            metadata={"booking_id": BOOKING["booking_id"]},
        )
    )
    with pytest.raises(PaymentDeclined) as caught:
        await provider.refund(
            RefundRequest(
                intent_reference=intent.reference,
                amount_minor=20000,
                idempotency_key="refund-0b7e6f9a-2",
            )
        )

    first, second = (r for r in stand_in.requests if r.path == "/v1/refunds")
    assert first.headers["idempotency-key"] == "refund-0b7e6f9a-1"
    assert first.form() == {
        "payment_intent": intent.reference,
        "amount": "10000",
        "reason": "requested_by_customer",
        "metadata[booking_id]": BOOKING["booking_id"],
    }
    assert refund.reference.startswith("re_")
    assert (refund.status, refund.amount_minor) == ("succeeded", 10000)
    assert caught.value.code == "amount_too_large"
    assert str(caught.value) == (
        "Refund amount ($200.00) is greater than unrefunded amount on charge ($150.00)"
    )
    assert second.headers["idempotency-key"] == "refund-0b7e6f9a-2"
    assert account.refunded == {intent.reference: 10000}


async def test_a_reason_stripe_does_not_know_stays_out_of_the_refund(
    provider: StripeProvider, stand_in: StripeStandIn
) -> None:
    intent = await provider.create_intent(deposit())

    await provider.refund(
        RefundRequest(
            intent_reference=intent.reference,
            amount_minor=25000,
            idempotency_key="refund-0b7e6f9a-1",
            reason="party cancelled by the host",
        )
    )

    (request,) = (r for r in stand_in.requests if r.path == "/v1/refunds")
    assert request.form() == {"payment_intent": intent.reference, "amount": "25000"}


@pytest.mark.parametrize(
    ("answer", "code"),
    [(stripe_api.server_error(), "500"), (stripe_api.rate_limited(), "rate_limit")],
)
async def test_server_trouble_and_throttling_are_unavailable_and_retryable(
    provider: StripeProvider,
    stand_in: StripeStandIn,
    account: StripeApi,
    answer: Answer,
    code: str,
) -> None:
    stand_in.answer_next(answer)

    with pytest.raises(ProviderUnavailable) as caught:
        await provider.create_intent(deposit())
    assert caught.value.code == code
    assert account.intents == {}

    assert (await provider.create_intent(deposit())).status == "succeeded"


async def test_a_wrong_api_key_is_unavailable_and_creates_nothing(
    stand_in: StripeStandIn, account: StripeApi
) -> None:
    async with provider_for(stand_in.url, api_key="sk_test_not_the_key") as provider:
        with pytest.raises(ProviderUnavailable) as caught:
            await provider.create_intent(deposit())

    assert caught.value.code == "401"
    assert str(caught.value) == (
        "stripe answered 401 to create a payment intent: Invalid API Key provided: "
        "sk_test_*******_key"
    )
    assert account.intents == {}


async def test_an_unreachable_stripe_is_unavailable() -> None:
    async with provider_for(f"http://127.0.0.1:{closed_port()}") as provider:
        with pytest.raises(ProviderUnavailable) as caught:
            await provider.create_intent(deposit())

    assert caught.value.code == "network_error"


async def test_a_stripe_slower_than_the_timeout_is_unavailable() -> None:
    with socket.socket() as silent:  # takes connections (the backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        api_base = f"http://127.0.0.1:{silent.getsockname()[1]}"
        async with provider_for(api_base, timeout_seconds=0.2) as provider:
            with pytest.raises(ProviderUnavailable) as caught:
                await provider.create_intent(deposit())

    assert caught.value.code == "network_error"


async def test_the_settings_choose_stripe_only_with_an_api_key(
    settings: Settings, stand_in: StripeStandIn
) -> None:
    assert registry.stripe_provider(settings) is None

    configured = settings.model_copy(
        update={
            "stripe_api_key": API_KEY,
            "stripe_webhook_secret": WEBHOOK_SECRET,
            "stripe_api_base": stand_in.url + "/",
        }
    )
    provider = registry.stripe_provider(configured)
    assert provider is not None
    try:
        assert (await provider.create_intent(deposit())).status == "succeeded"
    finally:
        await provider.aclose()
    assert stand_in.requests[0].path == "/v1/payment_intents"


PAID = {"id": "pi_3QxR9bLkdIwHu7ix1a2b3c4d", "object": "payment_intent", "amount": 25000}


async def test_a_webhook_signed_as_stripe_documents_is_believed(provider: StripeProvider) -> None:
    payload, header = signed_event(WEBHOOK_SECRET, event_of("payment_intent.succeeded", PAID))

    event = provider.verify_webhook(payload, header)

    assert event == WebhookEvent(
        id="evt_3QxR9bLkdIwHu7ix0n6WQJ2e",
        type="payment_intent.succeeded",
        created=datetime(2026, 1, 1, tzinfo=UTC),
        data=PAID,
    )


def tampered() -> tuple[bytes, str]:
    payload, header = signed_event(WEBHOOK_SECRET, event_of("payment_intent.succeeded", PAID))
    return payload.replace(b"25000", b"2500"), header


def signed_with_another_secret() -> tuple[bytes, str]:
    return signed_event("whsec_not_ours", event_of("payment_intent.succeeded", PAID))


def six_minutes_old() -> tuple[bytes, str]:
    event = event_of("payment_intent.succeeded", PAID)
    return signed_event(WEBHOOK_SECRET, event, timestamp=int(time.time()) - 360)


def unsigned() -> tuple[bytes, str]:
    return signed_event(WEBHOOK_SECRET, event_of("payment_intent.succeeded", PAID))[0], ""


def signed_but_not_json() -> tuple[bytes, str]:
    return b"{not json", signature_header(WEBHOOK_SECRET, b"{not json")


@pytest.mark.parametrize(
    "delivery",
    [tampered, signed_with_another_secret, six_minutes_old, unsigned, signed_but_not_json],
)
async def test_a_webhook_that_does_not_verify_is_rejected(
    provider: StripeProvider, delivery: Callable[[], tuple[bytes, str]]
) -> None:
    payload, header = delivery()

    with pytest.raises(InvalidWebhookSignature):
        provider.verify_webhook(payload, header)
