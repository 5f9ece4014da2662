"""What a provider answered (a request's reply or a webhook), applied to a payment under its
booking's lock, then the booking's totals settled. Shared by the API flows and the webhook, so
whichever arrives first does the work and the other finds it done."""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.bookings import service as bookings_service
from maitred.kit import outbox
from maitred.kit.errors import NotFound
from maitred.kit.money import from_minor
from maitred.payments import recording, totals
from maitred.payments.models import Payment, Refund
from maitred.payments.repository import PaymentRepository


async def lock_booking_of(session: AsyncSession, payment: Payment) -> None:
    """Takes the booking's lock first (every money change of a booking does, in this order)."""
    if payment.booking_id is not None:
        await bookings_service.money_of(
            session, payment.organization_id, payment.booking_id, lock=True
        )


async def locked_payment(
    session: AsyncSession, organization_id: uuid.UUID, payment_id: uuid.UUID
) -> Payment:
    repository = PaymentRepository(session, organization_id)
    payment = await repository.get(payment_id)
    if payment is None:
        raise NotFound("No such payment")
    await lock_booking_of(session, payment)
    locked = await repository.locked(payment_id)
    assert locked is not None  # payments are never deleted
    return locked


async def settle(session: AsyncSession, payment: Payment) -> None:
    if payment.booking_id is not None:
        money = await totals.settle_and_confirm(
            session, payment.organization_id, payment.booking_id
        )
        await _flag_overpayment(session, payment, money)
    await session.flush()


async def _flag_overpayment(
    session: AsyncSession, payment: Payment, money: bookings_service.BookingMoney
) -> None:
    """A succeeded payment that takes the booking past its total (paid on an old page as it
    closed, or twice by the customer) is flagged once: `overpaid` on the payment and
    `payment.overpaid` for staff, who refund the excess (POST /payments/{id}/refund)."""
    excess = min(money.net_paid - money.total_amount, payment.amount - payment.refunded_amount)
    if payment.status != recording.SUCCEEDED or excess <= 0 or money.status == "cancelled":
        return
    if (payment.meta or {}).get("overpaid") is not None:
        return
    payment.meta = {**(payment.meta or {}), "overpaid": str(excess)}
    await outbox.emit(
        session,
        "payment.overpaid",
        organization_id=payment.organization_id,
        payment_id=payment.id,
        booking_id=payment.booking_id,
        amount=str(excess),
        currency=payment.currency,
    )


async def settle_refunds(
    session: AsyncSession, payment: Payment, refunded_before: Decimal, news: list[Refund]
) -> None:
    """Settles after refunds changed, then announces what the payment's refunded total grew by
    since `refunded_before` (the announcement needs the settled total)."""
    await settle(session, payment)
    await recording.announce_growth(session, payment, refunded_before, news)


async def link_intent(session: AsyncSession, payment: Payment, reference: str | None) -> None:
    """Records the provider's intent on a payment that has none yet, unless another row of ours
    already holds it (then that row is the intent's payment)."""
    if not reference or payment.provider_reference is not None:
        return
    other = await PaymentRepository(session, payment.organization_id).by_provider_reference(
        payment.provider or "", reference
    )
    if other is None:
        payment.provider_reference = reference


async def apply_intent(
    session: AsyncSession,
    payment: Payment,
    *,
    status: str,
    reference: str | None,
    amount_minor: int | None = None,
    error_code: str | None = None,
    error_message: str | None = None,
) -> None:
    """`payment` is locked (`locked_payment`). A status only moves forward (recording.py)."""
    await link_intent(session, payment, reference)
    if status == recording.SUCCEEDED:
        amount = from_minor(amount_minor) if amount_minor else None
        await recording.succeed(session, payment, amount=amount)
    elif status == recording.FAILED:
        await recording.fail(session, payment, code=error_code, message=error_message)
    else:
        recording.move(payment, status)
    await settle(session, payment)
