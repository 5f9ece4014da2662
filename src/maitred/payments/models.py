"""Payments and refunds (seeds 000, 001, 004): what was paid for a booking, how, and what went back.

A booking's paid, refunded and due figures are derived from these rows in one place
(`payments/totals.py`), never incremented by callers, so a webhook delivered twice or out of
order cannot count anything twice.
"""

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from maitred.kit.db import Base, TenantOwned
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
