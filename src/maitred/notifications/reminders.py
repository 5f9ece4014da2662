"""Reminders 48 and 2 hours before a booking starts, scheduled through the outbox.

A new (or rescheduled) booking gets one `booking.reminder_due` event per reminder, delivered at
its time (`available_at`). The reminder names the start it was made for: when it fires, the
booking is read again and the reminder goes out only if the booking is still pending or
confirmed and still starts then. A rescheduled booking's old reminders thus fall silent, and
its new ones (scheduled by `booking.rescheduled`) take over. The dedupe key
`reminder:{hours}h:{booking}:{start}` makes each go out once, however many workers run and
however often an event is replayed.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit import i18n, outbox
from maitred.kit.clock import utcnow
from maitred.notifications.automatic import send_automatic
from maitred.notifications.facts import Facts, booking_facts, business
from maitred.notifications.notices import ACTIVE

REMINDER_DUE = "booking.reminder_due"
# Hours before the start, and the setting that turns each off.
REMINDERS = {48: "reminder_48h", 2: "reminder_2h"}


def _utc_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


async def schedule_reminders(
    session: AsyncSession, organization_id: uuid.UUID, booking_id: uuid.UUID
) -> int:
    """How many reminders were scheduled: none already past, none for an inactive booking.
    The settings are read when a reminder fires, so turning one on later still reaches the
    bookings made meanwhile."""
    owner = await business(session, organization_id)
    if owner is None:
        return 0
    facts = await booking_facts(session, organization_id, booking_id, owner)
    if facts is None or facts.booking["status"] not in ACTIVE:
        return 0
    starts_at: datetime = facts.booking["starts_at"]
    now = utcnow()
    scheduled = 0
    for hours in REMINDERS:
        due = starts_at - timedelta(hours=hours)
        if due <= now:
            continue
        await outbox.emit(
            session,
            REMINDER_DUE,
            organization_id=organization_id,
            available_at=due,
            booking_id=booking_id,
            hours=hours,
            starts_at=_utc_iso(starts_at),
        )
        scheduled += 1
    return scheduled


def starts_in(remaining: timedelta, language: str = i18n.DEFAULT) -> str:
    """`in 2 days`, `in 2 hours` or `soon`: from the time actually left, in case it fired late."""
    hours = remaining.total_seconds() / 3600
    if hours >= 36:
        return i18n.gettext("in {count} days", language, count=round(hours / 24))
    if hours >= 1.5:
        return i18n.gettext("in {count} hours", language, count=round(hours))
    return i18n.gettext("soon", language)


async def send_reminder(
    session: AsyncSession,
    organization_id: uuid.UUID,
    booking_id: uuid.UUID,
    *,
    hours: int,
    planned_start: datetime,
) -> int:
    setting = REMINDERS.get(hours)
    owner = await business(session, organization_id)
    if setting is None or owner is None or not getattr(owner.settings, setting):
        return 0
    facts = await booking_facts(session, organization_id, booking_id, owner)
    if facts is None or facts.booking["status"] not in ACTIVE:
        return 0
    starts_at: datetime = facts.booking["starts_at"]
    now = utcnow()
    if starts_at != planned_start or starts_at <= now:
        return 0  # rescheduled (its own reminders are on their way), or already begun
    data = facts.data | {
        "hours_before": hours,
        "starts_in": starts_in(starts_at - now, facts.recipient.language),
    }
    return await send_automatic(
        session,
        organization_id,
        owner,
        "booking_reminder",
        Facts(data, facts.recipient, facts.booking),
        dedupe=f"reminder:{hours}h:{booking_id}:{_utc_iso(planned_start)}",
    )
