"""A booking's paid and refunded totals, derived from every payment and refund row in one place.

Callers lock the booking first (`bookings_service.money_of(lock=True)`), change payment rows,
then `settle`: the sums are recomputed from the rows, never incremented, so a webhook replayed
or delivered out of order, or a refund racing a payment, cannot count anything twice.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.bookings import service as bookings_service
from maitred.kit.money import from_minor
from maitred.payments.repository import SUCCEEDED, PaymentRepository, RefundRepository
from maitred.tenancy import service as tenancy_service

ZERO = Decimal("0.00")


async def settle(
    session: AsyncSession, organization_id: uuid.UUID, booking_id: uuid.UUID
) -> bookings_service.BookingMoney:
    payments = await PaymentRepository(session, organization_id).of_booking(booking_id)
    refunds = await RefundRepository(session, organization_id).of_payments(
        [payment.id for payment in payments]
    )
    refunded_of: defaultdict[uuid.UUID, Decimal] = defaultdict(lambda: ZERO)
    for refund in refunds:
        if refund.status == SUCCEEDED:
            refunded_of[refund.payment_id] += refund.amount
    paid = refunded = ZERO
    for payment in payments:
        # Refunds made at the provider that we hold no row for still count.
        known = max(refunded_of[payment.id], from_minor(payment.provider_refunded_minor))
        payment.refunded_amount = min(known, payment.amount)
        if payment.status == SUCCEEDED:
            paid += payment.amount
            refunded += payment.refunded_amount
    await session.flush()
    return await bookings_service.set_paid(
        session, organization_id, booking_id, amount_paid=paid, amount_refunded=refunded
    )


async def settle_and_confirm(
    session: AsyncSession, organization_id: uuid.UUID, booking_id: uuid.UUID
) -> bookings_service.BookingMoney:
    """`settle`, then confirm a pending booking whose deposit is now paid (if the organization
    wants that, which is the default)."""
    money = await settle(session, organization_id, booking_id)
    if money.status == "pending" and money.net_paid > 0 and money.deposit_due <= 0:
        organization = await tenancy_service.get(session, organization_id)
        if organization is not None and (
            tenancy_service.settings_of(organization).payments.confirm_when_deposit_paid
        ):
            await bookings_service.confirm_paid(session, organization_id, booking_id)
    return money
