"""What happened to a payment or refund, applied to its row once: a status only moves forward
(a late `payment_failed` never undoes a success), and each real change emits its event."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit import outbox
from maitred.kit.clock import utcnow
from maitred.kit.money import to_minor
from maitred.payments.models import Payment, Refund

SUCCEEDED, FAILED, PENDING = "succeeded", "failed", "pending"
# Where a payment may still go from each status; succeeded is final (refunds are their own rows).
_NEXT = {
    "pending": {"requires_action", "succeeded", "failed", "cancelled"},
    "requires_action": {"pending", "succeeded", "failed", "cancelled"},
    # A failed card payment may be retried on the same intent with another card.
    "failed": {"requires_action", "succeeded", "cancelled", "pending"},
    # Money that arrives on a page closed too late (the customer paid as it expired) counts.
    "cancelled": {"succeeded"},
    "succeeded": set[str](),
}


def _facts(payment: Payment) -> dict[str, Any]:
    return {
        "payment_id": payment.id,
        "booking_id": payment.booking_id,
        "customer_id": payment.customer_id,
        "amount": str(payment.amount),
        "currency": payment.currency,
        "method": payment.method,
        "purpose": payment.purpose,
    }


async def succeed(
    session: AsyncSession, payment: Payment, *, amount: Decimal | None = None
) -> bool:
    """True when this is news (then `payment.completed` is emitted)."""
    if SUCCEEDED not in _NEXT[payment.status]:
        return False
    if amount is not None:
        payment.amount = amount
    payment.status = SUCCEEDED
    payment.succeeded_at = utcnow()
    payment.failure_code = payment.failure_message = None
    payment.updated_at = utcnow()
    await outbox.emit(
        session, "payment.completed", organization_id=payment.organization_id, **_facts(payment)
    )
    return True


async def fail(
    session: AsyncSession, payment: Payment, *, code: str | None, message: str | None
) -> bool:
    if FAILED not in _NEXT[payment.status]:
        return False
    payment.status = FAILED
    payment.failure_code = (code or "")[:64] or None
    payment.failure_message = message
    payment.updated_at = utcnow()
    await outbox.emit(
        session,
        "payment.failed",
        organization_id=payment.organization_id,
        **_facts(payment),
        failure_code=payment.failure_code,
        failure_message=message,
    )
    return True


def move(payment: Payment, status: str) -> bool:
    """Any other step (pending, requires_action, cancelled), where the order allows it."""
    if status == payment.status or status not in _NEXT[payment.status]:
        return False
    payment.status = status
    payment.updated_at = utcnow()
    return True


def refund_went_through(refund: Refund) -> bool:
    """True when this is news; `settle` then counts it, and `announce_refund` tells the world.
    A failed or cancelled refund is final at the provider: a late report of its success (an
    older event delivered after the failure) changes nothing."""
    if refund.status in (SUCCEEDED, FAILED, "cancelled"):
        return False
    refund.status = SUCCEEDED
    refund.succeeded_at = utcnow()
    refund.updated_at = utcnow()
    return True


async def refund_failed(
    session: AsyncSession, payment: Payment, refund: Refund, status: str
) -> bool:
    """A pending refund that failed, or one that succeeded and then failed (the money went back
    to the provider balance, not to the customer): it stops counting, including in what the
    provider last reported as refunded, and `payment.refund_failed` tells staff to give the money
    back another way. True when this is news; the caller settles."""
    if refund.status not in (PENDING, SUCCEEDED):
        return False
    counted = refund.status == SUCCEEDED
    refund.status = status
    refund.updated_at = utcnow()
    if not counted:
        return True
    refund.succeeded_at = None
    payment.provider_refunded_minor = max(
        payment.provider_refunded_minor - to_minor(refund.amount), 0
    )
    await outbox.emit(
        session,
        "payment.refund_failed",
        organization_id=payment.organization_id,
        **_facts(payment),
        refund_id=refund.id,
        refund_amount=str(refund.amount),
    )
    return True


async def announce_refund(
    session: AsyncSession, payment: Payment, refund: Refund | None, amount: Decimal
) -> None:
    """`payment.refunded` after `settle`: `refund_amount` is this refund's, `refunded_total` the
    payment's running total. `refund` is None for a refund made at the provider we hold no row
    for."""
    await outbox.emit(
        session,
        "payment.refunded",
        organization_id=payment.organization_id,
        **_facts(payment),
        refund_id=refund.id if refund is not None else None,
        refund_amount=str(amount),
        refunded_total=str(payment.refunded_amount),
        reason=refund.reason if refund is not None else "",
    )


async def announce_growth(
    session: AsyncSession, payment: Payment, before: Decimal, news: list[Refund]
) -> None:
    """Announces only what the payment's refunded total grew by since `before` (after `settle`),
    attributed to the refunds that just went through: a refund first seen as a bare total and
    later by its own row is announced once."""
    growth = payment.refunded_amount - before
    for refund in news:
        share = min(refund.amount, growth)
        if share > 0:
            await announce_refund(session, payment, refund, share)
            growth -= share
    if growth > 0:
        await announce_refund(session, payment, None, growth)
