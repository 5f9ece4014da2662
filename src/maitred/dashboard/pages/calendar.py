"""Calendar: a week of bookings, one lane per day, closed days and blackout dates marked.
A booking is moved by dragging it to another day (or with the keyboard, its move form); the
booking service re-checks capacity and re-prices, and a refusal is shown with its reason."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from maitred.availability import service as availability_service
from maitred.bookings import service as bookings_service
from maitred.bookings.schemas import BookingUpdate
from maitred.dashboard import csrf
from maitred.dashboard.access import page_user
from maitred.dashboard.clock import local_today
from maitred.dashboard.forms import Problems, problems_of
from maitred.dashboard.templating import dashboard_pages
from maitred.identity.deps import AuthContext
from maitred.kit.deps import database_of
from maitred.kit.errors import AppError
from maitred.kit.pagination import PageParams

router = APIRouter(prefix="/app/calendar", include_in_schema=False)
Readers = Annotated[AuthContext, page_user("bookings:read")]
Writers = Annotated[AuthContext, page_user("bookings:write")]
Form = Annotated[FormData, Depends(csrf.checked_form)]
WEEK = PageParams(page=1, limit=100)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


async def _week(
    request: Request, auth: AuthContext, start: str, problems: Problems | None = None
) -> Response:
    async with database_of(request).transaction(write=False) as session:
        today = await local_today(session, auth.org_id)
        try:
            first = _monday(date.fromisoformat(start)) if start else _monday(today)
        except ValueError:
            first = _monday(today)
        last = first + timedelta(days=6)
        rules = await availability_service.get_settings(session, organization_id=auth.org_id)
        items, _ = await bookings_service.list_bookings(
            session,
            database_of(request).reads,
            bookings_service.viewer_of(auth),
            WEEK,
            date_from=first,
            date_to=last,
            status="pending,confirmed",
            sort="event_date",
            order="asc",
            kind="catering",
        )
    closed = set(rules.get("closed_weekdays") or [])
    blackout = {date.fromisoformat(d) for d in rules.get("blackout_dates") or []}
    days: list[dict[str, Any]] = []
    for n in range(7):
        day = first + timedelta(days=n)
        days.append(
            {
                "date": day,
                "closed": day.isoweekday() in closed,
                "blackout": day in blackout,
                "today": day == today,
                "bookings": sorted(
                    (b for b in items if b["event_date"] == day),
                    key=lambda b: b["event_time"],
                ),
            }
        )
    return dashboard_pages.render(
        request,
        "calendar/week.html",
        {
            "title": "Calendar",
            "days": days,
            "first": first,
            "previous": first - timedelta(days=7),
            "next": first + timedelta(days=7),
            "problems": problems,
            "moved": request.query_params.get("done") == "moved",
        },
        status_code=problems.status_code if problems else 200,
    )


@router.get("")
async def calendar_week(request: Request, auth: Readers, week: str = "") -> Response:
    return await _week(request, auth, week)


@router.post("/move")
async def move_booking(request: Request, auth: Writers, form: Form) -> Response:
    week = str(form.get("week") or "")
    try:
        booking_id = uuid.UUID(str(form.get("booking_id") or ""))
        fields: dict[str, Any] = {"event_date": form.get("event_date") or None}
        if form.get("event_time"):
            fields["event_time"] = form.get("event_time")
        body = BookingUpdate.model_validate(fields)
        async with database_of(request).transaction() as session:
            await bookings_service.update_booking(
                session, bookings_service.viewer_of(auth), booking_id, body
            )
    except ValueError:
        return await _week(request, auth, week, Problems("Pick a booking to move."))
    except (AppError, ValidationError) as exc:
        return await _week(request, auth, week, problems_of(exc))
    return RedirectResponse(f"/app/calendar?week={week}&done=moved", status_code=303)
