"""A customer's erasure reaches the CRM's records of their bookings: the contact fields, the
street address and staff notes go; the booking's status, dates and follow-up status stay."""

from __future__ import annotations

from sqlalchemy import or_, update
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.crm.models import CrmRecord
from maitred.kit.erasure import Person, eraser

ERASED_NAME = "Erased customer"


@eraser("crm_records", order=60)
async def erase_crm_records(session: AsyncSession, person: Person) -> int:
    matches = [CrmRecord.customer_id == person.customer_id]
    if bookings := person.found.get("bookings"):
        matches.append(CrmRecord.booking_id.in_(bookings))
    result = await session.execute(
        update(CrmRecord)
        .where(CrmRecord.organization_id == person.organization_id, or_(*matches))
        .values(
            contact_name=ERASED_NAME,
            contact_email=None,
            contact_phone=None,
            contact_flags={},
            notes="",
        )
        .execution_options(synchronize_session=False)
    )
    # A seat's location is the event's venue, not the person's address.
    await session.execute(
        update(CrmRecord)
        .where(
            CrmRecord.organization_id == person.organization_id,
            or_(*matches),
            CrmRecord.kind != "seat",
        )
        .values(event_location="")
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
