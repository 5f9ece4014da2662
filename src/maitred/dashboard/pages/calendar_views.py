"""The calendar's day and month: a day as lanes (one per chef team, the bookings no team holds,
and the day's events), a month as a grid of days with their counts. Closed days and blackout
dates are marked as the availability settings say."""

from __future__ import annotations

import calendar as month_math
from datetime import date, timedelta
from typing import Any

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.availability import team_names
from maitred.bookings.service import today as bookings_today
from maitred.events import service as events_service
from maitred.identity.deps import AuthContext
from maitred.kit.deps import database_of
from maitred.kit.pagination import PageParams
from maitred.tenancy.book_settings import AvailabilitySettings

ALL = PageParams(page=1, limit=100)
DAY_LIMIT = 500  # a day's bookings, all shown (a business has far fewer teams)


def marks(rules: AvailabilitySettings, day: date) -> dict[str, bool]:
    return {
        "closed": day.isoweekday() in rules.closed_weekdays,
        "blackout": day in rules.blackout_dates,
    }


async def day_lanes(
    request: Request, session: AsyncSession, auth: AuthContext, day: date
) -> list[dict[str, Any]]:
    """Lanes of `day`: each active team's bookings, the bookings no team holds (if any), and
    the events (studios) starting that day."""
    by_day = await bookings_today.catering_by_day(
        database_of(request).reads, auth.org_id, day, day, DAY_LIMIT
    )
    by_time = by_day.get(day, ([], 0))[0]
    teams = await team_names.active_teams(database_of(request).reads, auth.org_id)
    lanes = [
        {
            "id": str(team["id"]),
            "name": team["name"],
            "bookings": [b for b in by_time if b["chef_team_id"] == team["id"]],
        }
        for team in teams
    ]
    known = {team["id"] for team in teams}
    loose = [b for b in by_time if b["chef_team_id"] not in known]
    if loose:
        lanes.append({"id": "", "name": "No team", "bookings": loose})
    events, _ = await events_service.list_events(
        session, organization_id=auth.org_id, params=ALL, staff=True, date_from=day, date_to=day
    )
    if events:
        lanes.append({"id": None, "name": "Events", "bookings": [], "events": events})
    return lanes


async def month_grid(
    request: Request, auth: AuthContext, first: date, rules: AvailabilitySettings
) -> list[list[dict[str, Any] | None]]:
    """The weeks (Monday first) of the month starting `first`; days of the months around it
    are None."""
    last = first.replace(day=month_math.monthrange(first.year, first.month)[1])
    counts = await bookings_today.counts_by_day(
        database_of(request).reads, auth.org_id, first, last
    )
    weeks: list[list[dict[str, Any] | None]] = []
    day = first - timedelta(days=first.weekday())
    while day <= last:
        week = []
        for _ in range(7):
            inside = day.month == first.month
            week.append(
                {"date": day, "count": counts.get(day, 0), **marks(rules, day)} if inside else None
            )
            day += timedelta(days=1)
        weeks.append(week)
    return weeks
