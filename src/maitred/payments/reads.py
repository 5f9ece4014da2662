"""Payments and refunds as the API shows them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.payments.models import Payment, Refund
from maitred.payments.repository import RefundRepository


def refund_read(refund: Refund, currency: str) -> dict[str, Any]:
    return {
        "id": refund.id,
        "payment_id": refund.payment_id,
        "amount": refund.amount,
        "currency": currency,
        "reason": refund.reason,
        "status": refund.status,
        "provider_reference": refund.provider_reference,
        "created_at": refund.created_at,
        "succeeded_at": refund.succeeded_at,
    }


def payment_read(payment: Payment, refunds: Sequence[Refund] = ()) -> dict[str, Any]:
    return {
        "id": payment.id,
        "booking_id": payment.booking_id,
        "customer_id": payment.customer_id,
        "purpose": payment.purpose,
        "amount": payment.amount,
        "currency": payment.currency,
        "payment_method": payment.method,
        "provider": payment.provider,
        "provider_reference": payment.provider_reference,
        "status": payment.status,
        "refunded_amount": payment.refunded_amount,
        "failure_code": payment.failure_code,
        "failure_message": payment.failure_message,
        "reference": payment.reference,
        "notes": payment.notes,
        "checkout_url": payment.checkout_url if payment.status == "pending" else None,
        "created_at": payment.created_at,
        "succeeded_at": payment.succeeded_at,
        "overpaid_amount": (payment.meta or {}).get("overpaid"),
        "refunds": [
            refund_read(r, payment.currency) for r in refunds if r.payment_id == payment.id
        ],
    }


async def payments_read(session: AsyncSession, payments: Sequence[Payment]) -> list[dict[str, Any]]:
    """Many payments with their refunds, in one query for all refunds."""
    if not payments:
        return []
    refunds = await RefundRepository(session, payments[0].organization_id).of_payments(
        [payment.id for payment in payments]
    )
    return [payment_read(payment, refunds) for payment in payments]
