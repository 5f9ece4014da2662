"""Receipts of money taken for a booking and given back, behind the `payment_receipts` setting.

The payment's and refund's figures are the event's (what happened then); the booking's paid and
balance figures are read when the receipt is sent, as every notice reads its booking. A payment
made for no booking gets no receipt here. The dedupe keys name the payment, or the refund, so a
replayed event sends nothing twice.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit.outbox import Event
from maitred.notifications.automatic import send_automatic
from maitred.notifications.facts import Business, Facts, booking_facts, business, long_date, money

# How a receipt names the method; "other" says nothing rather than "other".
METHOD_NAMES = {"card": "card", "cash": "cash", "check": "check", "bank_transfer": "bank transfer"}


@dataclass(frozen=True)
class PaymentNews:
    """What a `payment.*` event says of its payment, as it was when the event was emitted."""

    payment_id: uuid.UUID
    booking_id: uuid.UUID | None
    amount: Decimal
    currency: str
    method: str
    purpose: str
    happened_at: datetime

    @classmethod
    def of(cls, event: Event) -> PaymentNews:
        facts = event.payload
        booking_id = facts.get("booking_id")
        return cls(
            payment_id=uuid.UUID(str(facts["payment_id"])),
            booking_id=uuid.UUID(str(booking_id)) if booking_id else None,
            amount=Decimal(str(facts["amount"])),
            currency=str(facts["currency"]),
            method=str(facts["method"]),
            purpose=str(facts["purpose"]),
            happened_at=event.created_at,
        )


async def _receipt_facts(
    session: AsyncSession, organization_id: uuid.UUID, news: PaymentNews, *, day_key: str
) -> tuple[Business, Facts] | None:
    """The booking's facts and the payment's, its local day under `day_key`; None when receipts
    are off, or the payment's booking is gone (or there is none)."""
    owner = await business(session, organization_id)
    if owner is None or not owner.settings.payment_receipts or news.booking_id is None:
        return None
    facts = await booking_facts(session, organization_id, news.booking_id, owner)
    if facts is None:
        return None
    local_day = news.happened_at.astimezone(ZoneInfo(owner.timezone)).date()
    about_payment = {
        "payment_id": str(news.payment_id),
        "payment_amount": money(news.amount, news.currency),
        "payment_method": METHOD_NAMES.get(news.method, ""),
        "payment_purpose": news.purpose,
        day_key: long_date(local_day, facts.recipient.language),
    }
    return owner, Facts(facts.data | about_payment, facts.recipient, facts.booking)


async def send_payment_receipt(
    session: AsyncSession, organization_id: uuid.UUID, news: PaymentNews
) -> int:
    found = await _receipt_facts(session, organization_id, news, day_key="paid_on")
    if found is None:
        return 0
    owner, facts = found
    return await send_automatic(
        session,
        organization_id,
        owner,
        "payment_receipt",
        facts,
        dedupe=f"payment_receipt:{news.payment_id}",
    )


async def send_refund_receipt(
    session: AsyncSession,
    organization_id: uuid.UUID,
    news: PaymentNews,
    *,
    refund_id: uuid.UUID | None,
    refund_amount: Decimal,
    refunded_total: Decimal,
    reason: str,
) -> int:
    """One receipt per refund; a refund made at the provider that has no row of ours is known
    by the payment's refunded total it brought."""
    found = await _receipt_facts(session, organization_id, news, day_key="refunded_on")
    if found is None:
        return 0
    owner, facts = found
    about_refund = {"refund_amount": money(refund_amount, news.currency), "refund_reason": reason}
    which = refund_id or f"{news.payment_id}:{refunded_total:.2f}"
    return await send_automatic(
        session,
        organization_id,
        owner,
        "refund_receipt",
        Facts(facts.data | about_refund, facts.recipient, facts.booking),
        dedupe=f"refund_receipt:{which}",
    )
