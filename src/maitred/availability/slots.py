"""Free slots for a date or a run of dates (seed 000's availability answer).

A hot path (ARCHITECTURE.md): the organization's policy comes from its snapshot (kept in
process per stored version, so usually no statement), then one compiled read gives every
active team with its active claims in the hours the slots span, on the organization/day index
(a second one for the fortnight of alternatives, only when the date asked is unavailable), then
plain Python over a handful of teams and slots. Committed data, no session.
"""

from __future__ import annotations

import uuid
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

import orjson
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
from maitred.availability.policy import Policy
from maitred.availability.slot_queries import TEAMS_AND_CLAIMS
from maitred.kit.clock import utcnow
from maitred.kit.errors import NotFound
from maitred.kit.reads import ReadPool
from maitred.pricing import service as pricing_service
from maitred.tenancy import service as tenancy_service

ALTERNATIVES, ALTERNATIVES_WITHIN = 3, 14
_REACH_BEFORE, _REACH_AFTER = timedelta(days=3), timedelta(days=1)


@dataclass(frozen=True)
class _Calendar:
    """What every date of one answer is computed from."""

    policy: Policy
    now: datetime
    today: date
    teams: list[_Team]
    needed: int
    area_problem: str | None

    def day(self, day: date) -> dict[str, Any]:
        rules = self.policy.rules
        problem = date_problem(rules, day, self.today) or self.area_problem
        if problem:
            return _day(day, [], problem)
        working = _working(self.teams, day)
        windows = [
            (label, event_window(rules, self.policy.timezone, day, slot_time(label)))
            for label in rules.slot_times
        ]
        spans = [buffered(rules, window) for _, window in windows]
        # Each team's spans that meet this day's slots at all (a fortnight holds many more);
        # most teams have none, and are free at every slot.
        nearby = []
        if spans:
            first, last = min(s for s, _ in spans), max(e for _, e in spans)
            nearby = [
                taken for team in working if team.busy and (taken := _within(team, first, last))
            ]
        idle = len(working) - len(nearby)
        slots, late = [], []
        for (label, window), (start, end) in zip(windows, spans, strict=True):
            capacity = idle + sum(
                1 for taken in nearby if not any(overlaps(a, b, start, end) for a, b in taken)
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


def _working(teams: list[_Team], day: date) -> list[_Team]:
    """The teams that work on `day`. Teams read from the same JSON texts share their parsed
    lists (`_json`), so each distinct pair is checked once a day, not once a team."""
    verdicts: dict[tuple[int, int], bool] = {}
    working = []
    for team in teams:
        key = (id(team.working_weekdays), id(team.time_off))
        verdict = verdicts.get(key)
        if verdict is None:
            verdict = verdicts[key] = works_on(team.working_weekdays, team.time_off, day)
        if verdict:
            working.append(team)
    return working


def _within(team: _Team, first: datetime, last: datetime) -> list[tuple[datetime, datetime]]:
    """The team's taken spans that meet `first`..`last` (one day's slots): found by bisection
    among its spans sorted by start (a fortnight holds many)."""
    if not team.busy:
        return []
    low = bisect_left(team.starts, first - team.longest)
    high = bisect_left(team.starts, last)
    return [(a, b) for a, b in team.busy[low:high] if overlaps(a, b, first, last)]


def _day(day: date, slots: list[dict[str, Any]], reason: str) -> dict[str, Any]:
    free = [s["time"] for s in slots if s["available"]]
    return {
        "date": day,
        "available": bool(free),
        "reason": None if free else reason,
        "available_slots": free,
        "slots": slots,
    }


_NO_TIME_OFF: list[Any] = []  # shared by every team without time off (never changed)


@dataclass(frozen=True)
class _Team:
    """An active team and its taken spans, sorted by start."""

    working_weekdays: list[Any]
    time_off: list[Any]
    busy: list[tuple[datetime, datetime]]
    starts: list[datetime]
    longest: timedelta

    @classmethod
    def of(
        cls, working_weekdays: Any, time_off: Any, busy: list[tuple[datetime, datetime]]
    ) -> _Team:
        busy = sorted(busy)
        longest = max((b - a for a, b in busy), default=timedelta(0))
        return cls(working_weekdays, time_off or _NO_TIME_OFF, busy, [a for a, _ in busy], longest)


@lru_cache(maxsize=1024)
def _json(text: str | None) -> Any:
    """Each distinct JSON text of the teams' columns parsed once (read-only results)."""
    return orjson.loads(text) if text else []


def _parsed(value: Any) -> Any:
    return _json(value) if isinstance(value, str) or value is None else value


async def availability_in(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    day: date | None,
    guest_count: int | None = None,
    location: str | None = None,
) -> dict[str, Any] | None:
    """The answer for `day` inside a unit of work (which sees its own changes: the assistant's
    tools, waitlist offers); None when there is no such organization."""
    organization = await tenancy_service.get(session, organization_id)
    if organization is None:
        return None
    snapshot = tenancy_service.of_organization(organization, keep=False)
    return await answer(
        session, snapshot, day=day, guest_count=guest_count, location=location, days=None
    )


async def availability(
    reads: ReadPool,
    *,
    organization_id: uuid.UUID,
    version: datetime | None,
    day: date | None,
    guest_count: int | None,
    location: str | None,
    days: int | None,
) -> dict[str, Any]:
    """One date with alternatives when it is not available, or `days` dates from `day`
    (default: today in the organization's time zone). `version` is the organization row's, as
    read with the caller (None: read it)."""
    organization = await tenancy_service.snapshot(reads, organization_id, version)
    if organization is None:
        raise NotFound("No such organization")
    return await answer(
        reads, organization, day=day, guest_count=guest_count, location=location, days=days
    )


async def answer(
    source: ReadPool | AsyncSession,
    organization: tenancy_service.OrganizationSnapshot,
    *,
    day: date | None,
    guest_count: int | None,
    location: str | None,
    days: int | None,
) -> dict[str, Any]:
    """The answer from `source`: the read pool (committed data, for the endpoints), or a
    session (inside a unit of work, which sees its own changes)."""
    policy = Policy(organization.timezone, organization.settings.availability)
    now = utcnow()
    today = local_today(policy.timezone, now)
    first = day or today
    last = first + timedelta(days=(days or ALTERNATIVES_WITHIN + 1) - 1)
    city, zip_code = parse_location(location)
    # One asked date needs the claims of its slots only; the fortnight of alternatives is read
    # when that date turns out unavailable.
    calendar = _Calendar(
        policy=policy,
        now=now,
        today=today,
        teams=await _teams(
            source, organization.id, policy, first, first if days is None else last, now
        ),
        needed=teams_needed(policy.rules, guest_count),
        area_problem=(
            None
            if takes_requests_from(policy.rules, city, zip_code)
            else "We do not serve this location"
        ),
    )
    estimate = await _price_estimate(organization, guest_count, city, zip_code)
    if days is not None:
        return {
            "days": [
                calendar.day(first + timedelta(days=n)) | {"price_estimate": estimate}
                for n in range(days)
            ]
        }
    found = calendar.day(first) | {"price_estimate": estimate, "alternative_dates": []}
    if not found["available"] and calendar.area_problem is None:
        calendar = replace(
            calendar, teams=await _teams(source, organization.id, policy, first, last, now)
        )
        for n in range(1, ALTERNATIVES_WITHIN + 1):
            other = calendar.day(first + timedelta(days=n))
            if other["available"]:
                found["alternative_dates"].append(
                    {"date": other["date"], "available_slots": other["available_slots"]}
                )
                if len(found["alternative_dates"]) == ALTERNATIVES:
                    break
    return found


def _span(policy: Policy, first: date, last: date) -> tuple[datetime, datetime]:
    """From the earliest slot's claim span on `first` to the latest one's end on `last`."""
    rules = policy.rules
    times = [slot_time(label) for label in rules.slot_times] or [slot_time("00:00")]
    starts = [buffered(rules, event_window(rules, policy.timezone, first, at))[0] for at in times]
    ends = [buffered(rules, event_window(rules, policy.timezone, last, at))[1] for at in times]
    return min(starts), max(ends)


async def _teams(
    source: ReadPool | AsyncSession,
    organization_id: uuid.UUID,
    policy: Policy,
    first: date,
    last: date,
    now: datetime,
) -> list[_Team]:
    """The active teams with their spans that meet the slots of days `first`..`last`."""
    since, until = _span(policy, first, last)
    values = {
        "teams_of": organization_id,
        "claims_of": organization_id,
        "first": first - _REACH_BEFORE,
        "last": last + _REACH_AFTER,
        "now": now,
        "since": since,
        "until": until,
    }
    rows: Sequence[Mapping[Any, Any]]
    if isinstance(source, ReadPool):
        rows = await source.all(TEAMS_AND_CLAIMS, **values)
    else:
        rows = (await source.execute(TEAMS_AND_CLAIMS.statement, values)).mappings().all()
    busy: dict[Any, list[tuple[datetime, datetime]]] = {}
    teams: list[tuple[Any, Any, Any]] = []
    for row in rows:
        if row["starts_at"] is not None:
            busy.setdefault(row["team"], []).append(
                (_moment(row["starts_at"]), _moment(row["ends_at"]))
            )
        else:
            teams.append((row["team"], row["working_weekdays"], row["time_off"]))
    return [
        _Team.of(_parsed(weekdays), _parsed(time_off), busy[team])
        if team in busy
        else _idle_team(weekdays, time_off)
        for team, weekdays, time_off in teams
    ]


def _moment(value: datetime | str) -> datetime:
    """A claim's bound as kit/db.UTCDateTime reads it: SQLite's text holds UTC without an
    offset; PostgreSQL's driver gives an aware datetime."""
    if isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _idle_team(weekdays: Any, time_off: Any) -> _Team:
    """A team without claims in the span asked: most of them, built once per JSON text."""
    if isinstance(weekdays, str | None) and isinstance(time_off, str | None):
        return _idle_of_texts(weekdays, time_off)
    return _Team.of(_parsed(weekdays), _parsed(time_off), [])


@lru_cache(maxsize=1024)
def _idle_of_texts(weekdays: str | None, time_off: str | None) -> _Team:
    return _Team.of(_json(weekdays), _json(time_off), [])


async def _price_estimate(
    organization: tenancy_service.OrganizationSnapshot,
    guest_count: int | None,
    city: str | None,
    zip_code: str | None,
) -> dict[str, Any] | None:
    if guest_count is None:
        return None
    quote = await pricing_service.estimate(
        organization.settings.pricing,
        organization_currency=organization.currency,
        request=pricing_service.PriceRequest(guest_count=guest_count, zip_code=zip_code, city=city),
    )
    return {
        "base_price": quote.subtotal,
        "deposit_required": quote.deposit_amount,
        "total_estimate": quote.total_amount,
    }
