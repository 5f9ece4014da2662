"""A customer's erasure reaches their waitlist places: where and what they wrote goes; the
date, guests and status stay."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit.erasure import Person, eraser
from maitred.waitlist.models import WaitlistEntry


@eraser("waitlist_entries")
async def erase_waitlist_entries(session: AsyncSession, person: Person) -> int:
    result = await session.execute(
        update(WaitlistEntry)
        .where(
            WaitlistEntry.organization_id == person.organization_id,
            WaitlistEntry.customer_id == person.customer_id,
        )
        .values(location="", location_details={}, notes="")
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
