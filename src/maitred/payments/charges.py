"""Taking money for a booking: recorded by staff (cash, check, transfer) or charged on a card at
once; what the customer finishes on a page (intents, Checkout links) is in pages.py.

A card payment is a row first, committed before the provider is called (never inside a
transaction: the call may take seconds), then the answer is applied in a second transaction. The
provider gets an idempotency key derived from the client's `Idempotency-Key` (or from the row),
and a request retried after an unanswered call finds its row again by that key, so a retry never
charges twice (card_start.py).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.bookings import service as bookings_service
from maitred.config import Settings
from maitred.kit.db import Database
from maitred.kit.errors import ValidationFailed
from maitred.payments import outcomes, recording, totals
from maitred.payments.caller import Caller, request_key
from maitred.payments.card_start import start_card_payment
from maitred.payments.dues import Due, found_again, new_payment, owed
from maitred.payments.models import Payment
from maitred.payments.provider_calls import calling, refuse_other_retry
from maitred.payments.providers.base import PaymentDeclined
from maitred.payments.reads import payment_read
from maitred.payments.repository import PaymentRepository

STAFF_METHODS = frozenset({"cash", "check", "bank_transfer", "other"})


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
        if (found := await found_again(session, caller, key, due)) is not None:
            return found
    money, amount, purpose = await owed(session, caller.organization_id, due)
    payment = new_payment(
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
