"""Request and response shapes of /payments (seeds 000, 001, 004)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from annotated_types import Gt
from pydantic import AliasChoices, BaseModel, Field, HttpUrl

from maitred.kit.enums import CaseInsensitiveEnum
from maitred.kit.money import Money
from maitred.kit.schemas import Input

Amount = Annotated[Money, Gt(0), Field(decimal_places=2)]
Currency = Annotated[str, Field(pattern=r"^[A-Za-z]{3}$", examples=["USD"])]


class Method(CaseInsensitiveEnum):
    card = "card"  # through the provider (Stripe)
    stripe = "stripe"  # seed 000's name for card
    cash = "cash"
    check = "check"
    bank_transfer = "bank_transfer"
    other = "other"


class Purpose(CaseInsensitiveEnum):
    deposit = "deposit"
    balance = "balance"
    payment = "payment"


class PaymentStatus(CaseInsensitiveEnum):
    pending = "pending"
    requires_action = "requires_action"
    succeeded = "succeeded"
    failed = "failed"
    cancelled = "cancelled"


class PaymentProcess(Input):
    """Seed 000's body. A card needs `stripe_token` (`tok_…`) or `payment_method_id` (`pm_…`);
    other methods are recorded by staff as received."""

    booking_id: uuid.UUID
    amount: Amount | None = Field(
        default=None, description="Default: the deposit still due, else the balance due"
    )
    currency: Currency | None = Field(default=None, description="Must be the booking's")
    payment_method: Method = Field(
        validation_alias=AliasChoices("payment_method", "method"), examples=["stripe"]
    )
    purpose: Purpose | None = None
    stripe_token: str | None = Field(default=None, max_length=255, examples=["tok_visa"])
    payment_method_id: str | None = Field(default=None, max_length=255, examples=["pm_card_visa"])
    reference: str = Field(default="", max_length=255, description="A check number, a transfer id")
    notes: str = Field(default="", max_length=2000)


class IntentCreate(Input):
    booking_id: uuid.UUID
    purpose: Purpose = Purpose.deposit
    amount: Amount | None = Field(default=None, description="Default: what the purpose leaves due")
    currency: Currency | None = None


class CheckoutLinkCreate(Input):
    booking_id: uuid.UUID
    purpose: Purpose = Purpose.deposit
    amount: Amount | None = Field(default=None, description="Default: what the purpose leaves due")
    currency: Currency | None = None
    success_url: HttpUrl | None = Field(default=None, description="Default: the settings' page")
    cancel_url: HttpUrl | None = None


class RefundCreate(Input):
    amount: Amount | None = Field(default=None, description="Default: all that is left")
    reason: str = Field(default="", max_length=500, examples=["Customer cancellation"])


class BookingRefundCreate(Input):
    amount: Amount | None = Field(
        default=None, description="Default: what the cancellation policy proposes"
    )
    reason: str = Field(default="", max_length=500, examples=["Cancelled 10 days before"])


class RefundRead(BaseModel):
    id: uuid.UUID
    payment_id: uuid.UUID
    amount: Money
    currency: str
    reason: str
    status: str
    provider_reference: str | None
    created_at: datetime
    succeeded_at: datetime | None


class PaymentRead(BaseModel):
    id: uuid.UUID
    booking_id: uuid.UUID | None
    customer_id: uuid.UUID | None
    purpose: str
    amount: Money
    currency: str
    payment_method: str
    provider: str | None
    provider_reference: str | None
    status: str = Field(examples=["succeeded"])
    refunded_amount: Money
    failure_code: str | None
    failure_message: str | None
    reference: str
    notes: str
    checkout_url: str | None
    created_at: datetime
    succeeded_at: datetime | None
    overpaid_amount: Money | None = Field(
        default=None,
        description="What this payment took beyond the booking's total, for staff to refund",
    )
    refunds: list[RefundRead]


class ProcessedPayment(PaymentRead):
    client_secret: str | None = Field(
        default=None,
        description="When the card needs the customer (3-D Secure): finish on the page",
    )


class IntentRead(BaseModel):
    payment_id: uuid.UUID
    provider_reference: str
    client_secret: str
    amount: Money
    currency: str
    status: str
    publishable_key: str | None


class CheckoutLinkRead(BaseModel):
    payment_id: uuid.UUID
    url: str
    expires_at: datetime | None
    amount: Money
    currency: str
    purpose: str


class RefundResult(BaseModel):
    refund: RefundRead
    payment: PaymentRead


class Allocation(BaseModel):
    payment_id: uuid.UUID
    payment_method: str
    amount: Money


class RefundProposal(BaseModel):
    booking_id: uuid.UUID
    booking_status: str
    currency: str
    days_before_event: int
    deposit_refund_rate: float
    amount_paid: Money
    amount_refunded: Money
    proposed_refund: Money = Field(description="What the cancellation policy gives back now")
    allocations: list[Allocation]


class BookingRefundResult(BaseModel):
    booking_id: uuid.UUID
    refunded: Money
    refunds: list[RefundRead]
    amount_refunded: Money = Field(description="The booking's total refunded now")


class MethodTotal(BaseModel):
    payment_method: str
    count: int
    amount: Money


class PaymentSummary(BaseModel):
    date_from: date | None
    date_to: date | None
    currency: str
    collected: Money = Field(description="Payments that succeeded in the period")
    refunded: Money = Field(description="Refunds that went through in the period")
    net: Money
    payments: int
    refunds: int
    by_method: list[MethodTotal]
    outstanding_balance: Money = Field(
        description="Still owed on pending and confirmed bookings with events in the period"
    )
    deposits_due: Money = Field(description="Unpaid deposits of pending bookings in the period")
    bookings_with_balance: int


class ProviderUpdate(Input):
    api_key: str = Field(min_length=8, max_length=255, examples=["sk_live_…"])
    webhook_secret: str | None = Field(default=None, max_length=255, examples=["whsec_…"])
    publishable_key: str | None = Field(default=None, max_length=255, examples=["pk_live_…"])


class ProviderRead(BaseModel):
    provider: str | None
    source: str = Field(examples=["organization", "instance", "none"])
    card_payments: bool
    publishable_key: str | None
    api_key_hint: str
    webhook_secret_set: bool
    webhook_path: str
