"""What a booking owes a new payment: `owed` locks the booking and checks the amount, currency
and purpose asked for (`Due`) against it, `new_payment` adds the pending row for what is owed,
and `found_again` is the row an earlier try under the same Idempotency-Key added. Staff-recorded
payments, card payments and payment pages all start here.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.bookings import service as bookings_service
from maitred.kit.errors import InvalidState, ValidationFailed
from maitred.payments.caller import Caller
from maitred.payments.models import Payment
from maitred.payments.repository import PaymentRepository


@dataclass(frozen=True)
class Due:
    """What a new payment of a booking is for, checked against what the booking owes."""

    booking_id: uuid.UUID
    amount: Decimal | None = None
    purpose: str | None = None
    currency: str | None = None


async def owed(
    session: AsyncSession, organization_id: uuid.UUID, due: Due
) -> tuple[bookings_service.BookingMoney, Decimal, str]:
    """Locks the booking and checks `due` against it: 422 for an amount above the balance due,
    another currency, or nothing left to pay; 409 for a cancelled booking."""
    money = await bookings_service.money_of(session, organization_id, due.booking_id, lock=True)
    if money.status == "cancelled":
        raise InvalidState("A cancelled booking takes no payments; refund it instead")
    if due.currency and due.currency.upper() != money.currency:
        raise ValidationFailed(
            f"This booking is paid in {money.currency}",
            details={"currency": f"Must be {money.currency}, the booking's currency"},
        )
    deposit = money.deposit_due > 0 and (due.amount is None or due.amount <= money.deposit_due)
    purpose = due.purpose or ("deposit" if deposit else "balance")
    left = money.deposit_due if purpose == "deposit" else money.balance_due
    if due.amount is None:
        if left <= 0:
            what = "the deposit is paid" if purpose == "deposit" else "the booking is paid in full"
            raise ValidationFailed(
                f"Nothing is due: {what}", details={"amount": f"Nothing is due: {what}"}
            )
        return money, left, purpose
    if due.amount > money.balance_due:
        problem = (
            f"{due.amount} is more than the balance due ({money.balance_due} {money.currency})"
        )
        raise ValidationFailed(problem, details={"amount": problem})
    return money, due.amount, purpose


def new_payment(
    session: AsyncSession,
    money: bookings_service.BookingMoney,
    amount: Decimal,
    purpose: str,
    method: str,
    caller: Caller,
    **fields: Any,
) -> Payment:
    return PaymentRepository(session, money.organization_id).add(
        Payment(
            id=uuid.uuid4(),
            booking_id=money.id,
            customer_id=money.customer_id,
            purpose=purpose,
            amount=amount,
            currency=money.currency,
            method=method,
            status="pending",
            recorded_by=caller.user_id,
            **fields,
        )
    )


async def found_again(
    session: AsyncSession, caller: Caller, key: str | None, due: Due
) -> Payment | None:
    if key is None:
        return None
    payment = await PaymentRepository(session, caller.organization_id).by_request_key(key)
    if payment is not None and payment.booking_id != due.booking_id:
        raise ValidationFailed(
            "This Idempotency-Key was used for a payment of another booking",
            details={"idempotency_key": "Use a new key for a new payment"},
        )
    return payment
