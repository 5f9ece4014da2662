"""Starting a card payment: its row is committed (or found again by the client's
idempotency key, or as the unanswered first try of a request sent without one) before the
provider is called, with what the provider call needs (`Started`). Charging at once
(charges.py) and the customer's pages (pages.py) both start a card payment this way.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.bookings import service as bookings_service
from maitred.config import Settings
from maitred.customers import service as customers_service
from maitred.kit.db import Database
from maitred.kit.money import to_minor
from maitred.payments import accounts, recording
from maitred.payments.caller import Caller, request_key
from maitred.payments.dues import Due, found_again, new_payment, owed
from maitred.payments.models import Payment
from maitred.payments.providers.base import IntentRequest
from maitred.payments.providers.stripe import NAME as STRIPE
from maitred.payments.providers.stripe import StripeProvider
from maitred.payments.repository import PaymentRepository


@dataclass(frozen=True)
class Started:
    """A card payment's row, committed, and what the provider call needs from it."""

    payment_id: uuid.UUID
    amount: Decimal
    currency: str
    purpose: str
    status: str
    provider_key: str
    metadata: dict[str, str]
    reference_number: str
    customer_email: str | None
    checkout_url: str | None = None
    checkout_expires_at: datetime | None = None

    def intent(self, description: str, payment_method: str | None = None) -> IntentRequest:
        """The PaymentIntent this payment asks for: charged at once with `payment_method`, else
        left for the customer's page to confirm."""
        return IntentRequest(
            amount_minor=to_minor(self.amount),
            currency=self.currency.lower(),
            idempotency_key=self.provider_key,
            metadata=self.metadata,
            description=description,
            receipt_email=self.customer_email,
            payment_method=payment_method,
        )


async def start_card_payment(
    database: Database,
    caller: Caller,
    due: Due,
    *,
    action: str,
    settings: Settings,
    notes: str = "",
) -> tuple[StripeProvider, Started]:
    """The payment's row, committed (or found again by the client's idempotency key), and the
    provider to call with it."""
    key = request_key(caller, action)
    async with database.transaction() as session:
        provider = await accounts.required_card_provider(session, caller.organization_id, settings)
        try:
            payment = await found_again(session, caller, key, due)
            if payment is not None and payment.status != recording.SUCCEEDED:
                await _still_owed(session, payment)
            if payment is None:
                money, amount, purpose = await owed(session, caller.organization_id, due)
                if key is None:
                    payment = await _unanswered(session, caller, action, money.id, amount, purpose)
            if payment is None:
                payment = new_payment(
                    session,
                    money,
                    amount,
                    purpose,
                    "card",
                    caller,
                    provider=STRIPE,
                    request_key=key,
                    notes=notes,
                    # What the booking's total was, so a page for it closes when it changes.
                    meta={
                        "action": action,
                        "principal": _principal(caller),
                        "total": str(money.total_amount),
                    },
                )
                await session.flush()
            brief = (
                await customers_service.brief(
                    session, organization_id=caller.organization_id, customer_id=payment.customer_id
                )
                if payment.customer_id
                else None
            )
            booking = await bookings_service.money_of(
                session, caller.organization_id, due.booking_id
            )
        except BaseException:
            await provider.aclose()
            raise
        expires = (payment.meta or {}).get("checkout_expires_at")
        started = Started(
            payment_id=payment.id,
            amount=payment.amount,
            currency=payment.currency,
            purpose=payment.purpose,
            status=payment.status,
            provider_key=f"maitred-{action}-{key or payment.id}",
            metadata={
                "payment_id": str(payment.id),
                "booking_id": str(due.booking_id),
                "organization_id": str(caller.organization_id),
                "reference_number": booking.reference_number,
            },
            reference_number=booking.reference_number,
            customer_email=brief.email if brief else None,
            checkout_url=payment.checkout_url,
            checkout_expires_at=datetime.fromisoformat(expires) if expires else None,
        )
    return provider, started


def _principal(caller: Caller) -> str:
    return str(caller.user_id or caller.api_key_id or "")


async def _still_owed(session: AsyncSession, payment: Payment) -> None:
    """A retry (same Idempotency-Key) of a payment not yet taken is checked against what the
    booking owes now: paid meanwhile another way, or cancelled, the card is not charged (422,
    409). The row stays as it is: if the first try did reach Stripe, its webhook or the
    reconciliation poller still records what happened."""
    assert payment.booking_id is not None
    await owed(
        session,
        payment.organization_id,
        Due(booking_id=payment.booking_id, amount=payment.amount, purpose=payment.purpose),
    )


async def _unanswered(
    session: AsyncSession,
    caller: Caller,
    action: str,
    booking_id: uuid.UUID,
    amount: Decimal,
    purpose: str,
) -> Payment | None:
    """A request without an Idempotency-Key has nothing to find its first try by, so a retry
    after a 502 would start a second payment (and, if the first did reach Stripe, charge
    twice). The same principal's card payment of this booking, for the same action, amount and
    purpose, whose provider call went unanswered, is that first try: it is sent again under its
    first provider key, so Stripe makes it at most once."""
    rows = await PaymentRepository(session, caller.organization_id).unanswered_cards(booking_id)
    for payment in rows:
        meta = payment.meta or {}
        if (meta.get("action"), meta.get("principal"), payment.amount, payment.purpose) == (
            action,
            _principal(caller),
            amount,
            purpose,
        ):
            return payment
    return None
