"""Taking money for a booking: recorded by staff (cash, check, transfer), charged on a card at
once, or started for the customer to finish (a PaymentIntent's client secret, a hosted Checkout
link).

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
from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from maitred.kit.errors import ExternalServiceFailed, InvalidState, ValidationFailed
from maitred.kit.money import to_minor
from maitred.payments import accounts, outcomes, recording, totals
from maitred.payments.models import Payment
from maitred.payments.providers.base import (
    CheckoutRequest,
    IntentRequest,
    PaymentDeclined,
    ProviderUnavailable,
)
from maitred.payments.providers.stripe import NAME as STRIPE
from maitred.payments.providers.stripe import StripeProvider
from maitred.payments.reads import payment_read
from maitred.payments.repository import PaymentRepository
from maitred.tenancy import service as tenancy_service

STAFF_METHODS = frozenset({"cash", "check", "bank_transfer", "other"})


@dataclass(frozen=True)
class Caller:
    organization_id: uuid.UUID
    user_id: uuid.UUID | None = None
    idempotency_key: str | None = None  # the client's, as sent


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


def request_key(caller: Caller, action: str) -> str | None:
    if not caller.idempotency_key:
        return None
    raw = f"{caller.organization_id}:{action}:{caller.idempotency_key}"
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
    purpose = due.purpose or ("deposit" if money.deposit_due > 0 else "balance")
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
    """Money staff took themselves (cash, check, transfer): succeeded as recorded."""
    money, amount, purpose = await owed(session, caller.organization_id, due)
    payment = _new(
        session, money, amount, purpose, method, caller, reference=reference, notes=notes
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
            if payment is None:
                money, amount, purpose = await owed(session, caller.organization_id, due)
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
                IntentRequest(
                    amount_minor=to_minor(started.amount),
                    currency=started.currency.lower(),
                    idempotency_key=started.provider_key,
                    metadata=started.metadata,
                    description=f"Booking {started.reference_number}",
                    receipt_email=started.customer_email,
                    payment_method=token,
                )
            )
        except PaymentDeclined as exc:
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


async def create_intent(
    database: Database, caller: Caller, due: Due, *, settings: Settings
) -> dict[str, Any]:
    """A PaymentIntent for the customer's page to confirm with its client secret; the webhook
    `payment_intent.succeeded` records the money."""
    provider, started = await start_card_payment(
        database, caller, due, action="intent", settings=settings
    )
    publishable = (await _describe(database, caller, settings)).get("publishable_key")
    async with calling(provider):
        try:
            intent = await provider.create_intent(
                IntentRequest(
                    amount_minor=to_minor(started.amount),
                    currency=started.currency.lower(),
                    idempotency_key=started.provider_key,
                    metadata=started.metadata,
                    description=_line(started),
                    receipt_email=started.customer_email,
                )
            )
        except PaymentDeclined as exc:
            await _give_up(database, caller, started.payment_id, exc)
            raise ValidationFailed(str(exc), details={"amount": str(exc)}) from exc
    async with database.transaction() as session:
        payment = await outcomes.locked_payment(session, caller.organization_id, started.payment_id)
        await outcomes.apply_intent(
            session, payment, status=intent.status, reference=intent.reference
        )
    return {
        "payment_id": started.payment_id,
        "provider_reference": intent.reference,
        "client_secret": intent.client_secret or "",
        "amount": started.amount,
        "currency": started.currency,
        "status": intent.status,
        "publishable_key": publishable,
    }


async def create_checkout_link(
    database: Database,
    caller: Caller,
    due: Due,
    *,
    settings: Settings,
    success_url: str | None = None,
    cancel_url: str | None = None,
) -> dict[str, Any]:
    """A hosted Checkout page for the booking's deposit (or balance), to send by SMS or email. An
    unexpired link of the same amount is handed out again instead of a second one."""
    async with database.transaction() as session:
        reusable = await _open_link(session, caller, due)
    if reusable is not None:
        return reusable
    provider, started = await start_card_payment(
        database, caller, due, action="checkout", settings=settings
    )
    if started.checkout_url:
        await provider.aclose()
        return _link(started.payment_id, started)
    pages = await _pages(database, caller, settings)
    async with calling(provider):
        try:
            link = await provider.create_checkout(
                CheckoutRequest(
                    amount_minor=to_minor(started.amount),
                    currency=started.currency.lower(),
                    idempotency_key=started.provider_key,
                    product_name=_line(started),
                    success_url=success_url or pages[0],
                    cancel_url=cancel_url or pages[1],
                    metadata=started.metadata,
                    customer_email=started.customer_email,
                )
            )
        except PaymentDeclined as exc:
            await _give_up(database, caller, started.payment_id, exc)
            raise ValidationFailed(str(exc), details={"amount": str(exc)}) from exc
    async with database.transaction() as session:
        payment = await outcomes.locked_payment(session, caller.organization_id, started.payment_id)
        payment.checkout_reference = link.reference
        payment.checkout_url = link.url
        if link.expires_at is not None:
            payment.meta = {
                **(payment.meta or {}),
                "checkout_expires_at": link.expires_at.isoformat(),
            }
        await session.flush()
    return {
        "payment_id": started.payment_id,
        "url": link.url,
        "expires_at": link.expires_at,
        "amount": started.amount,
        "currency": started.currency,
        "purpose": started.purpose,
    }


def _line(started: Started) -> str:
    """What the customer's statement and the hosted page say the money is for."""
    return f"{started.purpose.capitalize()} for booking {started.reference_number}"


def _link(payment_id: uuid.UUID, started: Started) -> dict[str, Any]:
    return {
        "payment_id": payment_id,
        "url": started.checkout_url,
        "expires_at": started.checkout_expires_at,
        "amount": started.amount,
        "currency": started.currency,
        "purpose": started.purpose,
    }


async def _open_link(session: AsyncSession, caller: Caller, due: Due) -> dict[str, Any] | None:
    money, amount, purpose = await owed(session, caller.organization_id, due)
    payment = await PaymentRepository(session, caller.organization_id).open_checkout(
        money.id, purpose, amount, utcnow()
    )
    if payment is None or payment.checkout_url is None:
        return None
    expires = datetime.fromisoformat(payment.meta["checkout_expires_at"])
    return {
        "payment_id": payment.id,
        "url": payment.checkout_url,
        "expires_at": expires,
        "amount": payment.amount,
        "currency": payment.currency,
        "purpose": payment.purpose,
    }


async def _pages(database: Database, caller: Caller, settings: Settings) -> tuple[str, str]:
    """Where the hosted page returns: the organization's settings, else maitred's own page."""
    async with database.transaction(write=False) as session:
        organization = await tenancy_service.get(session, caller.organization_id)
    own = tenancy_service.settings_of(organization).payments if organization else None
    done = f"{settings.public_url.rstrip('/')}/api/v1/public/payments/done"
    success = (
        str(own.checkout_success_url) if own and own.checkout_success_url else f"{done}?paid=1"
    )
    cancel = str(own.checkout_cancel_url) if own and own.checkout_cancel_url else f"{done}?paid=0"
    return success, cancel


async def _describe(database: Database, caller: Caller, settings: Settings) -> dict[str, Any]:
    async with database.transaction(write=False) as session:
        return await accounts.describe(session, caller.organization_id, settings)


async def _give_up(
    database: Database, caller: Caller, payment_id: uuid.UUID, exc: PaymentDeclined
) -> None:
    """The provider refused to even start (an invalid amount): the row ends failed."""
    async with database.transaction() as session:
        payment = await outcomes.locked_payment(session, caller.organization_id, payment_id)
        await outcomes.apply_intent(
            session,
            payment,
            status=recording.FAILED,
            reference=None,
            error_code=exc.code,
            error_message=str(exc),
        )


async def _read(database: Database, caller: Caller, payment_id: uuid.UUID) -> dict[str, Any]:
    async with database.transaction(write=False) as session:
        payment = await PaymentRepository(session, caller.organization_id).get_or_404(payment_id)
        return {**payment_read(payment), "client_secret": None}
