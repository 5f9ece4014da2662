"""The automatic messages other domains' events call for, each behind its organization setting:
a new booking's confirmation and deposit request, a status notice (confirmed, cancelled), a
lead's auto-reply and a waitlist offer. Each reloads what it tells about, because the event may
be delivered late or twice: a booking cancelled meanwhile gets no confirmation, and the dedupe
keys keep a second delivery from queueing a second message.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit import outbox
from maitred.notifications.automatic import send_automatic
from maitred.notifications.facts import (
    Facts,
    booking_facts,
    business,
    deposit_due,
    lead_facts,
    money,
    waitlist_facts,
)
from maitred.payments import service as payments_service

ACTIVE = ("pending", "confirmed")
# The status moves a customer hears about, and the notification that tells them.
STATUS_NOTICES = {"cancelled": "booking_cancelled", "confirmed": "booking_status_changed"}


async def confirm_booking(
    session: AsyncSession, organization_id: uuid.UUID, booking_id: uuid.UUID
) -> int:
    owner = await business(session, organization_id)
    if owner is None or not owner.settings.booking_confirmation:
        return 0
    facts = await booking_facts(session, organization_id, booking_id, owner)
    if facts is None or facts.booking["status"] not in ACTIVE:
        return 0
    return await send_automatic(
        session,
        organization_id,
        owner,
        "booking_confirmation",
        facts,
        dedupe=f"booking_confirmation:{booking_id}",
    )


async def request_deposit(
    session: AsyncSession, organization_id: uuid.UUID, booking_id: uuid.UUID, *, asked: str = ""
) -> int:
    """Only while a deposit is still owed: a booking paid in full meanwhile gets nothing. Where
    the organization takes cards, the message carries a link to pay it online. `asked` is a
    staff member's own request (a fresh key each time): sent again, even where the automatic
    request is turned off."""
    owner = await business(session, organization_id)
    if owner is None or not (owner.settings.deposit_request or asked):
        return 0
    facts = await booking_facts(session, organization_id, booking_id, owner)
    if facts is None or facts.booking["status"] not in ACTIVE:
        return 0
    owed = deposit_due(facts.booking)
    if owed <= 0:
        return 0
    shared = outbox.shared_by_batch()  # asked once for a worker's batch
    takes_cards = ("payments.takes_cards", organization_id)
    if takes_cards not in shared:
        shared[takes_cards] = await payments_service.takes_cards(session, organization_id)
    link = payments_service.deposit_link(organization_id, booking_id) if shared[takes_cards] else ""
    data = facts.data | {
        "amount_due": money(owed, str(facts.booking["currency"])),
        "payment_link": link,
    }
    return await send_automatic(
        session,
        organization_id,
        owner,
        "deposit_request",
        Facts(data, facts.recipient, facts.booking),
        dedupe=f"deposit_request:{booking_id}" + (f":{asked}" if asked else ""),
    )


async def tell_status(
    session: AsyncSession,
    organization_id: uuid.UUID,
    booking_id: uuid.UUID,
    *,
    event_id: uuid.UUID,
    from_status: str | None,
    to_status: str,
    reason: str,
) -> int:
    """A cancelled or confirmed booking; other moves (completed, no-show) say nothing. The
    booking must still be where the event left it, or a later change has its own notice."""
    name = STATUS_NOTICES.get(to_status)
    owner = await business(session, organization_id)
    if name is None or owner is None or not owner.settings.status_notices:
        return 0
    facts = await booking_facts(session, organization_id, booking_id, owner)
    if facts is None or facts.booking["status"] != to_status:
        return 0
    data = facts.data | (
        {"cancellation_reason": facts.booking.get("cancellation_reason") or reason}
        if to_status == "cancelled"
        else {"previous_status": from_status or "", "reason": reason}
    )
    return await send_automatic(
        session,
        organization_id,
        owner,
        name,
        Facts(data, facts.recipient, facts.booking),
        dedupe=f"{name}:{event_id}",
    )


async def answer_lead(session: AsyncSession, organization_id: uuid.UUID, lead_id: uuid.UUID) -> int:
    owner = await business(session, organization_id)
    if owner is None or not owner.settings.lead_auto_reply:
        return 0
    facts = await lead_facts(session, organization_id, lead_id, owner)
    if facts is None:
        return 0
    return await send_automatic(
        session,
        organization_id,
        owner,
        "lead_auto_reply",
        facts,
        dedupe=f"lead_auto_reply:{lead_id}",
    )


async def offer_waitlist_date(
    session: AsyncSession, organization_id: uuid.UUID, waitlist_id: uuid.UUID
) -> int:
    """Once per offer: an entry offered again after its offer expired hears again."""
    owner = await business(session, organization_id)
    if owner is None or not owner.settings.waitlist_offer:
        return 0
    facts = await waitlist_facts(session, organization_id, waitlist_id, owner)
    if facts is None:
        return 0
    expiry = facts.offer_expires_at.isoformat() if facts.offer_expires_at else "open"
    return await send_automatic(
        session,
        organization_id,
        owner,
        "waitlist_offer",
        facts,
        dedupe=f"waitlist_offer:{waitlist_id}:{expiry}",
    )
