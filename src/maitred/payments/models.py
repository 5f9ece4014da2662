"""Payments and refunds (seeds 000, 001, 004): what was paid for a booking, how, and what went back.

A booking's paid, refunded and due figures are derived from these rows in one place
(`payments/totals.py`), never incremented by callers, so a webhook delivered twice or out of
order cannot count anything twice.
"""

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from maitred.kit.db import Base, TenantOwned
from maitred.kit.encrypted import EncryptedText
from maitred.kit.money import MoneyColumn


class Payment(TenantOwned, Base):
    __tablename__ = "payments"
    __table_args__ = (
        Index("ix_payments_org_created", "organization_id", "created_at"),
        Index("ix_payments_org_status", "organization_id", "status"),
        # A provider's object is one payment, whichever webhook or request names it first.
        Index(
            "uq_payments_provider_reference",
            "provider",
            "provider_reference",
            unique=True,
            sqlite_where=text("provider_reference IS NOT NULL"),
            postgresql_where=text("provider_reference IS NOT NULL"),
        ),
        Index(
            "uq_payments_checkout_reference",
            "checkout_reference",
            unique=True,
            sqlite_where=text("checkout_reference IS NOT NULL"),
            postgresql_where=text("checkout_reference IS NOT NULL"),
        ),
    )

    booking_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("bookings.id", ondelete="RESTRICT"), index=True
    )
    order_id: Mapped[uuid.UUID | None] = mapped_column(index=True)  # restaurant orders, later
    customer_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(16), default="payment")  # deposit, balance
    amount: Mapped[Decimal] = mapped_column(MoneyColumn())
    currency: Mapped[str] = mapped_column(String(3))
    # card (through the provider), or recorded by staff: cash, check, bank_transfer, other
    method: Mapped[str] = mapped_column(String(16))
    provider: Mapped[str | None] = mapped_column(String(32))  # stripe
    provider_reference: Mapped[str | None] = mapped_column(String(255))  # pi_…
    checkout_reference: Mapped[str | None] = mapped_column(String(255))  # cs_…
    checkout_url: Mapped[str | None] = mapped_column(Text)
    # pending → requires_action → succeeded | failed | cancelled
    status: Mapped[str] = mapped_column(String(16), default="pending")
    refunded_amount: Mapped[Decimal] = mapped_column(MoneyColumn(), default=Decimal(0))
    failure_code: Mapped[str | None] = mapped_column(String(64))
    failure_message: Mapped[str | None] = mapped_column(Text)
    reference: Mapped[str] = mapped_column(String(255), default="")  # a check number, a transfer id
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    succeeded_at: Mapped[datetime | None]
    # A hash of the organization and the client's Idempotency-Key: a request retried after an
    # unanswered provider call finds this payment again instead of starting a second one.
    request_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    # What the provider last said was refunded (minor units); refunds made at the provider that
    # we have no record of still count.
    provider_refunded_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Refund(TenantOwned, Base):
    __tablename__ = "refunds"
    __table_args__ = (
        UniqueConstraint("provider_reference"),
        Index("ix_refunds_org_created", "organization_id", "created_at"),
    )

    payment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("payments.id", ondelete="RESTRICT"), index=True
    )
    amount: Mapped[Decimal] = mapped_column(MoneyColumn())
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="pending")  # succeeded, failed
    provider_reference: Mapped[str | None] = mapped_column(String(255))  # re_…
    requested_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    succeeded_at: Mapped[datetime | None]
    request_key: Mapped[str | None] = mapped_column(String(64), unique=True)  # as on payments


class ProviderConfig(TenantOwned, Base):
    """An organization's own card payment account, for platforms that host several businesses;
    without one the instance's `MAITRED_STRIPE_*` settings are used. Secrets are encrypted."""

    __tablename__ = "payment_provider_configs"
    __table_args__ = (UniqueConstraint("organization_id", "provider"),)

    provider: Mapped[str] = mapped_column(String(32))  # stripe
    api_key: Mapped[str] = mapped_column(EncryptedText("payment_provider_configs.api_key"))
    webhook_secret: Mapped[str | None] = mapped_column(
        EncryptedText("payment_provider_configs.webhook_secret")
    )
    publishable_key: Mapped[str] = mapped_column(String(255), default="")
    key_hint: Mapped[str] = mapped_column(String(16), default="")  # "sk_test_…4242"
