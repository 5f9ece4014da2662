"""What the webhook alone may miss, found by asking Stripe (two pollers of the worker).

- A page (Checkout session or intent) made for an amount the booking no longer owes (repriced,
  paid another way, cancelled) is closed at Stripe, so the customer cannot overpay on an old
  link; the payment ends `cancelled`. Money that still arrives counts, and what it pays beyond
  the booking's total is flagged (outcomes.py: `payment.overpaid`).
- A card payment still pending `payment_reconcile_after_seconds` after its last change is read
  back from Stripe (its intent, its Checkout session, or, when the create call went unanswered,
  the intent our metadata names) and the answer applied as a webhook's would be.

Stripe is called outside any transaction; each outcome is applied under the booking's lock
(outcomes.py), so a webhook arriving meanwhile and the poller agree.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from decimal import Decimal

from maitred.bookings import service as bookings_service
from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from maitred.kit.pollers import PollContext, poller
from maitred.payments import accounts, outcomes, recording
from maitred.payments.models import Payment
from maitred.payments.providers.base import Intent, PaymentDeclined, ProviderUnavailable
from maitred.payments.providers.stripe import StripeProvider
from maitred.payments.repository import claim_unsettled, open_pages

log = logging.getLogger("maitred.payments")
BATCH = 50
# Staff (or the booking) changed what is owed: why a page was closed, kept on the payment.
CLOSED = "closed_because"


def _stale(payment: Payment, money: bookings_service.BookingMoney) -> str | None:
    """Why this open page may no longer be paid, or None while it still fits the booking."""
    if money.status == "cancelled":
        return "booking_cancelled"
    made_for = (payment.meta or {}).get("total")
    if made_for is not None and Decimal(made_for) != money.total_amount:
        return "amount_changed"
    if payment.amount > money.balance_due:
        return "paid_otherwise"
    return None


async def _provider(
    database: Database, organization_id: uuid.UUID, context: PollContext
) -> StripeProvider | None:
    async with database.transaction(write=False) as session:
        return await accounts.card_provider(session, organization_id, context.settings)


@poller("payments.close_stale_pages")
async def close_stale_pages(context: PollContext) -> int:
    """Closes the pages of payments whose amount the booking no longer owes; returns how many."""
    database = context.database
    async with database.transaction(write=False) as session:
        pages = [
            (p.id, p.organization_id, p.booking_id, p.checkout_reference, p.provider_reference)
            for p in await open_pages(session, BATCH)
            if CLOSED not in (p.meta or {})
        ]
    closed = 0
    for payment_id, organization_id, booking_id, checkout, intent in pages:
        assert booking_id is not None
        async with database.transaction(write=False) as session:
            money = await bookings_service.money_of(session, organization_id, booking_id)
            payment = await session.get(Payment, payment_id)
            why = _stale(payment, money) if payment is not None else None
        if why is None:
            continue
        provider = await _provider(database, organization_id, context)
        if provider is None:
            continue
        try:
            if checkout:
                await provider.expire_checkout(checkout)
            else:
                assert intent is not None
                await provider.cancel_intent(intent)
            ended = True
        except PaymentDeclined:
            ended = False  # not open any more (paid meanwhile): its webhook or the poller tells
        except ProviderUnavailable as exc:
            log.warning("could not close the page of payment %s: %s", payment_id, exc)
            continue
        finally:
            await provider.aclose()
        async with database.transaction() as session:
            payment = await outcomes.locked_payment(session, organization_id, payment_id)
            payment.meta = {**(payment.meta or {}), CLOSED: why}
            if ended:
                recording.move(payment, "cancelled")
            await outcomes.settle(session, payment)
        closed += 1
    return closed


# A write transaction each pass, for payments pending 15 minutes (the setting): asked rarely.
@poller("payments.reconcile_pending", every=5.0, longest=60.0)
async def reconcile_pending(context: PollContext) -> int:
    """Reads back card payments pending longer than the setting; returns how many it asked."""
    database = context.database
    now = utcnow()
    after = timedelta(seconds=context.settings.payment_reconcile_after_seconds)
    async with database.transaction() as session:
        claimed = await claim_unsettled(session, now - after, now, BATCH)
    for payment_id, organization_id in claimed:
        try:
            await _reconcile(database, context, payment_id, organization_id)
        except ProviderUnavailable as exc:
            log.warning("could not reconcile payment %s: %s", payment_id, exc)
    return len(claimed)


async def _reconcile(
    database: Database, context: PollContext, payment_id: uuid.UUID, organization_id: uuid.UUID
) -> None:
    async with database.transaction(write=False) as session:
        payment = await session.get(Payment, payment_id)
        if payment is None:
            return
        intent_ref, checkout_ref = payment.provider_reference, payment.checkout_reference
    provider = await _provider(database, organization_id, context)
    if provider is None:
        return
    intent: Intent | None = None
    ended = False
    try:
        if intent_ref:
            intent = await provider.retrieve_intent(intent_ref)
        elif checkout_ref:
            state = await provider.retrieve_checkout(checkout_ref)
            if state.intent_reference:
                intent = await provider.retrieve_intent(state.intent_reference)
            ended = state.status == "expired"
        else:
            # The create call went unanswered: the intent our metadata names, if it was made.
            intent = await provider.find_intent(str(payment_id))
            ended = intent is None
    except PaymentDeclined as exc:
        log.warning("stripe knows nothing of payment %s: %s", payment_id, exc)
        ended = True
    finally:
        await provider.aclose()
    async with database.transaction() as session:
        payment = await outcomes.locked_payment(session, organization_id, payment_id)
        if intent is not None:
            await outcomes.apply_intent(
                session,
                payment,
                status=intent.status,
                reference=intent.reference,
                amount_minor=intent.amount_minor if intent.status == "succeeded" else None,
                error_code=intent.error_code,
                error_message=intent.error_message,
            )
        elif ended:
            await outcomes.apply_intent(session, payment, status="cancelled", reference=None)
