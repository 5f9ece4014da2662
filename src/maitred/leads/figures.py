"""The funnel figures analytics reads (leads/figures_repository.py)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.leads.figures_repository import FunnelRow, LeadFigures

__all__ = ["FunnelRow", "funnel"]


async def funnel(
    session: AsyncSession, organization_id: uuid.UUID, since: datetime, until: datetime
) -> list[FunnelRow]:
    return await LeadFigures(session, organization_id).funnel(since, until)
