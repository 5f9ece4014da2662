"""The sales funnel: leads that came in during the period, how far each got (contacted, quoted,
won) and whether it became a booking; by source and by the staff member it was assigned to.
A lead's stage is where it stands now, so a lost lead counts as a lead only."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.analytics.periods import Period, change_percent, period_of
from maitred.analytics.service import check_location, organization_context
from maitred.kit.clock import local_days
from maitred.leads import figures as lead_figures

REACHED = {
    "contacted": ("contacted", "qualified", "quoted", "won"),
    "quoted": ("quoted", "won"),
    "won": ("won",),
}


@dataclass
class Stages:
    leads: int = 0
    contacted: int = 0
    quoted: int = 0
    won: int = 0
    booked: int = 0
    lost: int = 0

    def add(self, row: lead_figures.FunnelRow) -> None:
        self.leads += row.count
        self.contacted += row.count if row.status in REACHED["contacted"] else 0
        self.quoted += row.count if row.status in REACHED["quoted"] else 0
        self.won += row.count if row.status in REACHED["won"] else 0
        self.booked += row.count if row.booked else 0
        self.lost += row.count if row.status == "lost" else 0

    def read(self) -> dict[str, Any]:
        return {
            "leads": self.leads,
            "contacted": self.contacted,
            "quoted": self.quoted,
            "won": self.won,
            "booked": self.booked,
            "lost": self.lost,
            "conversion_rate": round(self.booked / self.leads, 4) if self.leads else 0.0,
        }


async def _stages(
    session: AsyncSession, organization_id: uuid.UUID, period: Period, zone: str
) -> tuple[Stages, dict[str, Stages], dict[uuid.UUID | None, Stages]]:
    since, until = local_days(period.start, period.end, zone)
    assert since is not None
    assert until is not None
    total = Stages()
    by_source: dict[str, Stages] = defaultdict(Stages)
    by_owner: dict[uuid.UUID | None, Stages] = defaultdict(Stages)
    for row in await lead_figures.funnel(session, organization_id, since, until):
        total.add(row)
        by_source[row.source].add(row)
        by_owner[row.assigned_to].add(row)
    return total, by_source, by_owner


async def funnel_report(
    session: AsyncSession,
    organization_id: uuid.UUID,
    *,
    start: date | None,
    end: date | None,
    location_id: uuid.UUID | None = None,
) -> dict[str, Any]:
    """Leads have no location (they come in before one is chosen): with `location_id` the
    funnel is the organization's all the same, and `scope` says so."""
    today, _, zone = await organization_context(session, organization_id)
    await check_location(session, organization_id, location_id)
    period = period_of(start, end, today)
    total, by_source, by_owner = await _stages(session, organization_id, period, zone)
    before, _, _ = await _stages(session, organization_id, period.previous(), zone)
    return {
        "period": {"from": period.start, "to": period.end},
        "scope": "organization",
        **total.read(),
        "stages": [
            {"stage": stage, "count": getattr(total, stage)}
            for stage in ("leads", "contacted", "quoted", "won", "booked")
        ],
        "by_source": [
            {"source": source, **stages.read()} for source, stages in sorted(by_source.items())
        ],
        "by_staff": [
            {"user_id": owner, **stages.read()}
            for owner, stages in sorted(by_owner.items(), key=lambda kv: str(kv[0] or ""))
        ],
        "change_percent": {
            "leads": change_percent(total.leads, before.leads),
            "booked": change_percent(total.booked, before.booked),
        },
    }
