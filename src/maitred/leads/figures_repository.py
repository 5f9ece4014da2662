"""The sales funnel for analytics in one grouped statement: leads that came in during a period,
by source, owner, status and whether they became a booking."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select

from maitred.kit.repository import Repository
from maitred.leads.models import Lead


@dataclass(frozen=True)
class FunnelRow:
    source: str
    assigned_to: uuid.UUID | None
    status: str
    booked: bool
    count: int


class LeadFigures(Repository[Lead]):
    model = Lead

    async def funnel(self, since: datetime, until: datetime) -> list[FunnelRow]:
        """Leads created in [since, until)."""
        booked = case((Lead.booking_id.is_not(None), 1), else_=0)
        statement = (
            select(Lead.source, Lead.assigned_to, Lead.status, booked, func.count())
            .where(
                Lead.organization_id == self.organization_id,
                Lead.created_at >= since,
                Lead.created_at < until,
            )
            .group_by(Lead.source, Lead.assigned_to, Lead.status, booked)
        )
        return [
            FunnelRow(source, owner, status, bool(is_booked), int(n))
            for source, owner, status, is_booked, n in (await self.session.execute(statement)).all()
        ]
