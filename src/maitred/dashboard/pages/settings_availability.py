"""Settings, availability and chef teams: the hours (slot times), closed weekdays, blackout
dates and how long a pending booking holds its team; the teams and the weekdays they work."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.responses import Response

from maitred.availability import service as availability_service
from maitred.availability import teams as teams_service
from maitred.availability.schemas import TeamCreate, TeamUpdate, TimeOff
from maitred.dashboard.forms import Problems, problems_of
from maitred.dashboard.pages.settings_common import (
    BASE,
    Form,
    Readers,
    checked,
    done,
    lines,
    render,
    section_user,
    text,
)
from maitred.identity.deps import AuthContext
from maitred.kit.deps import database_of
from maitred.kit.errors import AppError
from maitred.kit.pagination import PageParams
from maitred.tenancy.book_settings import AvailabilitySettings

router = APIRouter(prefix="/availability", include_in_schema=False)
PATH = f"{BASE}/availability"
SettingsWriters = Annotated[AuthContext, section_user("settings:write")]
TeamWriters = Annotated[AuthContext, section_user("availability:write")]
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
NUMBERS = ("event_duration_minutes", "buffer_minutes", "min_notice_hours", "hold_hours")
DONE = {
    "saved": "Availability saved.",
    "team": "Chef team added.",
    "team-saved": "Chef team saved.",
    "time-off": "Time off added.",
}


async def _page(request: Request, auth: AuthContext, problems: Problems | None = None) -> Response:
    async with database_of(request).transaction(write=False) as session:
        rules = await availability_service.get_settings(session, organization_id=auth.org_id)
        teams: list[dict[str, Any]] = []
        if auth.can("availability:read"):
            found, _ = await teams_service.list_teams(
                session,
                organization_id=auth.org_id,
                params=PageParams(page=1, limit=100),
                is_active=None,
            )
            teams = list(found)
    return render(
        request,
        auth,
        "settings/availability.html",
        {
            "title": "Availability and teams",
            "rules": rules,
            "teams": teams,
            "weekdays": WEEKDAYS,
            "numbers": NUMBERS,
        },
        problems=problems,
        done=DONE,
    )


@router.get("")
async def availability_page(request: Request, auth: Readers) -> Response:
    return await _page(request, auth)


def _weekdays(form: FormData, prefix: str) -> list[int]:
    return [day for day in range(1, 8) if checked(form, f"{prefix}{day}")]


@router.post("")
async def save_availability(request: Request, auth: SettingsWriters, form: Form) -> Response:
    """The body PATCH /settings/availability takes, judged by its schema and service."""
    body: dict[str, Any] = {
        "slot_times": lines(form, "slot_times"),
        "closed_weekdays": _weekdays(form, "closed_"),
        "blackout_dates": lines(form, "blackout_dates"),
    }
    body |= {name: text(form, name) for name in NUMBERS if text(form, name)}
    try:
        rules = AvailabilitySettings.model_validate(body)
        async with database_of(request).transaction() as session:
            await availability_service.update_settings(
                session,
                organization_id=auth.org_id,
                changes=rules.model_dump(mode="json", exclude_unset=True),
            )
    except (AppError, ValidationError) as exc:
        return await _page(request, auth, problems_of(exc))
    return done(PATH, "saved")


@router.post("/teams")
async def add_team(request: Request, auth: TeamWriters, form: Form) -> Response:
    try:
        team = TeamCreate.model_validate(
            {"name": text(form, "name"), "working_weekdays": _weekdays(form, "works_")}
        )
        async with database_of(request).transaction() as session:
            await teams_service.create(
                session, organization_id=auth.org_id, **team.model_dump(mode="json")
            )
    except (AppError, ValidationError) as exc:
        return await _page(request, auth, problems_of(exc))
    return done(PATH, "team")


@router.post("/teams/{team_id}")
async def save_team(
    request: Request, team_id: uuid.UUID, auth: TeamWriters, form: Form
) -> Response:
    """The weekdays a team works and whether it takes bookings; the service refuses a change
    that would break a promise already made (a booking on a day the team stops working)."""
    try:
        changes = TeamUpdate.model_validate(
            {"working_weekdays": _weekdays(form, "works_"), "is_active": checked(form, "active")}
        )
        async with database_of(request).transaction() as session:
            await teams_service.update(
                session,
                organization_id=auth.org_id,
                team_id=team_id,
                changes=changes.model_dump(mode="json", exclude_unset=True),
            )
    except (AppError, ValidationError) as exc:
        return await _page(request, auth, problems_of(exc))
    return done(PATH, "team-saved")


@router.post("/teams/{team_id}/time-off")
async def add_time_off(
    request: Request, team_id: uuid.UUID, auth: TeamWriters, form: Form
) -> Response:
    """A team's days off, added to those it has; refused while it is promised to an event then."""
    try:
        wanted = TimeOff.model_validate(
            {name: text(form, name) for name in ("date_from", "date_to", "reason")}
        )
        async with database_of(request).transaction() as session:
            team = await teams_service.get(session, organization_id=auth.org_id, team_id=team_id)
            await teams_service.update(
                session,
                organization_id=auth.org_id,
                team_id=team_id,
                changes={"time_off": [*team["time_off"], wanted.model_dump(mode="json")]},
            )
    except (AppError, ValidationError) as exc:
        return await _page(request, auth, problems_of(exc))
    return done(PATH, "time-off")
