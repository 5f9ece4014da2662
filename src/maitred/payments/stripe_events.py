"""Stripe's webhook events, applied to payments once and in any order.

Each event is stored once by its id (`webhooks/inbound.store_once`): a replay changes nothing.
Handling is order-independent because every handler only moves rows forward (a success is final,
a late failure is ignored), refunds are matched by our id in their metadata or by Stripe's id,
the refunded amount Stripe reports only ever grows, and the booking's totals are recomputed from
the rows (payments/totals.py), never incremented. A `charge.refunded` that arrives before
`payment_intent.succeeded` marks the payment succeeded itself, since a refunded charge was paid.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.bookings import service as bookings_service
from maitred.kit.errors import NotFound
from maitred.kit.money import from_minor
from maitred.payments import outcomes, recording
from maitred.payments.models import Payment, Refund
from maitred.payments.providers.base import WebhookEvent
from maitred.payments.providers.stripe import NAME as STRIPE
from maitred.payments.providers.stripe import refund_status
from maitred.payments.refunds import apply_refund
from maitred.payments.repository import (
    PaymentRepository,
    RefundRepository,
    organization_of_reference,
)
from maitred.webhooks.inbound import store_once

log = logging.getLogger("maitred.payments")
Handler = Callable[[AsyncSession, uuid.UUID, dict[str, Any]], Awaitable[None]]


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def _metadata(data: dict[str, Any]) -> dict[str, Any]:
    found = data.get("metadata")
    return found if isinstance(found, dict) else {}


def _intent_of(data: dict[str, Any], kind: str) -> str | None:
    if kind == "payment_intent":
        return str(data["id"])
    found = data.get("payment_intent")
    if isinstance(found, dict):  # expanded
        found = found.get("id")
    return str(found) if found else None


async def organization_of(
    session: AsyncSession, event: WebhookEvent, endpoint_organization: uuid.UUID | None
) -> uuid.UUID | None:
    """The organization whose endpoint received it, else the one our metadata names (checked
    against the booking), else the owner of the payment the event refers to."""
    if endpoint_organization is not None:
        return endpoint_organization
    metadata = _metadata(event.data)
    booking_id = _uuid(metadata.get("booking_id"))
    if booking_id is not None:
        owner = await bookings_service.organization_of_booking(session, booking_id)
        if owner is not None:
            return owner
    kind = str(event.data.get("object", ""))
    intent = _intent_of(event.data, kind) if event.data.get("id") else None
    if intent:
        return await organization_of_reference(session, STRIPE, intent)
    return None


async def receive(
    session: AsyncSession,
    event: WebhookEvent,
    *,
    endpoint_organization: uuid.UUID | None,
    headers: dict[str, str],
) -> bool:
    """False for a replay (already stored: nothing is done again)."""
    organization_id = await organization_of(session, event, endpoint_organization)
    stored = await store_once(
        session,
        provider=STRIPE,
        event_id=event.id,
        event_type=event.type,
        payload={"id": event.id, "type": event.type, "data": {"object": event.data}},
        headers=headers,
        organization_id=organization_id,
    )
    if stored is None:
        return False
    handler = HANDLERS.get(event.type)
    if handler is None:
        return True  # customer.subscription.created and the like: recorded, nothing to do yet
    if organization_id is None:
        log.warning("stripe %s %s names no booking or payment of ours", event.type, event.id)
        return True
    await handler(session, organization_id, event.data)
    return True


async def _payment(
    session: AsyncSession,
    organization_id: uuid.UUID,
    data: dict[str, Any],
    *,
    intent: str | None,
    checkout: str | None = None,
    amount_minor: int | None = None,
) -> Payment | None:
    """Our payment the event is about, locked with its booking: by our id in the metadata, by
    the intent or checkout session id, or new for a booking named in the metadata (an intent
    made outside maitred, seed 000's webhook)."""
    repository = PaymentRepository(session, organization_id)
    metadata = _metadata(data)
    found = await _known(repository, metadata, intent, checkout)
    if found is not None:
        return await outcomes.locked_payment(session, organization_id, found.id)
    booking_id = _uuid(metadata.get("booking_id"))
    if booking_id is None or amount_minor is None:
        return None
    try:
        money = await bookings_service.money_of(session, organization_id, booking_id, lock=True)
    except NotFound:
        return None
    # Another event about the same intent may have made it while we waited for the lock.
    found = await _known(repository, metadata, intent, checkout)
    if found is not None:
        return await outcomes.locked_payment(session, organization_id, found.id)
    payment = repository.add(
        Payment(
            id=uuid.uuid4(),
            booking_id=money.id,
            customer_id=money.customer_id,
            purpose="deposit" if money.deposit_due > 0 else "balance",
            amount=from_minor(amount_minor),
            currency=str(data.get("currency") or money.currency).upper(),
            method="card",
            provider=STRIPE,
            provider_reference=intent,
            checkout_reference=checkout,
            status="pending",
        )
    )
    await session.flush()
    return payment


async def _known(
    repository: PaymentRepository,
    metadata: dict[str, Any],
    intent: str | None,
    checkout: str | None,
) -> Payment | None:
    payment_id = _uuid(metadata.get("payment_id"))
    found = await repository.get(payment_id) if payment_id is not None else None
    if found is None and intent:
        found = await repository.by_provider_reference(STRIPE, intent)
    if found is None and checkout:
        found = await repository.by_checkout_reference(checkout)
    return found


async def intent_succeeded(
    session: AsyncSession, organization_id: uuid.UUID, data: dict[str, Any]
) -> None:
    amount = int(data.get("amount_received") or data.get("amount") or 0)
    intent = _intent_of(data, "payment_intent")
    payment = await _payment(session, organization_id, data, intent=intent, amount_minor=amount)
    if payment is None:
        return
    await outcomes.apply_intent(
        session, payment, status=recording.SUCCEEDED, reference=intent, amount_minor=amount or None
    )


async def intent_failed(
    session: AsyncSession, organization_id: uuid.UUID, data: dict[str, Any]
) -> None:
    intent = _intent_of(data, "payment_intent")
    payment = await _payment(
        session, organization_id, data, intent=intent, amount_minor=int(data.get("amount") or 0)
    )
    if payment is None:
        return
    error = data.get("last_payment_error") or {}
    await outcomes.apply_intent(
        session,
        payment,
        status=recording.FAILED,
        reference=intent,
        error_code=error.get("decline_code") or error.get("code"),
        error_message=error.get("message"),
    )


async def intent_canceled(
    session: AsyncSession, organization_id: uuid.UUID, data: dict[str, Any]
) -> None:
    intent = _intent_of(data, "payment_intent")
    payment = await _payment(session, organization_id, data, intent=intent)
    if payment is not None:
        await outcomes.apply_intent(session, payment, status="cancelled", reference=intent)


async def checkout_completed(
    session: AsyncSession, organization_id: uuid.UUID, data: dict[str, Any]
) -> None:
    intent = _intent_of(data, "checkout.session")
    checkout = str(data["id"])
    amount = int(data.get("amount_total") or 0)
    payment = await _payment(
        session, organization_id, data, intent=intent, checkout=checkout, amount_minor=amount
    )
    if payment is None:
        return
    if payment.checkout_reference is None:
        payment.checkout_reference = checkout
    # "unpaid" for payment methods that settle later (bank debits): their intent's own
    # payment_intent.succeeded records the money then.
    paid = data.get("payment_status") in ("paid", "no_payment_required")
    await outcomes.apply_intent(
        session,
        payment,
        status=recording.SUCCEEDED if paid else payment.status,
        reference=intent,
        amount_minor=amount or None,
    )


async def charge_refunded(
    session: AsyncSession, organization_id: uuid.UUID, data: dict[str, Any]
) -> None:
    intent = _intent_of(data, "charge")
    captured = int(data.get("amount_captured") or data.get("amount") or 0)
    payment = await _payment(session, organization_id, data, intent=intent, amount_minor=captured)
    if payment is None:
        return
    await outcomes.link_intent(session, payment, intent)
    before = payment.refunded_amount
    if payment.status != recording.SUCCEEDED:
        # The refund got here before the success: a refunded charge was paid, and paid before
        # it was refunded, so the payment is settled first (a paid deposit confirms the booking)
        # as when the events come in Stripe's order.
        await recording.succeed(session, payment, amount=from_minor(captured) if captured else None)
        await outcomes.settle(session, payment)
    payment.provider_refunded_minor = max(
        payment.provider_refunded_minor, int(data.get("amount_refunded") or 0)
    )
    listed = (data.get("refunds") or {}).get("data") or []
    news = [r for item in listed if (r := await _refund_row(session, payment, item)) is not None]
    await outcomes.settle_refunds(session, payment, before, news)


async def refund_changed(
    session: AsyncSession, organization_id: uuid.UUID, data: dict[str, Any]
) -> None:
    """refund.created / refund.updated / refund.failed / charge.refund.updated: one refund
    object."""
    intent = _intent_of(data, "refund")
    payment = await _payment(session, organization_id, data, intent=intent)
    if payment is None or payment.status != recording.SUCCEEDED:
        return  # charge.refunded (which also succeeds the payment) will bring it
    before = payment.refunded_amount
    news = await _refund_row(session, payment, data)
    await outcomes.settle_refunds(session, payment, before, [news] if news else [])


async def _refund_row(
    session: AsyncSession, payment: Payment, item: dict[str, Any]
) -> Refund | None:
    """Our row of one Stripe refund, made or updated; returned when it has just succeeded."""
    repository = RefundRepository(session, payment.organization_id)
    reference = str(item.get("id") or "")
    status = refund_status(item.get("status"))
    ours = None
    refund_id = _uuid(_metadata(item).get("refund_id"))
    if refund_id is not None:
        ours = await repository.get(refund_id)
    if ours is None and reference:
        ours = await repository.by_provider_reference(reference)
    if ours is not None and ours.payment_id == payment.id:
        kept, went = await apply_refund(session, payment, ours, reference=reference, status=status)
        return kept if went else None
    if not reference:
        return None
    refund = repository.add(
        Refund(
            id=uuid.uuid4(),
            payment_id=payment.id,
            amount=from_minor(int(item.get("amount") or 0)),
            reason=str(item.get("reason") or "Refunded at Stripe"),
            status="pending",
            provider_reference=reference,
        )
    )
    await session.flush()
    if status == recording.SUCCEEDED:
        recording.refund_went_through(refund)
        return refund
    refund.status = status
    return None


HANDLERS: dict[str, Handler] = {
    "payment_intent.succeeded": intent_succeeded,
    "payment_intent.payment_failed": intent_failed,
    "payment_intent.failed": intent_failed,  # seed 001's name for it
    "payment_intent.canceled": intent_canceled,
    "checkout.session.completed": checkout_completed,
    "checkout.session.async_payment_succeeded": checkout_completed,
    "charge.refunded": charge_refunded,
    "refund.created": refund_changed,
    "refund.updated": refund_changed,
    "refund.failed": refund_changed,
    "charge.refund.updated": refund_changed,  # the same refund object, under the older name
}
