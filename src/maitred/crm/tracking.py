"""The CRM record of each booking of maitred.

This is the bookings domain's way in (through crm/service.py): bookings call `track_booking`
when one is made (seat and past bookings in their own transaction, catering bookings from the
outbox handler of `booking.created`, which may run twice: `tracked_among` says it already ran)
and `booking_status_changed` when its status moves; the CRM never reads the bookings tables, so
it can follow outside systems' bookings the same way.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.crm.models import CrmRecord, CrmStatusChange
from maitred.kit.clock import utcnow


@dataclass(frozen=True)
class TrackedBooking:
    booking_id: uuid.UUID
    kind: str  # catering, seat
    customer_id: uuid.UUID
    user_id: uuid.UUID | None
    status: str
    booked_at: datetime
    notes: str = ""
    event_id: uuid.UUID | None = None
    event_title: str = ""
    event_type: str = ""
    event_starts_at: datetime | None = None
    event_location: str = ""
    facilitator_id: uuid.UUID | None = None


async def track_booking(
    session: AsyncSession,
    organization_id: uuid.UUID,
    booking: TrackedBooking,
    *,
    changed_by: uuid.UUID | None = None,
) -> None:
    """The booking's CRM record, status `new`, with the first line of its history."""
    record = CrmRecord(
        id=uuid.uuid4(),
        organization_id=organization_id,
        booking_id=booking.booking_id,
        kind=booking.kind,
        customer_id=booking.customer_id,
        user_id=booking.user_id,
        event_id=booking.event_id,
        event_title=booking.event_title,
        event_type=booking.event_type,
        event_starts_at=booking.event_starts_at,
        event_location=booking.event_location,
        facilitator_id=booking.facilitator_id,
        booking_status=booking.status,
        booking_date=booking.booked_at,
        notes=booking.notes,
        crm_status="new",
        received_at=booking.booked_at,  # a booking of maitred reaches its CRM as it is made
    )
    session.add(record)
    session.add(
        CrmStatusChange(
            organization_id=organization_id,
            record_id=record.id,
            from_status=None,
            to_status="new",
            changed_by=changed_by,
        )
    )


async def booking_status_changed(
    session: AsyncSession, organization_id: uuid.UUID, booking_id: uuid.UUID, status: str
) -> None:
    await session.execute(
        update(CrmRecord)
        .where(CrmRecord.organization_id == organization_id, CrmRecord.booking_id == booking_id)
        .values(booking_status=status, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )


async def tracked_among(
    session: AsyncSession, organization_id: uuid.UUID, booking_ids: Collection[uuid.UUID]
) -> set[uuid.UUID]:
    """Which of these bookings have their CRM record already (one statement for all)."""
    found = await session.scalars(
        select(CrmRecord.booking_id).where(
            CrmRecord.organization_id == organization_id, CrmRecord.booking_id.in_(booking_ids)
        )
    )
    return {booking_id for booking_id in found if booking_id is not None}
