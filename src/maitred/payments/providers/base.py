"""What a card payment provider is to the payments service: intents, checkout links, refunds and
webhook events, in amounts of minor units (cents) so no float ever carries money.

Every call that creates something takes our `idempotency_key` and passes it on, so a request
retried by a client or a worker never charges or refunds twice. Errors:
- `PaymentDeclined`: the provider answered and refused (card_declined, insufficient_funds, an
  invalid amount); the customer or staff must act. Its `code` is the provider's decline code.
- `ProviderUnavailable`: no answer, a 5xx, a rate limit, bad credentials; retrying may work.
- `InvalidWebhookSignature`: a webhook whose signature or timestamp does not verify.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

IntentStatus = Literal["pending", "requires_action", "succeeded", "failed", "cancelled"]
RefundStatus = Literal["pending", "succeeded", "failed", "cancelled"]


@dataclass(frozen=True)
class IntentRequest:
    amount_minor: int
    currency: str  # ISO 4217, lower case as Stripe takes it ("usd")
    idempotency_key: str
    metadata: dict[str, str] = field(default_factory=dict)  # booking_id, organization_id, kind
    description: str = ""
    receipt_email: str | None = None
    # Charge now: a saved payment method id ("pm_…") or a token ("tok_…") from the checkout page.
    # Without either the intent waits for the page to confirm it with its client secret.
    payment_method: str | None = None


@dataclass(frozen=True)
class Intent:
    reference: str  # the provider's id ("pi_…")
    status: IntentStatus
    amount_minor: int
    currency: str
    client_secret: str | None = None
    error_code: str | None = None  # the last error's decline code, when failed
    error_message: str | None = None


@dataclass(frozen=True)
class CheckoutRequest:
    amount_minor: int
    currency: str
    idempotency_key: str
    product_name: str  # the line shown on the hosted page ("Deposit for your hibachi party")
    success_url: str
    cancel_url: str
    metadata: dict[str, str] = field(default_factory=dict)
    customer_email: str | None = None


@dataclass(frozen=True)
class CheckoutLink:
    reference: str  # "cs_…"
    url: str
    expires_at: datetime | None


@dataclass(frozen=True)
class CheckoutState:
    status: str  # open, complete, expired
    paid: bool
    intent_reference: str | None
    amount_minor: int


@dataclass(frozen=True)
class RefundRequest:
    intent_reference: str
    amount_minor: int
    idempotency_key: str
    reason: str | None = None  # Stripe takes duplicate, fraudulent or requested_by_customer
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Refund:
    reference: str  # "re_…"
    status: RefundStatus
    amount_minor: int


@dataclass(frozen=True)
class WebhookEvent:
    id: str  # "evt_…", what deliveries are deduplicated by
    type: str  # "payment_intent.succeeded", "charge.refunded", …
    created: datetime
    data: dict[str, Any]  # the event's `data.object`, as plain JSON


class PaymentError(Exception):
    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


class PaymentDeclined(PaymentError):
    """The provider refused; retrying the same thing will not help."""


class ProviderUnavailable(PaymentError):
    """No usable answer; the same request may be retried with the same idempotency key."""


class InvalidWebhookSignature(PaymentError):
    """Reject with 401 and store nothing."""


class PaymentProvider(Protocol):
    name: str

    async def create_intent(self, request: IntentRequest) -> Intent: ...

    async def retrieve_intent(self, reference: str) -> Intent: ...

    async def create_checkout(self, request: CheckoutRequest) -> CheckoutLink: ...

    async def refund(self, request: RefundRequest) -> Refund: ...

    def verify_webhook(self, payload: bytes, signature_header: str) -> WebhookEvent: ...
