"""Taking money for a booking: recorded by staff (cash, check, transfer) or charged on a card at
once; what the customer finishes on a page (intents, Checkout links) is in pages.py.

A card payment is a row first, committed before the provider is called (never inside a
transaction: the call may take seconds), then the answer is applied in a second transaction. The
provider gets an idempotency key derived from the client's `Idempotency-Key` (or from the row),
and a request retried after an unanswered call finds its row again by that key, so a retry never
charges twice.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.bookings import service as bookings_service
from maitred.config import Settings
from maitred.customers import service as customers_service
from maitred.kit.db import Database
from maitred.kit.errors import ExternalServiceFailed, InvalidState, ValidationFailed
from maitred.kit.money import to_minor
from maitred.payments import accounts, outcomes, recording, totals
from maitred.payments.models import Payment
from maitred.payments.providers.base import (
    IntentRequest,
    PaymentDeclined,
    ProviderUnavailable,
)
from maitred.payments.providers.stripe import NAME as STRIPE
from maitred.payments.providers.stripe import StripeProvider
from maitred.payments.reads import payment_read
from maitred.payments.repository import PaymentRepository

STAFF_METHODS = frozenset({"cash", "check", "bank_transfer", "other"})


@dataclass(frozen=True)
class Caller:
    organization_id: uuid.UUID
    user_id: uuid.UUID | None = None
    idempotency_key: str | None = None  # the client's, as sent
    api_key_id: uuid.UUID | None = None


@dataclass(frozen=True)
class Due:
    """What a new payment of a booking is for, checked against what the booking owes."""

    booking_id: uuid.UUID
    amount: Decimal | None = None
    purpose: str | None = None
    currency: str | None = None


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


def request_key(caller: Caller, action: str) -> str | None:
    """The money write a client's Idempotency-Key names: unique per organization and principal
    (user or API key), as the middleware scopes the key, so a retry finds its row again."""
    if not caller.idempotency_key:
        return None
    principal = caller.user_id or caller.api_key_id or ""
    raw = f"{caller.organization_id}:{principal}:{action}:{caller.idempotency_key}"
    return hashlib.sha256(raw.encode()).hexdigest()


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


def _new(
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


async def record_received(
    session: AsyncSession,
    caller: Caller,
    due: Due,
    *,
    method: str,
    reference: str = "",
    notes: str = "",
) -> Payment:
    """Money staff took themselves (cash, check, transfer): succeeded as recorded. Sent again
    with the same Idempotency-Key, it is the payment recorded the first time."""
    key = request_key(caller, "record")
    if key is not None:
        # Serialized on the booking, so a concurrent retry finds the first one's row.
        await bookings_service.money_of(session, caller.organization_id, due.booking_id, lock=True)
        if (found := await _again(session, caller, key, due)) is not None:
            return found
    money, amount, purpose = await owed(session, caller.organization_id, due)
    payment = _new(
        session,
        money,
        amount,
        purpose,
        method,
        caller,
        reference=reference,
        notes=notes,
        request_key=key,
    )
    await session.flush()
    await recording.succeed(session, payment)
    await totals.settle_and_confirm(session, caller.organization_id, money.id)
    return payment


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
            payment = await _again(session, caller, key, due)
            if payment is not None and payment.status != recording.SUCCEEDED:
                await _still_owed(session, payment)
            if payment is None:
                money, amount, purpose = await owed(session, caller.organization_id, due)
                if key is None:
                    payment = await _unanswered(session, caller, action, money.id, amount, purpose)
            if payment is None:
                payment = _new(
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


async def _again(
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


@asynccontextmanager
async def calling(provider: StripeProvider) -> AsyncIterator[None]:
    """The provider call: no answer is 502 (retry with the same Idempotency-Key); the client is
    closed afterwards."""
    try:
        yield
    except ProviderUnavailable as exc:
        raise ExternalServiceFailed(
            f"The payment provider did not answer ({exc}); nothing is lost: retry with the same "
            "Idempotency-Key",
            details={"provider": provider.name, "code": exc.code},
        ) from exc
    finally:
        await provider.aclose()


def refuse_other_retry(exc: PaymentDeclined) -> None:
    """Stripe refuses a retry under the first try's key that asks for something else (another
    card): the first try may still have charged, so nothing is charged anew (409) and the row
    is left for the webhook or the reconciliation poller to settle."""
    if exc.code == "idempotency_error":
        raise InvalidState(
            "An earlier try of this payment went unanswered and may have gone through: send it "
            "again as it was, or wait until its outcome is known",
            details={"payment": "unanswered"},
        ) from exc


async def charge_card(
    database: Database,
    caller: Caller,
    due: Due,
    *,
    token: str,
    settings: Settings,
    notes: str = "",
) -> dict[str, Any]:
    """Charges now with a token or saved payment method; a card that needs the customer
    (3-D Secure) comes back `requires_action` with the client secret for the page."""
    provider, started = await start_card_payment(
        database, caller, due, action="process", settings=settings, notes=notes
    )
    if started.status == recording.SUCCEEDED:
        await provider.aclose()
        return await _read(database, caller, started.payment_id)
    declined: PaymentDeclined | None = None
    async with calling(provider):
        try:
            intent = await provider.create_intent(
                started.intent(f"Booking {started.reference_number}", token)
            )
        except PaymentDeclined as exc:
            refuse_other_retry(exc)
            declined = exc
    async with database.transaction() as session:
        payment = await outcomes.locked_payment(session, caller.organization_id, started.payment_id)
        if declined is not None:
            await outcomes.apply_intent(
                session,
                payment,
                status=recording.FAILED,
                reference=None,
                error_code=declined.code,
                error_message=str(declined),
            )
        else:
            await outcomes.apply_intent(
                session,
                payment,
                status=intent.status,
                reference=intent.reference,
                amount_minor=intent.amount_minor,
                error_code=intent.error_code,
                error_message=intent.error_message,
            )
        answer = {**payment_read(payment), "client_secret": None}
        if declined is None and intent.status == "requires_action":
            answer["client_secret"] = intent.client_secret
    if declined is not None or answer["status"] == recording.FAILED:
        message = answer["failure_message"] or "The card was declined"
        raise ValidationFailed(
            f"The card was declined: {message}",
            details={
                "payment_method": message,
                "decline_code": answer["failure_code"],
                "payment_id": str(started.payment_id),
            },
        )
    return answer


async def _read(database: Database, caller: Caller, payment_id: uuid.UUID) -> dict[str, Any]:
    async with database.transaction(write=False) as session:
        payment = await PaymentRepository(session, caller.organization_id).get_or_404(payment_id)
        return {**payment_read(payment), "client_secret": None}
