"""Giving money back: a refund of one payment (partial or full; through the provider for cards),
and the refund a cancellation policy proposes for a whole booking, which staff confirm.

A refund's row is committed as `pending` before the provider is called, so two refunds racing
for the same payment cannot both pass the "no more than what was paid" check; the provider's
answer (or its `charge.refunded` webhook, whichever comes first) completes it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.bookings import service as bookings_service
from maitred.config import Settings
from maitred.kit.auditnote import record
from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from maitred.kit.errors import InvalidState, ValidationFailed
from maitred.kit.money import round_money, to_minor
from maitred.payments import accounts, outcomes, recording
from maitred.payments.caller import Caller, request_key
from maitred.payments.models import Payment, Refund
from maitred.payments.provider_calls import calling
from maitred.payments.providers.base import PaymentDeclined, RefundRequest
from maitred.payments.reads import payment_read, refund_read
from maitred.payments.repository import PaymentRepository, RefundRepository
from maitred.tenancy import service as tenancy_service

ZERO = Decimal("0.00")
OPEN = ("pending", "succeeded")


@dataclass(frozen=True)
class Pending:
    refund_id: uuid.UUID
    payment_id: uuid.UUID
    amount: Decimal
    provider_key: str
    intent_reference: str | None
    metadata: dict[str, str]


async def refundable(session: AsyncSession, payment: Payment) -> Decimal:
    """What is left to give back: the payment less refunds made or under way."""
    refunds = await RefundRepository(session, payment.organization_id).of_payments([payment.id])
    taken = sum((r.amount for r in refunds if r.status in OPEN), ZERO)
    return max(payment.amount - max(taken, payment.refunded_amount), ZERO)


async def _start(
    session: AsyncSession,
    caller: Caller,
    payment: Payment,
    amount: Decimal | None,
    reason: str,
    key: str | None,
) -> Refund:
    if payment.status != recording.SUCCEEDED:
        raise InvalidState(
            f"Only a succeeded payment can be refunded; this one is {payment.status}"
        )
    left = await refundable(session, payment)
    wanted = left if amount is None else amount
    if wanted <= 0 or left <= 0:
        raise ValidationFailed(
            "Nothing is left to refund on this payment",
            details={"amount": "Nothing is left to refund"},
        )
    if wanted > left:
        problem = f"{wanted} is more than what is left to refund ({left} {payment.currency})"
        raise ValidationFailed(problem, details={"amount": problem})
    refund = RefundRepository(session, caller.organization_id).add(
        Refund(
            id=uuid.uuid4(),
            payment_id=payment.id,
            amount=wanted,
            reason=reason,
            status="pending",
            requested_by=caller.user_id,
            request_key=key,
        )
    )
    await session.flush()
    return refund


async def _finish_offline(session: AsyncSession, payment: Payment, refund: Refund) -> None:
    """Cash, checks and transfers are given back by staff: the refund stands as recorded."""
    before = payment.refunded_amount
    recording.refund_went_through(refund)
    await outcomes.settle_refunds(session, payment, before, [refund])


async def refund_payment(
    database: Database,
    caller: Caller,
    payment_id: uuid.UUID,
    *,
    amount: Decimal | None,
    reason: str,
    settings: Settings,
    key_suffix: str = "",
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the refund, the payment after it). 422 when more than is left is asked for."""
    key = request_key(caller, f"refund{key_suffix}")
    async with database.transaction() as session:
        payment = await outcomes.locked_payment(session, caller.organization_id, payment_id)
        refund = await _again(session, caller, key, payment_id)
        if refund is None and payment.method == "card":
            refund = await _unanswered(session, payment, amount)
        if refund is None:
            refund = await _start(session, caller, payment, amount, reason, key)
            if payment.method != "card":
                await _finish_offline(session, payment, refund)
        if refund.status != "pending" or payment.method != "card":
            return await _answer(session, payment, refund)
        provider = await accounts.required_card_provider(session, caller.organization_id, settings)
        pending = Pending(
            refund_id=refund.id,
            payment_id=payment.id,
            amount=refund.amount,
            provider_key=f"maitred-refund-{refund.request_key or refund.id}",
            intent_reference=payment.provider_reference,
            metadata={
                "refund_id": str(refund.id),
                "payment_id": str(payment.id),
                "booking_id": str(payment.booking_id or ""),
                "organization_id": str(caller.organization_id),
            },
        )
    if pending.intent_reference is None:
        await provider.aclose()
        raise InvalidState("This card payment has no provider reference to refund")
    declined: PaymentDeclined | None = None
    async with calling(provider):
        try:
            answer = await provider.refund(
                RefundRequest(
                    intent_reference=pending.intent_reference,
                    amount_minor=to_minor(pending.amount),
                    idempotency_key=pending.provider_key,
                    reason="requested_by_customer",
                    metadata=pending.metadata,
                )
            )
        except PaymentDeclined as exc:
            declined = exc
    async with database.transaction() as session:
        payment = await outcomes.locked_payment(session, caller.organization_id, payment_id)
        refund = await RefundRepository(session, caller.organization_id).get_or_404(
            pending.refund_id
        )
        if declined is not None:
            refund.status = "failed"
            refund.updated_at = utcnow()
            await session.flush()
            raise_after = declined
        else:
            raise_after = None
            before = payment.refunded_amount
            refund, went = await apply_refund(
                session, payment, refund, reference=answer.reference, status=answer.status
            )
            if went:
                await outcomes.settle_refunds(session, payment, before, [refund])
        result = await _answer(session, payment, refund)
    if raise_after is not None:
        raise ValidationFailed(
            f"The refund was refused: {raise_after}",
            details={"amount": str(raise_after), "code": raise_after.code},
        )
    return result


async def apply_refund(
    session: AsyncSession, payment: Payment, refund: Refund, *, reference: str, status: str
) -> tuple[Refund, bool]:
    """The provider's refund `reference` and `status` applied to our row (both locked): the row
    kept, and whether it has just gone through (then the caller settles and announces). When
    the webhook got here first and recorded the refund under that reference, ours merges into
    that one. A refund may fail after it succeeded (the card was closed: Stripe puts the money
    back in the balance); then it no longer counts as given back."""
    repository = RefundRepository(session, payment.organization_id)
    other = await repository.by_provider_reference(reference) if reference else None
    if other is not None and other.id != refund.id:
        await session.delete(refund)
        await session.flush()
        return other, False
    if reference:
        refund.provider_reference = reference
    went = False
    if status == recording.SUCCEEDED:
        went = recording.refund_went_through(refund)
    elif status in ("failed", "cancelled"):
        await recording.refund_failed(session, payment, refund, status)
    await session.flush()
    return refund, went


async def _again(
    session: AsyncSession, caller: Caller, key: str | None, payment_id: uuid.UUID
) -> Refund | None:
    if key is None:
        return None
    found = await RefundRepository(session, caller.organization_id).by_request_key(key)
    if found is not None and found.payment_id != payment_id:
        raise ValidationFailed(
            "This Idempotency-Key was used for a refund of another payment",
            details={"idempotency_key": "Use a new key for a new refund"},
        )
    return found


async def _unanswered(
    session: AsyncSession, payment: Payment, amount: Decimal | None
) -> Refund | None:
    """A refund of this card payment whose provider call went unanswered (the 502 said to ask
    again), when asked again for its amount, or for all that is left and nothing else is. It is
    sent again under its first provider key, so Stripe makes it at most once, where a new row
    would find nothing left to refund (the unanswered one still counts as under way)."""
    if amount is None and await refundable(session, payment) > 0:
        return None
    refunds = await RefundRepository(session, payment.organization_id).of_payments([payment.id])
    for refund in refunds:
        unanswered = refund.status == "pending" and refund.provider_reference is None
        if unanswered and (amount is None or refund.amount == amount):
            return refund
    return None


async def _answer(
    session: AsyncSession, payment: Payment, refund: Refund
) -> tuple[dict[str, Any], dict[str, Any]]:
    refunds = await RefundRepository(session, payment.organization_id).of_payments([payment.id])
    return refund_read(refund, payment.currency), payment_read(payment, refunds)


async def proposal(
    session: AsyncSession, organization_id: uuid.UUID, booking_id: uuid.UUID
) -> dict[str, Any]:
    """What the cancellation policy gives back if the booking is (or was) cancelled: the
    policy's share of the deposit by the days left before the event when it was cancelled (now,
    if it is not), and everything paid beyond the deposit; less what was refunded already."""
    money = await bookings_service.money_of(session, organization_id, booking_id)
    organization = await tenancy_service.get(session, organization_id)
    policy = tenancy_service.settings_of(organization).payments if organization else None
    when = money.cancelled_at or utcnow()
    days = (money.starts_at - when).days
    rate = policy.deposit_refund_rate(days) if policy else Decimal(1)
    deposit_part = min(money.amount_paid, money.deposit_amount)
    entitled = round_money(deposit_part * rate) + (money.amount_paid - deposit_part)
    proposed = max(entitled - money.amount_refunded, ZERO)
    allocations = await _allocate(session, organization_id, booking_id, proposed)
    return {
        "booking_id": booking_id,
        "booking_status": money.status,
        "currency": money.currency,
        "days_before_event": days,
        "deposit_refund_rate": float(rate),
        "amount_paid": money.amount_paid,
        "amount_refunded": money.amount_refunded,
        "proposed_refund": proposed,
        "allocations": allocations,
    }


async def _allocate(
    session: AsyncSession, organization_id: uuid.UUID, booking_id: uuid.UUID, amount: Decimal
) -> list[dict[str, Any]]:
    """`amount` spread over the booking's payments, newest first (the balance before the
    deposit)."""
    payments = await PaymentRepository(session, organization_id).of_booking(booking_id)
    allocations = []
    for payment in sorted(payments, key=lambda p: p.created_at, reverse=True):
        if amount <= 0:
            break
        if payment.status != recording.SUCCEEDED:
            continue
        share = min(await refundable(session, payment), amount)
        if share > 0:
            allocations.append(
                {"payment_id": payment.id, "payment_method": payment.method, "amount": share}
            )
            amount -= share
    return allocations


async def refund_booking(
    database: Database,
    caller: Caller,
    booking_id: uuid.UUID,
    *,
    amount: Decimal | None,
    reason: str,
    settings: Settings,
) -> dict[str, Any]:
    """Staff confirm the proposed refund (or another amount, up to what is refundable)."""
    async with database.transaction(write=False) as session:
        proposed = await proposal(session, caller.organization_id, booking_id)
        wanted = proposed["proposed_refund"] if amount is None else amount
        allocations = await _allocate(session, caller.organization_id, booking_id, wanted)
    available = sum((a["amount"] for a in allocations), ZERO)
    if wanted <= 0:
        raise ValidationFailed(
            "The policy proposes no refund; send an amount to refund anyway",
            details={"amount": "Nothing to refund"},
        )
    if wanted > available:
        problem = f"{wanted} is more than what is refundable ({available} {proposed['currency']})"
        raise ValidationFailed(problem, details={"amount": problem})
    refunds = []
    for allocation in allocations:
        refund, _ = await refund_payment(
            database,
            caller,
            allocation["payment_id"],
            amount=allocation["amount"],
            reason=reason,
            settings=settings,
            key_suffix=f":{allocation['payment_id']}",
        )
        refunds.append(refund)
    async with database.transaction(write=False) as session:
        money = await bookings_service.money_of(session, caller.organization_id, booking_id)
    record(
        "booking.refunded",
        resource_type="booking",
        resource_id=booking_id,
        actor_user_id=caller.user_id,
        organization_id=caller.organization_id,
        changes={"amount": str(wanted), "reason": reason},
    )
    return {
        "booking_id": booking_id,
        "refunded": sum((r["amount"] for r in refunds), ZERO),
        "refunds": refunds,
        "amount_refunded": money.amount_refunded,
    }
