"""Reference numbers: one `BK-YYYY-NNNNNN` series for every kind of booking."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit import numbering
from maitred.kit.reads import ReadPool

REFERENCE_SERIES = "BK"


async def next_reference(session: AsyncSession, organization_id: uuid.UUID, year: int) -> str:
    """The organization's next `BK-YYYY-NNNNNN` of `year`, never handed out twice."""
    number = await numbering.next_number(
        session, organization_id=organization_id, series=REFERENCE_SERIES, year=year
    )
    return numbering.formatted(REFERENCE_SERIES, year, number)


async def take_reference_now(reads: ReadPool, organization_id: uuid.UUID, year: int) -> str:
    """`next_reference` committed at once on a connection of the read pool (PostgreSQL), before
    the booking's transaction: the series' row is not held until that transaction commits."""
    number = await numbering.take_now(
        reads, organization_id=organization_id, series=REFERENCE_SERIES, year=year
    )
    return numbering.formatted(REFERENCE_SERIES, year, number)
