"""Outbox handlers of notifications: the automatic messages (notices.py), the reminders
(reminders.py) and the payment receipts (receipts.py), each a handler of its own so that one
failing (a provider's bad address) does not hold back the others. `payment.failed` sends
nothing: the payer sees the failure where they paid. `waitlist.converted` needs nothing: the
booking it makes is confirmed through `booking.created` like any other.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit import outbox
from maitred.kit.outbox import Event
from maitred.messaging import service as messaging_service
from maitred.notifications import facts, notices, receipts, reminders


def _id(event: Event, key: str) -> uuid.UUID:
    return uuid.UUID(str(event.payload[key]))


async def _each_booking(
    session: AsyncSession,
    events: list[Event],
    act: Callable[[AsyncSession, uuid.UUID, uuid.UUID], Awaitable[object]],
) -> None:
    """`act(session, organization_id, booking_id)` for a batch's bookings, one after the other,
    each with what its other handlers read (its facts, read for the batch at once)."""
    await facts.read_booking_facts(session, events)
    for event in events:
        if event.organization_id is not None:
            with outbox.handling(event):
                await act(session, event.organization_id, _id(event, "booking_id"))


@outbox.on_many("booking.created", name="notifications.booking_confirmation")
async def booking_confirmation(session: AsyncSession, events: list[Event]) -> None:
    """A worker's batch of bookings in one call, with what the batch shares (its business, its
    templates); their messages are queued together when all are rendered
    (messaging/queue_known.py)."""
    async with messaging_service.queued_together(session):
        await _each_booking(session, events, notices.confirm_booking)


@outbox.on_many("booking.created", name="notifications.deposit_request")
async def deposit_request(session: AsyncSession, events: list[Event]) -> None:
    async with messaging_service.queued_together(session):
        await _each_booking(session, events, notices.request_deposit)


@outbox.on_many("booking.created", name="notifications.schedule_reminders")
async def schedule_reminders(session: AsyncSession, events: list[Event]) -> None:
    await _each_booking(session, events, reminders.schedule_reminders)


@outbox.on("booking.rescheduled", name="notifications.reschedule_reminders")
async def reschedule_reminders(session: AsyncSession, event: Event) -> None:
    """New reminders for the new start; the old ones find the start changed and stay silent."""
    if event.organization_id is not None:
        await reminders.schedule_reminders(session, event.organization_id, _id(event, "booking_id"))


@outbox.on(reminders.REMINDER_DUE, name="notifications.booking_reminder")
async def booking_reminder(session: AsyncSession, event: Event) -> None:
    if event.organization_id is not None:
        await reminders.send_reminder(
            session,
            event.organization_id,
            _id(event, "booking_id"),
            hours=int(event.payload["hours"]),
            planned_start=datetime.fromisoformat(str(event.payload["starts_at"])),
        )


@outbox.on("booking.status_changed", name="notifications.status_notice")
async def status_notice(session: AsyncSession, event: Event) -> None:
    if event.organization_id is not None:
        await notices.tell_status(
            session,
            event.organization_id,
            _id(event, "booking_id"),
            event_id=event.id,
            from_status=event.payload.get("from_status"),
            to_status=str(event.payload["to_status"]),
            reason=str(event.payload.get("reason") or ""),
        )


@outbox.on_many("lead.created", name="notifications.lead_auto_reply")
async def lead_auto_reply(session: AsyncSession, events: list[Event]) -> None:
    """A lead made for a booking request gets no reply: the booking's confirmation answers it
    (`lead_facts` checks again, for events emitted before they said)."""
    for event in events:
        if event.payload.get("booking_id") or event.organization_id is None:
            continue
        with outbox.handling(event):
            await notices.answer_lead(session, event.organization_id, _id(event, "lead_id"))


@outbox.on("waitlist.offered", name="notifications.waitlist_offer")
async def waitlist_offer(session: AsyncSession, event: Event) -> None:
    if event.organization_id is not None:
        await notices.offer_waitlist_date(session, event.organization_id, _id(event, "waitlist_id"))


@outbox.on("payment.completed", name="notifications.payment_receipt")
async def payment_receipt(session: AsyncSession, event: Event) -> None:
    if event.organization_id is not None:
        await receipts.send_payment_receipt(
            session, event.organization_id, receipts.PaymentNews.of(event)
        )


@outbox.on("payment.refunded", name="notifications.refund_receipt")
async def refund_receipt(session: AsyncSession, event: Event) -> None:
    if event.organization_id is not None:
        refund_id = event.payload.get("refund_id")
        await receipts.send_refund_receipt(
            session,
            event.organization_id,
            receipts.PaymentNews.of(event),
            refund_id=uuid.UUID(str(refund_id)) if refund_id else None,
            refund_amount=Decimal(str(event.payload["refund_amount"])),
            refunded_total=Decimal(str(event.payload["refunded_total"])),
            reason=str(event.payload.get("reason") or ""),
        )
