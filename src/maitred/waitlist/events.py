"""Outbox handlers of waitlist: freed capacity is offered to the people waiting for that date.

Emits `waitlist.offered` (waitlist_id, customer_id, preferred_date, offer_expires_at) for the
notification layer.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit import outbox
from maitred.kit.outbox import Event
from maitred.waitlist import offers


@outbox.on("capacity.released", name="waitlist.offer_freed_capacity")
async def offer_freed_capacity(session: AsyncSession, event: Event) -> None:
    """Idempotent: entries already offered count against what is free, so a repeated delivery
    offers nothing more."""
    if event.organization_id is None:
        return
    await offers.offer_freed_capacity(
        session,
        organization_id=event.organization_id,
        day=date.fromisoformat(str(event.payload["day"])),
    )
