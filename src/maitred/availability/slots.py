"""Free slots for a date or a run of dates (seed 000's availability answer).

Fast by construction: one query for the teams and one for the active claims of the range (on
the organization/day index), then plain Python over a handful of teams and slots.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.availability.calendar import (
    buffered,
    date_problem,
    event_window,
    local_today,
    notice_problem,
    overlaps,
    parse_location,
    slot_time,
    takes_requests_from,
    teams_needed,
    works_on,
)
from maitred.availability.policy import Policy, policy_of
from maitred.availability.repository import ActiveTeam, ClaimRepository, TeamRepository
from maitred.kit.clock import utcnow
from maitred.pricing import service as pricing_service

ALTERNATIVES, ALTERNATIVES_WITHIN = 3, 14
_REACH_BEFORE, _REACH_AFTER = timedelta(days=3), timedelta(days=1)


@dataclass(frozen=True)
class _Calendar:
    """What every date of one answer is computed from."""

    policy: Policy
    now: datetime
    today: date
    teams: list[ActiveTeam]
    busy: dict[uuid.UUID, list[tuple[datetime, datetime]]]
    needed: int
    area_problem: str | None

    def day(self, day: date) -> dict[str, Any]:
        rules = self.policy.rules
        problem = date_problem(rules, day, self.today) or self.area_problem
        if problem:
            return _day(day, [], problem)
        working = [t for t in self.teams if works_on(t.working_weekdays, t.time_off, day)]
        slots, late = [], []
        for label in rules.slot_times:
            window = event_window(rules, self.policy.timezone, day, slot_time(label))
            start, end = buffered(rules, window)
            capacity = sum(
                1
                for team in working
                if not any(overlaps(a, b, start, end) for a, b in self.busy.get(team.id, ()))
            )
            too_late = notice_problem(rules, window.starts_at, self.now)
            if too_late:
                late.append(too_late)
            slots.append(
                {
                    "time": label,
                    "capacity": capacity,
                    "available": too_late is None and capacity >= self.needed,
                }
            )
        if not working:
            reason = "No chef team works on this date"
        elif len(late) == len(slots):
            reason = late[-1]
        else:
            reason = "Fully booked"
        return _day(day, slots, reason)


def _day(day: date, slots: list[dict[str, Any]], reason: str) -> dict[str, Any]:
    free = [s["time"] for s in slots if s["available"]]
    return {
        "date": day,
        "available": bool(free),
        "reason": None if free else reason,
        "available_slots": free,
        "slots": slots,
    }


async def availability(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    day: date | None,
    guest_count: int | None,
    location: str | None,
    days: int | None,
) -> dict[str, Any]:
    """One date with alternatives when it is not available, or `days` dates from `day`
    (default: today in the organization's time zone)."""
    policy = await policy_of(session, organization_id)
    now = utcnow()
    today = local_today(policy.timezone, now)
    first = day or today
    last = first + timedelta(days=(days or ALTERNATIVES_WITHIN + 1) - 1)
    city, zip_code = parse_location(location)
    claims = ClaimRepository(session, organization_id)
    # One asked date needs the claims around it only; the fortnight of alternatives is read
    # when that date turns out unavailable (a month of claims is most of the answer's time).
    calendar = _Calendar(
        policy=policy,
        now=now,
        today=today,
        teams=list(await TeamRepository(session, organization_id).active()),
        busy=await _busy(claims, first, first if days is None else last, now),
        needed=teams_needed(policy.rules, guest_count),
        area_problem=(
            None
            if takes_requests_from(policy.rules, city, zip_code)
            else "We do not serve this location"
        ),
    )
    estimate = await _price_estimate(session, organization_id, guest_count, city, zip_code)
    if days is not None:
        return {
            "days": [
                calendar.day(first + timedelta(days=n)) | {"price_estimate": estimate}
                for n in range(days)
            ]
        }
    answer = calendar.day(first) | {"price_estimate": estimate, "alternative_dates": []}
    if not answer["available"] and calendar.area_problem is None:
        calendar = replace(calendar, busy=await _busy(claims, first, last, now))
        for n in range(1, ALTERNATIVES_WITHIN + 1):
            other = calendar.day(first + timedelta(days=n))
            if other["available"]:
                answer["alternative_dates"].append(
                    {"date": other["date"], "available_slots": other["available_slots"]}
                )
                if len(answer["alternative_dates"]) == ALTERNATIVES:
                    break
    return answer


async def _busy(
    claims: ClaimRepository, first: date, last: date, now: datetime
) -> dict[uuid.UUID, list[tuple[datetime, datetime]]]:
    """Each team's taken windows that can reach into the days `first`..`last`."""
    busy: dict[uuid.UUID, list[tuple[datetime, datetime]]] = defaultdict(list)
    for _booking, team, start, end in await claims.active_between(
        first - _REACH_BEFORE, last + _REACH_AFTER, now
    ):
        busy[team].append((start, end))
    return busy


async def _price_estimate(
    session: AsyncSession,
    organization_id: uuid.UUID,
    guest_count: int | None,
    city: str | None,
    zip_code: str | None,
) -> dict[str, Any] | None:
    if guest_count is None:
        return None
    quote = await pricing_service.quote(
        session,
        organization_id=organization_id,
        request=pricing_service.PriceRequest(guest_count=guest_count, zip_code=zip_code, city=city),
    )
    return {
        "base_price": quote.subtotal,
        "deposit_required": quote.deposit_amount,
        "total_estimate": quote.total_amount,
    }
