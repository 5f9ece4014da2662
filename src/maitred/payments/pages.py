"""Payments the customer finishes on a page: a PaymentIntent whose client secret a checkout
page (Stripe Elements) confirms, or a hosted Stripe Checkout link to send by SMS or email. The
row is committed first and the provider called outside any transaction, as in charges.py; the
webhook records the money when the customer pays."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.config import Settings
from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from maitred.kit.errors import ValidationFailed
from maitred.kit.money import to_minor
from maitred.payments import accounts, outcomes, recording
from maitred.payments.caller import Caller
from maitred.payments.card_start import Started, start_card_payment
from maitred.payments.dues import Due, owed
from maitred.payments.provider_calls import calling, refuse_other_retry
from maitred.payments.providers.base import CheckoutRequest, PaymentDeclined
from maitred.payments.repository import PaymentRepository
from maitred.tenancy import service as tenancy_service


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
            intent = await provider.create_intent(started.intent(_line(started)))
        except PaymentDeclined as exc:
            refuse_other_retry(exc)
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
            refuse_other_retry(exc)
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
