"""The `stripe` card payment provider, through Stripe's official SDK (`stripe.StripeClient`).

Each provider owns its client and HTTP connection pool (httpx, async), so two organizations'
keys never meet in the SDK's global state. The SDK retries connection errors, 409s and 5xx
itself; every create call carries our idempotency key, so its retries and ours charge once.
Refusals (402 card errors, 400 invalid requests) become `PaymentDeclined`; anything else the
SDK raises (401, 403, 429, 5xx, unreadable answers, network errors, timeouts) becomes
`ProviderUnavailable`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

import stripe

from maitred.payments.providers.base import (
    CheckoutLink,
    CheckoutRequest,
    CheckoutState,
    Intent,
    IntentRequest,
    IntentStatus,
    InvalidWebhookSignature,
    PaymentDeclined,
    ProviderUnavailable,
    Refund,
    RefundRequest,
    RefundStatus,
    WebhookEvent,
)

if TYPE_CHECKING:
    from stripe.params import (
        PaymentIntentCreateParams,
        PaymentIntentCreateParamsPaymentMethodData,
        RefundCreateParams,
    )
    from stripe.params.checkout import SessionCreateParams

NAME = "stripe"
REFUND_REASONS = frozenset({"duplicate", "fraudulent", "requested_by_customer"})
_INTENT_STATUSES: dict[str, IntentStatus] = {
    "succeeded": "succeeded",
    "requires_action": "requires_action",
    "requires_confirmation": "requires_action",
    "processing": "pending",
    "requires_capture": "pending",
    "canceled": "cancelled",
}
_REFUND_STATUSES: dict[str, RefundStatus] = {
    "pending": "pending",
    "requires_action": "pending",
    "succeeded": "succeeded",
    "failed": "failed",
    "canceled": "cancelled",
}


class StripeProvider:
    name = NAME

    def __init__(
        self,
        api_key: str,
        webhook_secret: str,
        *,
        api_base: str = "https://api.stripe.com",
        timeout_seconds: float = 20.0,
        max_network_retries: int = 2,
    ) -> None:
        self._http = stripe.HTTPXClient(timeout=timeout_seconds)
        self._client = stripe.StripeClient(
            api_key,
            base_addresses={"api": api_base.rstrip("/")},
            http_client=self._http,
            max_network_retries=max_network_retries,
        )
        self._webhook_secret = webhook_secret

    async def aclose(self) -> None:
        """Frees the connection pool at shutdown (the SDK leaves `close_async` unannotated)."""
        await self._http.close_async()  # type: ignore[no-untyped-call]

    async def create_intent(self, request: IntentRequest) -> Intent:
        params: PaymentIntentCreateParams = {
            "amount": request.amount_minor,
            "currency": request.currency,
            "metadata": dict(request.metadata),
        }
        if request.description:
            params["description"] = request.description
        if request.receipt_email:
            params["receipt_email"] = request.receipt_email
        method = request.payment_method
        if method is None:
            params["automatic_payment_methods"] = {"enabled": True}
        else:
            params["confirm"] = True
            if method.startswith("tok_"):
                # A card token (the older Elements and mobile SDKs) is wrapped as the card of a
                # new payment method; the SDK's types leave out `card[token]`, Stripe takes it.
                params["payment_method_data"] = cast(
                    "PaymentIntentCreateParamsPaymentMethodData",
                    {"type": "card", "card": {"token": method}},
                )
            else:
                params["payment_method"] = method
        with _stripe_answers("create a payment intent"):
            intent = await self._client.v1.payment_intents.create_async(
                params, {"idempotency_key": request.idempotency_key}
            )
        return _intent_of(intent)

    async def retrieve_intent(self, reference: str) -> Intent:
        with _stripe_answers("read a payment intent"):
            intent = await self._client.v1.payment_intents.retrieve_async(reference)
        return _intent_of(intent)

    async def find_intent(self, payment_id: str) -> Intent | None:
        """The intent our metadata names, for a payment whose create call went unanswered
        (Stripe's search; its index lags by up to a minute)."""
        with _stripe_answers("search payment intents"):
            found = await self._client.v1.payment_intents.search_async(
                {"query": f"metadata['payment_id']:'{payment_id}'", "limit": 1}
            )
        return _intent_of(found.data[0]) if found.data else None

    async def cancel_intent(self, reference: str) -> Intent:
        """No longer payable; `PaymentDeclined` when it cannot be (it succeeded meanwhile)."""
        with _stripe_answers("cancel a payment intent"):
            intent = await self._client.v1.payment_intents.cancel_async(reference)
        return _intent_of(intent)

    async def retrieve_checkout(self, reference: str) -> CheckoutState:
        with _stripe_answers("read a checkout session"):
            session = await self._client.v1.checkout.sessions.retrieve_async(reference)
        intent = session.payment_intent
        return CheckoutState(
            status=str(session.status),
            paid=session.payment_status in ("paid", "no_payment_required"),
            intent_reference=intent if isinstance(intent, str) or intent is None else intent.id,
            amount_minor=session.amount_total or 0,
        )

    async def expire_checkout(self, reference: str) -> None:
        """The hosted page stops taking payment; `PaymentDeclined` when it is not open any more
        (paid or expired meanwhile)."""
        with _stripe_answers("expire a checkout session"):
            await self._client.v1.checkout.sessions.expire_async(reference)

    async def create_checkout(self, request: CheckoutRequest) -> CheckoutLink:
        params: SessionCreateParams = {
            "mode": "payment",
            "line_items": [
                {
                    "price_data": {
                        "currency": request.currency,
                        "unit_amount": request.amount_minor,
                        "product_data": {"name": request.product_name},
                    },
                    "quantity": 1,
                }
            ],
            "success_url": request.success_url,
            "cancel_url": request.cancel_url,
            "metadata": dict(request.metadata),
            # The intent the page creates carries the booking ids too, for its own webhooks.
            "payment_intent_data": {"metadata": dict(request.metadata)},
        }
        if request.customer_email:
            params["customer_email"] = request.customer_email
        with _stripe_answers("create a checkout session"):
            session = await self._client.v1.checkout.sessions.create_async(
                params, {"idempotency_key": request.idempotency_key}
            )
        if not session.url:
            raise ProviderUnavailable(f"{NAME} answered a checkout session without a url")
        return CheckoutLink(
            reference=session.id,
            url=session.url,
            expires_at=datetime.fromtimestamp(session.expires_at, UTC),
        )

    async def refund(self, request: RefundRequest) -> Refund:
        params: RefundCreateParams = {
            "payment_intent": request.intent_reference,
            "amount": request.amount_minor,
            "metadata": dict(request.metadata),
        }
        if request.reason in REFUND_REASONS:
            params["reason"] = request.reason
        with _stripe_answers("refund"):
            refund = await self._client.v1.refunds.create_async(
                params, {"idempotency_key": request.idempotency_key}
            )
        return Refund(
            reference=refund.id,
            status=refund_status(refund.status),
            amount_minor=refund.amount,
        )

    def verify_webhook(self, payload: bytes, signature_header: str) -> WebhookEvent:
        return verify_event(payload, signature_header, self._webhook_secret)


def refund_status(stripe_status: object) -> RefundStatus:
    """Ours for Stripe's refund status, as answered or as a webhook's refund object says."""
    return _REFUND_STATUSES.get(str(stripe_status), "pending")


def verify_event(payload: bytes, signature_header: str, secret: str) -> WebhookEvent:
    """Checks `Stripe-Signature` as the SDK does, with its 5-minute tolerance; no client needed.
    An event without an id (seed 000's example) is known by its payload's hash."""
    if not secret:
        raise InvalidWebhookSignature("no webhook secret is configured")
    try:
        # An explicit tolerance: without one the SDK accepts any old timestamp.
        stripe.WebhookSignature.verify_header(
            payload, signature_header, secret, tolerance=stripe.Webhook.DEFAULT_TOLERANCE
        )
        event = json.loads(payload)
        data = event["data"]["object"]
        if not isinstance(data, dict):
            raise TypeError("data.object is not an object")
        created = event.get("created")
        return WebhookEvent(
            id=str(event.get("id") or "sha256:" + hashlib.sha256(payload).hexdigest()),
            type=str(event["type"]),
            created=datetime.fromtimestamp(created, UTC) if created else datetime.now(UTC),
            data=data,
        )
    except stripe.SignatureVerificationError as exc:
        raise InvalidWebhookSignature(str(exc.user_message)) from exc
    except (ValueError, KeyError, TypeError, OverflowError, OSError) as exc:
        raise InvalidWebhookSignature(f"not a {NAME} event: {exc!r}") from exc


def _intent_of(intent: stripe.PaymentIntent) -> Intent:
    error = intent.last_payment_error
    if intent.status == "requires_payment_method":
        # Fresh intents wait here for a payment method, and failed confirmations return here.
        status: IntentStatus = "failed" if error else "pending"
    else:
        status = _INTENT_STATUSES.get(intent.status, "pending")
    return Intent(
        reference=intent.id,
        status=status,
        amount_minor=intent.amount,
        currency=intent.currency,
        client_secret=intent.client_secret,
        error_code=(error.decline_code or error.code) if error and status == "failed" else None,
        error_message=error.message if error and status == "failed" else None,
    )


@contextmanager
def _stripe_answers(action: str) -> Iterator[None]:
    try:
        yield
    except (stripe.CardError, stripe.InvalidRequestError, stripe.IdempotencyError) as exc:
        raise PaymentDeclined(_message(exc), code=_decline_code(exc)) from exc
    except stripe.APIConnectionError as exc:
        raise ProviderUnavailable(
            f"{NAME} could not be reached to {action}", code="network_error"
        ) from exc
    except stripe.StripeError as exc:
        raise ProviderUnavailable(
            f"{NAME} answered {exc.http_status} to {action}: {_message(exc)}",
            code=exc.code or (exc.error.code if exc.error else None) or str(exc.http_status),
        ) from exc


def _message(exc: stripe.StripeError) -> str:
    """The message as Stripe wrote it, without the SDK's "Request req_…:" prefix."""
    message: Any = exc.user_message
    return str(message or type(exc).__name__)


def _decline_code(exc: stripe.StripeError) -> str | None:
    """A card's decline code ("insufficient_funds") says more than its error code."""
    if exc.error is not None and exc.error.decline_code:
        return exc.error.decline_code
    if isinstance(exc, stripe.IdempotencyError):
        return "idempotency_error"
    return exc.code
