"""Availability: when the business can cater, and which chef team is promised to whom.

The booking check, the window of an event, and the availability settings live here; the claim
ledger is in claims.py, chef teams in teams.py, free slots in slots.py (re-exported here, so
other domains import this one module).
"""

from __future__ import annotations

import uuid
from datetime import date, time
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.availability.calendar import (
    Window,
    date_problem,
    event_window,
    in_service_area,
    local_today,
    notice_problem,
    slot_label,
    slot_time,
    takes_requests_from,
)
from maitred.availability.claims import (
    claim,
    claim_at_commit,
    confirm,
    ledger_problems,
    release,
    release_expired_hold,
)
from maitred.availability.errors import CapacityExceeded
from maitred.availability.policy import policy_of
from maitred.availability.slots import answer, availability, availability_in
from maitred.kit.clock import utcnow
from maitred.kit.errors import ValidationFailed
from maitred.tenancy import sections as tenancy_sections

__all__ = [
    "CapacityExceeded",
    "Window",
    "answer",
    "availability",
    "availability_in",
    "check_bookable",
    "claim",
    "claim_at_commit",
    "confirm",
    "get_settings",
    "ledger_problems",
    "release",
    "release_expired_hold",
    "update_settings",
    "window",
]


async def window(
    session: AsyncSession, *, organization_id: uuid.UUID, event_date: date, event_time: time
) -> Window:
    """The event at `event_date` `event_time` in the organization's time zone."""
    policy = await policy_of(session, organization_id)
    return event_window(policy.rules, policy.timezone, event_date, event_time)


async def check_bookable(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    event_date: date,
    event_time: time | None,
    city: str | None,
    zip_code: str | None,
    public: bool,
) -> bool:
    """The calendar rules a booking must meet (ValidationFailed names each broken one). Staff
    may book at short notice, at other times and outside the service area; customers may not
    (unless requests from outside are taken for review). Without a time, the first slot of the
    day is meant. Answers whether the place is outside the service area."""
    policy = await policy_of(session, organization_id)
    rules = policy.rules
    now = utcnow()
    at = event_time or slot_time(rules.slot_times[0])
    starts_at = event_window(rules, policy.timezone, event_date, at).starts_at
    details: dict[str, str] = {}
    problem = date_problem(rules, event_date, local_today(policy.timezone, now))
    if problem is None and starts_at <= now:
        problem = "This time has passed"
    if problem is None and public:
        problem = notice_problem(rules, starts_at, now)
    if problem:
        details["event_date"] = problem
    if public and event_time is not None and slot_label(event_time) not in rules.slot_times:
        details["event_time"] = "Choose one of " + ", ".join(rules.slot_times)
    if public and not takes_requests_from(rules, city, zip_code):
        details["location"] = "We do not serve this location"
    if details:
        raise ValidationFailed(details=details)
    return not in_service_area(rules, city, zip_code)


async def get_settings(session: AsyncSession, *, organization_id: uuid.UUID) -> dict[str, Any]:
    """The effective availability settings: what was set, and the defaults for the rest."""
    dumped: dict[str, Any] = (await policy_of(session, organization_id)).rules.model_dump(
        mode="json"
    )
    return dumped


async def update_settings(
    session: AsyncSession, *, organization_id: uuid.UUID, changes: dict[str, Any]
) -> dict[str, Any]:
    """Merges `changes` into the stored section (`tenancy_sections.update_section`)."""
    effective = await tenancy_sections.update_section(
        session, organization_id=organization_id, section="availability", changes=changes
    )
    dumped: dict[str, Any] = effective.model_dump(mode="json")
    return dumped
