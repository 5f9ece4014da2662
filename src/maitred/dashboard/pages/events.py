"""Events (studios): upcoming events with their seats (or one series' events), an event's
participants and its waitlist, booking a seat for a customer or, when the event is full,
putting them in line. A facilitator sees their own events only."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from maitred.bookings import service as bookings_service
from maitred.bookings.schemas import BookingCreate, CustomerIn
from maitred.dashboard import csrf
from maitred.dashboard.access import page_user
from maitred.dashboard.forms import Problems, problems_of
from maitred.dashboard.templating import dashboard_pages
from maitred.events import service as events_service
from maitred.events.schemas import SeriesCreate
from maitred.identity.deps import AuthContext
from maitred.kit.deps import database_of
from maitred.kit.errors import AppError, NotFound
from maitred.kit.pagination import PageParams
from maitred.kit.roles import Role
from maitred.waitlist import seats as waitlist_seats
from maitred.waitlist import service as waitlist_service

router = APIRouter(prefix="/app/events", include_in_schema=False)
Readers = Annotated[AuthContext, page_user("events:read", facilitators=True)]
Writers = Annotated[AuthContext, page_user("events:read", "bookings:write")]
Queuers = Annotated[AuthContext, page_user("events:read", "waitlist:write")]
SeriesWriters = Annotated[AuthContext, page_user("events:read", "events:write")]
DONE = {
    "booked": "Seat booked.",
    "queued": "Added to the waitlist.",
    "given": "Seat given to the first in line.",
    "removed": "Taken off the waitlist.",
    "series": "Series created.",
}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
Form = Annotated[FormData, Depends(csrf.checked_form)]


async def _own_facilitator(session: AsyncSession, auth: AuthContext) -> uuid.UUID | None:
    """A facilitator's own profile (None: they see nothing); other roles see every event."""
    if auth.role != Role.facilitator or auth.user_id is None:
        return None
    return await events_service.facilitator_id_of_user(session, auth.org_id, auth.user_id)


async def _events_page(
    request: Request,
    auth: AuthContext,
    page: int = 1,
    series: uuid.UUID | None = None,
    problems: Problems | None = None,
    values: dict[str, Any] | None = None,
) -> Response:
    items: list[dict[str, Any]] = []
    info = None
    types: list[dict[str, Any]] = []
    async with database_of(request).transaction(write=False) as session:
        if auth.can("events:write") and auth.role != Role.facilitator:
            types = (await events_service.list_types(session, organization_id=auth.org_id))[
                "event_types"
            ]
        own = await _own_facilitator(session, auth)
        if auth.role != Role.facilitator or own is not None:
            items, info = await events_service.list_events(
                session,
                organization_id=auth.org_id,
                params=PageParams(page=max(page, 1), limit=30),
                staff=True,
                facilitator_id=own,
                series_id=series,
                upcoming=None if series else True,
            )
    return dashboard_pages.render(
        request,
        "events/list.html",
        {
            "title": "Events",
            "items": items,
            "info": info,
            "series": series,
            "types": types,
            "weekdays": WEEKDAYS,
            "problems": problems,
            "values": values or {},
            "done": DONE.get(request.query_params.get("done", "")),
        },
        status_code=problems.status_code if problems else 200,
    )


@router.get("")
async def events_page(
    request: Request, auth: Readers, page: int = 1, series: uuid.UUID | None = None
) -> Response:
    """Upcoming events; with `series`, every event of that series, past ones too."""
    return await _events_page(request, auth, page, series)


def _series_fields(form: FormData) -> dict[str, Any]:
    """POST /events/series's body from the form: the first occurrence's local times, and the
    weekdays it repeats on until a date or for a number of events."""
    given = {
        name: str(form.get(name) or "").strip()
        for name in ("title", "event_type", "start_datetime", "end_datetime", "until", "count")
    }
    fields: dict[str, Any] = {
        "title": given["title"],
        "event_type": given["event_type"],
        "start_datetime": given["start_datetime"] or None,
        "end_datetime": given["end_datetime"] or None,
        "max_participants": str(form.get("max_participants") or "").strip() or None,
        "price": str(form.get("price") or "").strip() or "0",
        "weekdays": [n for n in range(1, 8) if form.get(f"weekday_{n}")] or None,
        "until": given["until"] or None,
        "count": given["count"] or None,
    }
    return fields


@router.post("/series")
async def create_series(request: Request, auth: SeriesWriters, form: Form) -> Response:
    """POST /events/series: one event per occurrence, sharing a series id."""
    fields = _series_fields(form)
    try:
        body = SeriesCreate.model_validate(fields)
        async with database_of(request).transaction() as session:
            made = await events_service.create_series(
                session, organization_id=auth.org_id, fields=body.model_dump()
            )
    except (AppError, ValidationError) as exc:
        return await _events_page(request, auth, problems=problems_of(exc), values=fields)
    return RedirectResponse(f"/app/events?series={made['series_id']}&done=series", status_code=303)


async def _event_page(
    request: Request, auth: AuthContext, event_id: uuid.UUID, problems: Problems | None = None
) -> Response:
    try:
        async with database_of(request).transaction(write=False) as session:
            event = await events_service.get_event(
                session, organization_id=auth.org_id, event_id=event_id, staff=True
            )
            own = await _own_facilitator(session, auth)
            facilitator = event.get("facilitator") or {}
            if auth.role == Role.facilitator and (own is None or facilitator.get("id") != own):
                raise NotFound("No such event")
            seats, _ = await bookings_service.list_bookings(
                session,
                database_of(request).reads,
                bookings_service.viewer_of(auth),
                PageParams(page=1, limit=100),
                event_id=event_id,
                sort="created_at",
                order="asc",
            )
            queue: Any = []
            if auth.can("waitlist:read"):
                queue, _ = await waitlist_service.list_entries(
                    session,
                    organization_id=auth.org_id,
                    params=PageParams(page=1, limit=100),
                    event_id=event_id,
                )
    except AppError as exc:
        return dashboard_pages.render(
            request, "refused.html", {"message": exc.message}, status_code=exc.status_code
        )
    return dashboard_pages.render(
        request,
        "events/detail.html",
        {
            "title": event["title"],
            "event": event,
            "seats": seats,
            "queue": queue,
            "problems": problems,
            "done": DONE.get(request.query_params.get("done", "")),
        },
        status_code=problems.status_code if problems else 200,
    )


@router.get("/{event_id:uuid}")
async def event_page(request: Request, auth: Readers, event_id: uuid.UUID) -> Response:
    return await _event_page(request, auth, event_id)


@router.post("/{event_id:uuid}/seats")
async def book_seat(request: Request, auth: Writers, event_id: uuid.UUID, form: Form) -> Response:
    customer = {k: str(form.get(k) or "").strip() for k in ("name", "email", "phone")}
    try:
        body = BookingCreate.model_validate(
            {
                "event_id": str(event_id),
                "customer": {k: v for k, v in customer.items() if v or k == "name"},
            }
        )
        async with database_of(request).transaction() as session:
            await bookings_service.create_from_form(session, bookings_service.viewer_of(auth), body)
    except (AppError, ValidationError) as exc:
        return await _event_page(request, auth, event_id, problems_of(exc))
    return RedirectResponse(f"/app/events/{event_id}?done=booked", status_code=303)


@router.post("/{event_id:uuid}/waitlist")
async def join_waitlist(
    request: Request, auth: Queuers, event_id: uuid.UUID, form: Form
) -> Response:
    """A full event's line: the first in it gets the next seat given back."""
    customer = {k: str(form.get(k) or "").strip() for k in ("name", "email", "phone")}
    try:
        person = CustomerIn.model_validate({k: v for k, v in customer.items() if v or k == "name"})
        async with database_of(request).transaction() as session:
            await waitlist_seats.join_event(
                session,
                bookings_service.viewer_of(auth),
                event_id=event_id,
                customer_id=None,
                customer=person,
                notes=str(form.get("notes") or "")[:1000],
            )
    except (AppError, ValidationError) as exc:
        return await _event_page(request, auth, event_id, problems_of(exc))
    return RedirectResponse(f"/app/events/{event_id}?done=queued", status_code=303)


@router.post("/{event_id:uuid}/waitlist/{entry_id:uuid}/give")
async def give_seat(
    request: Request, auth: Queuers, event_id: uuid.UUID, entry_id: uuid.UUID, form: Form
) -> Response:
    """POST /waitlist/{id}/convert: the seat is booked for the entry now (the service refuses
    a full event, or an entry no longer waiting)."""
    try:
        async with database_of(request).transaction() as session:
            await waitlist_service.convert(
                session,
                organization_id=auth.org_id,
                actor_user_id=auth.user_id,
                entry_id=await _entry_of(session, auth, event_id, entry_id),
                event_date=None,
                event_time=None,
                location=None,
                guest_count=None,
            )
    except (AppError, ValidationError) as exc:
        return await _event_page(request, auth, event_id, problems_of(exc))
    return RedirectResponse(f"/app/events/{event_id}?done=given", status_code=303)


@router.post("/{event_id:uuid}/waitlist/{entry_id:uuid}/remove")
async def remove_from_waitlist(
    request: Request, auth: Queuers, event_id: uuid.UUID, entry_id: uuid.UUID, form: Form
) -> Response:
    """DELETE /waitlist/{id}: the entry stays, cancelled, for the record."""
    try:
        async with database_of(request).transaction() as session:
            await waitlist_service.cancel(
                session,
                organization_id=auth.org_id,
                entry_id=await _entry_of(session, auth, event_id, entry_id),
            )
    except AppError as exc:
        return await _event_page(request, auth, event_id, problems_of(exc))
    return RedirectResponse(f"/app/events/{event_id}?done=removed", status_code=303)


async def _entry_of(
    session: AsyncSession, auth: AuthContext, event_id: uuid.UUID, entry_id: uuid.UUID
) -> uuid.UUID:
    """The entry, if it is in this event's line (a 404 otherwise, as another business's)."""
    entry = await waitlist_service.get(session, organization_id=auth.org_id, entry_id=entry_id)
    if str(entry.get("event_id") or "") != str(event_id):
        raise NotFound("No such waitlist entry")
    return entry_id
