"""A customer's erasure reaches the leads they sent: matched by customer, email or phone."""

from __future__ import annotations

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit.erasure import Person, eraser
from maitred.leads.models import Lead, LeadNote
from maitred.leads.service import email_index, phone_index

ERASED_NAME = "Erased customer"


@eraser("leads", order=10)
async def erase_leads(session: AsyncSession, person: Person) -> int:
    """The name, contact details, message and form fields go; status, dates and what was asked
    for (date, guests, event type) stay for the pipeline's figures. Staff notes on those leads
    go too: they are about the person."""
    matches = [Lead.customer_id == person.customer_id]
    if person.email:
        matches.append(Lead.email_index == email_index(person.email))
    if person.phone:
        matches.append(Lead.phone_index == phone_index(person.phone))
    lead_ids = set(
        (
            await session.execute(
                select(Lead.id).where(Lead.organization_id == person.organization_id, or_(*matches))
            )
        ).scalars()
    )
    person.found["leads"] = lead_ids
    if not lead_ids:
        return 0
    await session.execute(
        update(Lead)
        .where(Lead.organization_id == person.organization_id, Lead.id.in_(lead_ids))
        .values(
            name=ERASED_NAME,
            email=None,
            email_index=None,
            phone=None,
            phone_index=None,
            message="",
            extra={},
            lost_reason=None,
            ip="",
        )
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(LeadNote)
        .where(LeadNote.organization_id == person.organization_id, LeadNote.lead_id.in_(lead_ids))
        .values(body="")
        .execution_options(synchronize_session=False)
    )
    return len(lead_ids)
