"""/waitlist (seed 000), and /events/{id}/waitlist: the queue for a full event's seats."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from maitred.bookings import service as bookings_service
from maitred.identity.deps import AuthContext, requires
from maitred.kit.clock import CalendarDate
from maitred.kit.deps import DbSession
from maitred.kit.errors import ErrorBody
from maitred.kit.list_params import ListQuery, list_query
from maitred.kit.pagination import Page, Pagination
from maitred.waitlist import seats as waitlist_seats
from maitred.waitlist import service as waitlist_service
from maitred.waitlist.schemas import (
    EventWaitlistJoin,
    EventWaitlistRead,
    WaitlistConvert,
    WaitlistConverted,
    WaitlistCreate,
    WaitlistRead,
    WaitlistStatus,
    WaitlistUpdate,
)

router = APIRouter(prefix="/waitlist", tags=["waitlist"])
event_waitlist_router = APIRouter(prefix="/events/{event_id}/waitlist", tags=["waitlist"])

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "Not signed in"},
    403: {"model": ErrorBody, "description": "The role lacks the permission"},
    404: {"model": ErrorBody, "description": "No such waitlist entry in this organization"},
}
CONFLICTS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    409: {"model": ErrorBody, "description": "`invalid_state` or `capacity_exceeded`"},
}
Reader = Annotated[AuthContext, requires("waitlist:read")]
Writer = Annotated[AuthContext, requires("waitlist:write")]
# Whoever may book a seat may queue for one: customers for themselves, staff for anyone.
Booker = Annotated[AuthContext, requires("bookings:write")]
Listing = Annotated[
    ListQuery,
    list_query(
        sorts=waitlist_service.SORT_FIELDS,
        default_order="asc",
        statuses=[status.value for status in WaitlistStatus],
    ),
]


@router.get("", response_model=Page[WaitlistRead], responses=ERRORS)
async def list_waitlist(
    auth: Reader,
    db: DbSession,
    pagination: Pagination,
    listing: Listing,
    date_from: Annotated[CalendarDate | None, Query(description="Earliest preferred_date")] = None,
    date_to: Annotated[CalendarDate | None, Query(description="Latest preferred_date")] = None,
    customer_id: uuid.UUID | None = None,
    event_id: Annotated[uuid.UUID | None, Query(description="Queued for this event")] = None,
) -> dict[str, Any]:
    """First come first served: the oldest entry first."""
    items, info = await waitlist_service.list_entries(
        db,
        organization_id=auth.org_id,
        params=pagination,
        listing=listing,
        date_from=date_from,
        date_to=date_to,
        customer_id=customer_id,
        event_id=event_id,
    )
    return {"items": items, "pagination": info}


@router.post("", status_code=201, response_model=WaitlistRead, responses=ERRORS)
async def add_to_waitlist(body: WaitlistCreate, auth: Writer, db: DbSession) -> dict[str, Any]:
    """An embedded `customer` is found by email or phone, or created (source `waitlist`)."""
    return await waitlist_service.create(
        db,
        organization_id=auth.org_id,
        customer=body.customer,
        customer_id=body.customer_id,
        preferred_date=body.preferred_date,
        preferred_time=body.preferred_time,
        guest_count=body.guest_count,
        location=body.location,
        notes=body.notes,
    )


@router.get("/{entry_id}", response_model=WaitlistRead, responses=ERRORS)
async def get_waitlist_entry(entry_id: uuid.UUID, auth: Reader, db: DbSession) -> dict[str, Any]:
    return await waitlist_service.get(db, organization_id=auth.org_id, entry_id=entry_id)


@router.patch("/{entry_id}", response_model=WaitlistRead, responses=CONFLICTS)
async def update_waitlist_entry(
    entry_id: uuid.UUID, body: WaitlistUpdate, auth: Writer, db: DbSession
) -> dict[str, Any]:
    """Only the fields sent change. `status: waiting` re-queues an offered or expired entry."""
    return await waitlist_service.update(
        db,
        organization_id=auth.org_id,
        entry_id=entry_id,
        changes=body.model_dump(exclude_unset=True),
    )


@router.delete("/{entry_id}", status_code=204, response_class=Response, responses=CONFLICTS)
async def cancel_waitlist_entry(entry_id: uuid.UUID, auth: Writer, db: DbSession) -> Response:
    """The entry stays, cancelled, for the record."""
    await waitlist_service.cancel(db, organization_id=auth.org_id, entry_id=entry_id)
    return Response(status_code=204)


@router.post(
    "/{entry_id}/convert",
    status_code=201,
    response_model=WaitlistConverted,
    responses=CONFLICTS,
)
async def convert_waitlist_entry(
    entry_id: uuid.UUID, body: WaitlistConvert, auth: Writer, db: DbSession
) -> dict[str, Any]:
    """Creates a pending booking; 409 `capacity_exceeded` when no chef team is free then."""
    return await waitlist_service.convert(
        db,
        organization_id=auth.org_id,
        actor_user_id=auth.user_id,
        entry_id=entry_id,
        event_date=body.event_date,
        event_time=body.event_time,
        location=body.location,
        guest_count=body.guest_count,
    )


@event_waitlist_router.post(
    "", status_code=201, response_model=EventWaitlistRead, responses=CONFLICTS
)
async def join_event_waitlist(
    event_id: uuid.UUID, auth: Booker, db: DbSession, body: EventWaitlistJoin | None = None
) -> dict[str, Any]:
    """Queue for a seat of a full event. When a seat frees up it is booked for the first in line
    (confirmed, source `waitlist`). 409 `invalid_state` when seats are free (book one) or the
    event is not bookable, `already_exists` when already booked or queued."""
    body = body or EventWaitlistJoin()
    return await waitlist_seats.join_event(
        db,
        bookings_service.viewer_of(auth),
        event_id=event_id,
        customer_id=body.customer_id,
        customer=body.customer,
        notes=body.notes,
    )


@event_waitlist_router.get("", response_model=Page[WaitlistRead], responses=ERRORS)
async def list_event_waitlist(
    event_id: uuid.UUID,
    auth: Reader,
    db: DbSession,
    pagination: Pagination,
    listing: Listing,
) -> dict[str, Any]:
    """The event's queue, first in line first; 404 for an event of no one or of another
    organization."""
    await waitlist_seats.known_event(db, auth.org_id, event_id)
    items, info = await waitlist_service.list_entries(
        db,
        organization_id=auth.org_id,
        params=pagination,
        listing=listing,
        event_id=event_id,
    )
    return {"items": items, "pagination": info}


@event_waitlist_router.delete(
    "",
    status_code=204,
    response_class=Response,
    responses={**ERRORS, 400: {"model": ErrorBody, "description": "Staff: use /waitlist/{id}"}},
)
async def leave_event_waitlist(event_id: uuid.UUID, auth: Booker, db: DbSession) -> Response:
    """A signed-in customer leaves the queue; staff cancel an entry with DELETE /waitlist/{id}."""
    await waitlist_seats.leave_event(db, bookings_service.viewer_of(auth), event_id=event_id)
    return Response(status_code=204)
