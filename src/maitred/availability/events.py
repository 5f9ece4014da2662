"""Outbox handlers of availability."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.availability import claims
from maitred.kit import outbox


@outbox.on("capacity.hold_expired")
async def release_expired_hold(session: AsyncSession, event: outbox.Event) -> None:
    """Scheduled at a pending booking's hold end: frees the hold if it is still one (the
    booking may have been confirmed, rescheduled or cancelled since: then nothing happens)."""
    if event.organization_id is None:
        return
    await claims.release_expired_hold(
        session,
        organization_id=event.organization_id,
        booking_id=uuid.UUID(str(event.payload["booking_id"])),
    )
