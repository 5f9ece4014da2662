"""Calendar: a week of bookings, one lane per day (or a day, one lane per chef team, or a
month), closed days and blackout dates marked. A booking is moved by dragging it to another day
or team (or with the keyboard, its move form); the booking service re-checks capacity and
re-prices, and a refusal is shown with its reason."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from maitred.availability import team_names
from maitred.bookings import service as bookings_service
from maitred.bookings.schemas import BookingUpdate
from maitred.bookings.service import today as bookings_today
from maitred.dashboard import csrf
from maitred.dashboard.access import page_user
from maitred.dashboard.clock import calendar_rules, local_today
from maitred.dashboard.forms import Problems, problems_of
from maitred.dashboard.pages import calendar_html
from maitred.dashboard.pages.calendar_views import day_lanes, month_grid
from maitred.dashboard.templating import dashboard_pages
from maitred.identity.deps import AuthContext
from maitred.kit.deps import database_of
from maitred.kit.errors import AppError

router = APIRouter(prefix="/app/calendar", include_in_schema=False)
Readers = Annotated[AuthContext, page_user("bookings:read")]
Writers = Annotated[AuthContext, page_user("bookings:write")]
Form = Annotated[FormData, Depends(csrf.checked_form)]
PER_DAY = 8  # a day's chips in the week; the day view shows them all


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


async def _week(
    request: Request, auth: AuthContext, start: str, problems: Problems | None = None
) -> Response:
    today = await local_today(request, auth)
    try:
        first = _monday(date.fromisoformat(start)) if start else _monday(today)
    except ValueError:
        first = _monday(today)
    rules = await calendar_rules(request, auth)
    reads = database_of(request).reads
    by_day = await bookings_today.catering_of_week(reads, auth.org_id, first, PER_DAY)
    teams = await team_names.active_teams(reads, auth.org_id)
    closed = set(rules.closed_weekdays)
    blackout = set(rules.blackout_dates)
    days: list[dict[str, Any]] = []
    for n in range(7):
        day = first + timedelta(days=n)
        bookings, total = by_day.get(day, ([], 0))
        days.append(
            {
                "date": day,
                "closed": day.isoweekday() in closed,
                "blackout": day in blackout,
                "today": day == today,
                "bookings": bookings,
                "chips": calendar_html.chips(bookings),
                "total": total,
            }
        )
    return dashboard_pages.render(
        request,
        "calendar/week.html",
        {
            "title": "Calendar",
            "view": "week",
            "days": days,
            "booking_options": calendar_html.booking_options(
                b for d in days for b in d["bookings"]
            ),
            "team_options": calendar_html.team_options(teams),
            "first": first,
            "previous": first - timedelta(days=7),
            "next": first + timedelta(days=7),
            "problems": problems,
            "moved": request.query_params.get("done") == "moved",
        },
        status_code=problems.status_code if problems else 200,
    )


def _parse(text: str, fallback: date) -> date:
    try:
        return date.fromisoformat(text) if text else fallback
    except ValueError:
        return fallback


async def _day(
    request: Request, auth: AuthContext, on: str, problems: Problems | None = None
) -> Response:
    day = _parse(on, await local_today(request, auth))
    rules = await calendar_rules(request, auth)
    async with database_of(request).transaction(write=False) as session:
        lanes = await day_lanes(request, session, auth, day)
    bookings = [b for lane in lanes for b in lane["bookings"]]
    for lane in lanes:
        lane["chips"] = calendar_html.chips(lane["bookings"])
    return dashboard_pages.render(
        request,
        "calendar/day.html",
        {
            "title": "Calendar",
            "view": "day",
            "day": day,
            "off": {
                "closed": day.isoweekday() in rules.closed_weekdays,
                "blackout": day in rules.blackout_dates,
            },
            "lanes": lanes,
            "booking_options": calendar_html.booking_options(bookings),
            "team_options": calendar_html.team_options(lane for lane in lanes if lane["id"]),
            "first": day,
            "previous": day - timedelta(days=1),
            "next": day + timedelta(days=1),
            "problems": problems,
            "moved": request.query_params.get("done") == "moved",
        },
        status_code=problems.status_code if problems else 200,
    )


async def _month(request: Request, auth: AuthContext, month: str) -> Response:
    first = _parse(month, await local_today(request, auth)).replace(day=1)
    weeks = await month_grid(request, auth, first, await calendar_rules(request, auth))
    return dashboard_pages.render(
        request,
        "calendar/month.html",
        {
            "title": "Calendar",
            "view": "month",
            "weeks": weeks,
            "first": first,
            "previous": (first - timedelta(days=1)).replace(day=1),
            "next": (first + timedelta(days=32)).replace(day=1),
        },
    )


@router.get("")
async def calendar_page(
    request: Request, auth: Readers, week: str = "", view: str = "week", day: str = ""
) -> Response:
    if view == "day":
        return await _day(request, auth, day)
    if view == "month":
        return await _month(request, auth, day)
    return await _week(request, auth, week)


@router.post("/move")
async def move_booking(request: Request, auth: Writers, form: Form) -> Response:
    """To another date or time, and in the day view to another team's lane."""
    week = str(form.get("week") or "")
    on_day = str(form.get("view") or "") == "day"

    async def again(problems: Problems) -> Response:
        if on_day:
            return await _day(request, auth, str(form.get("day") or ""), problems)
        return await _week(request, auth, week, problems)

    try:
        booking_id = uuid.UUID(str(form.get("booking_id") or ""))
    except ValueError:
        return await again(Problems("Pick a booking to move."))
    try:
        fields: dict[str, Any] = {}
        for name in ("event_date", "event_time", "chef_team_id"):
            if form.get(name):
                fields[name] = form.get(name)
        if not fields:
            return await again(Problems("Choose a new date, time or team."))
        body = BookingUpdate.model_validate(fields)
        async with database_of(request).transaction() as session:
            await bookings_service.update_booking(
                session, bookings_service.viewer_of(auth), booking_id, body
            )
    except (AppError, ValidationError) as exc:
        return await again(problems_of(exc))
    if on_day:
        day = str(form.get("event_date") or form.get("day") or "")
        return RedirectResponse(f"/app/calendar?view=day&day={day}&done=moved", status_code=303)
    return RedirectResponse(f"/app/calendar?week={week}&done=moved", status_code=303)
