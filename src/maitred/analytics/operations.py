"""Operations in figures: how busy the chef teams were against the hours they could work, what
the inbox sent and failed per channel and how fast customers got a first answer, and seats
sold against the seats events offered. Each with the equal period before it.

A team's available hours on a day it works (its weekdays, no time off) while the business is
open (not a closed weekday, not a blackout date) are the service span of the availability
settings: from the first slot to the end of an event starting at the last one (17:00-21:00 with
the default slots and two-hour events). Booked hours are the events' own durations, buffers
left out. Messages and the inbox belong to the organization, not to a location: with
`location_id` they are the organization's all the same (`messages.scope` says so)."""

from __future__ import annotations

import statistics
import uuid
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.analytics.periods import Period, change_percent, period_of
from maitred.availability.calendar import slot_time, works_on
from maitred.availability.figures_repository import TeamFigures
from maitred.availability.policy import policy_of
from maitred.bookings.service import figures as booking_figures
from maitred.events.figures_repository import EventFigures
from maitred.kit.clock import local_days
from maitred.locations import service as locations_service
from maitred.messaging.figures_repository import MessageFigures
from maitred.messaging.inbox_stats import SENT_STATUSES, first_response_waits
from maitred.tenancy.book_settings import AvailabilitySettings
from maitred.tenancy.snapshots import local_frame


def service_minutes(rules: AvailabilitySettings) -> int:
    """Minutes a team can serve on an open day: first slot to the last event's end."""
    starts = sorted(slot_time(slot) for slot in rules.slot_times)
    first, last = starts[0], starts[-1]
    span = (last.hour * 60 + last.minute) - (first.hour * 60 + first.minute)
    return span + rules.event_duration_minutes


def _open_days(rules: AvailabilitySettings, period: Period) -> list[date]:
    closed, blackout = set(rules.closed_weekdays), set(rules.blackout_dates)
    days = (period.start + timedelta(days=n) for n in range(period.days))
    return [d for d in days if d.isoweekday() not in closed and d not in blackout]


def _ratio(part: float, whole: float) -> float:
    return round(part / whole, 4) if whole else 0.0


async def _teams(
    session: AsyncSession,
    organization_id: uuid.UUID,
    period: Period,
    rules: AvailabilitySettings,
    location_id: uuid.UUID | None,
) -> dict[str, Any]:
    daily = service_minutes(rules)
    open_days = _open_days(rules, period)
    booked = {
        team: (events, minutes)
        for team, events, minutes in await booking_figures.team_minutes(
            session, organization_id, period.start, period.end, location_id
        )
    }
    rows = []
    for team_id, name, weekdays, time_off in await TeamFigures(session, organization_id).working(
        location_id
    ):
        available = daily * sum(1 for day in open_days if works_on(weekdays, time_off, day))
        events, minutes = booked.get(team_id, (0, 0))
        rows.append(
            {
                "team_id": team_id,
                "name": name,
                "events": events,
                "booked_hours": round(minutes / 60, 2),
                "available_hours": round(available / 60, 2),
                "utilisation": _ratio(minutes, available),
            }
        )
    booked_total = sum(row["booked_hours"] for row in rows)
    available_total = sum(row["available_hours"] for row in rows)
    return {
        "booked_hours": round(booked_total, 2),
        "available_hours": round(available_total, 2),
        "utilisation": _ratio(booked_total, available_total),
        "by_team": rows,
    }


async def _messages(
    session: AsyncSession, organization_id: uuid.UUID, since: datetime, until: datetime
) -> dict[str, Any]:
    figures = MessageFigures(session, organization_id)
    sent: Counter[str] = Counter()
    failed: Counter[str] = Counter()
    for channel, status, count in await figures.outbound_by_channel(since, until):
        if status in SENT_STATUSES:
            sent[channel] += count
        elif status == "failed":
            failed[channel] += count
    waits = first_response_waits(await figures.timeline(since, until))
    return {
        "scope": "organization",
        "sent": sum(sent.values()),
        "failed": sum(failed.values()),
        "by_channel": [
            {
                "channel": channel,
                "sent": sent[channel],
                "failed": failed[channel],
                "failure_rate": _ratio(failed[channel], sent[channel] + failed[channel]),
            }
            for channel in sorted(sent.keys() | failed.keys())
        ],
        "median_first_response_minutes": (
            round(statistics.median(waits) / 60, 1) if waits else None
        ),
        "responses_measured": len(waits),
    }


async def _seats(
    session: AsyncSession,
    organization_id: uuid.UUID,
    since: datetime,
    until: datetime,
    location_id: uuid.UUID | None,
) -> dict[str, Any]:
    rows = await EventFigures(session, organization_id).seats(since, until, location_id)
    offered = sum(row[2] for row in rows)
    sold = sum(row[3] for row in rows)
    return {
        "events": sum(row[1] for row in rows),
        "capacity": offered,
        "sold": sold,
        "fill_rate": _ratio(sold, offered),
        "by_event_type": [
            {
                "event_type": kind,
                "events": n,
                "capacity": cap,
                "sold": taken,
                "fill_rate": _ratio(taken, cap),
            }
            for kind, n, cap, taken in rows
        ],
    }


async def _figures(
    session: AsyncSession,
    organization_id: uuid.UUID,
    period: Period,
    zone: str,
    rules: AvailabilitySettings,
    location_id: uuid.UUID | None,
) -> dict[str, Any]:
    since, until = local_days(period.start, period.end, zone)
    assert since is not None
    assert until is not None
    return {
        "teams": await _teams(session, organization_id, period, rules, location_id),
        "messages": await _messages(session, organization_id, since, until),
        "seats": await _seats(session, organization_id, since, until, location_id),
    }


async def operations_report(
    session: AsyncSession,
    organization_id: uuid.UUID,
    *,
    start: date | None,
    end: date | None,
    location_id: uuid.UUID | None = None,
) -> dict[str, Any]:
    frame = await local_frame(session, organization_id)
    if location_id is not None:
        await locations_service.check_ours(
            session, organization_id=organization_id, location_id=location_id, field="location_id"
        )
    period = period_of(start, end, frame.today)
    rules = (await policy_of(session, organization_id)).rules
    now = await _figures(session, organization_id, period, frame.zone, rules, location_id)
    before = await _figures(
        session, organization_id, period.previous(), frame.zone, rules, location_id
    )
    first, first_before = (
        now["messages"]["median_first_response_minutes"],
        before["messages"]["median_first_response_minutes"],
    )
    return {
        "period": {"from": period.start, "to": period.end},
        "location_id": location_id,
        **now,
        "previous": {
            "period": {"from": period.previous().start, "to": period.previous().end},
            "utilisation": before["teams"]["utilisation"],
            "messages_sent": before["messages"]["sent"],
            "messages_failed": before["messages"]["failed"],
            "median_first_response_minutes": first_before,
            "seats_sold": before["seats"]["sold"],
        },
        "change_percent": {
            "booked_hours": change_percent(
                round(now["teams"]["booked_hours"] * 100),
                round(before["teams"]["booked_hours"] * 100),
            ),
            "messages_sent": change_percent(now["messages"]["sent"], before["messages"]["sent"]),
            "median_first_response": (
                change_percent(round(first * 10), round(first_before * 10))
                if first is not None and first_before is not None
                else None
            ),
            "seats_sold": change_percent(now["seats"]["sold"], before["seats"]["sold"]),
        },
    }
