"""Reference numbers: one `BK-YYYY-NNNNNN` series for every kind of booking."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit import numbering

REFERENCE_SERIES = "BK"


async def next_reference(session: AsyncSession, organization_id: uuid.UUID, year: int) -> str:
    """The organization's next `BK-YYYY-NNNNNN` of `year`, never handed out twice."""
    number = await numbering.next_number(
        session, organization_id=organization_id, series=REFERENCE_SERIES, year=year
    )
    return numbering.formatted(REFERENCE_SERIES, year, number)
