"""/bookings (seeds 000, 001) and the public booking form.

Customers (role customer) use the same routes: the service narrows them to their own bookings.
"""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from maitred.bookings import service as bookings_service
from maitred.bookings.schemas import (
    BookingCreate,
    BookingRead,
    BookingSummary,
    BookingUpdate,
    BookingWritten,
    CancelBody,
    PublicBookingCreated,
    PublicBookingRequest,
)
from maitred.identity.deps import AuthContext, requires
from maitred.kit.clock import CalendarDate
from maitred.kit.deps import DbSession, Reads, ReadsFirst
from maitred.kit.errors import ErrorBody
from maitred.kit.json_answers import json_answer
from maitred.kit.list_params import ListQuery, list_query
from maitred.kit.pagination import Page, Pagination
from maitred.kit.path_ids import ID_OR_NUMBER, ID_OR_NUMBER_PATTERN
from maitred.tenancy.public import PublicOrganization

router = APIRouter(prefix="/bookings", tags=["bookings"])
public_router = APIRouter(prefix="/public/bookings", tags=["bookings"])

READ = requires("bookings:read")  # also bookings/list_fast.py's check
Readers = Annotated[AuthContext, READ]
Writers = Annotated[AuthContext, requires("bookings:write")]
ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"model": ErrorBody, "description": "Missing permission (customers may not edit)"},
    404: {"model": ErrorBody, "description": "No such booking (or another customer's)"},
    409: {"model": ErrorBody, "description": "capacity_exceeded, or invalid_state"},
}

Listing = Annotated[
    ListQuery, list_query(sorts=tuple(bookings_service.SORTS), default_sort="event_date")
]


@router.get("", response_model=Page[BookingSummary])
async def list_bookings(
    auth: Readers,
    db: DbSession,
    reads: Reads,
    pagination: Pagination,
    listing: Listing,
    status: Annotated[
        str | None, Query(description="One status, or several comma-separated")
    ] = None,
    event_date_from: CalendarDate | None = None,
    event_date_to: CalendarDate | None = None,
    date_from: Annotated[CalendarDate | None, Query(include_in_schema=False)] = None,
    date_to: Annotated[CalendarDate | None, Query(include_in_schema=False)] = None,
    customer_id: uuid.UUID | None = None,
    event_type: Annotated[str | None, Query(max_length=32)] = None,
    search: Annotated[
        str | None,
        Query(max_length=200, description="The exact reference number, or part of a name"),
    ] = None,
    event_id: uuid.UUID | None = None,
    kind: Annotated[str | None, Query(description="catering or seat")] = None,
    upcoming: Annotated[bool, Query(description="Only from today on (seed 002)")] = False,
) -> Any:
    items, info = await bookings_service.list_bookings(
        db,
        reads,
        bookings_service.viewer_of(auth),
        pagination,
        status=status,
        date_from=event_date_from or date_from,
        date_to=event_date_to or date_to,
        customer_id=customer_id,
        event_type=event_type,
        search=search,
        event_id=event_id,
        kind=kind,
        upcoming=upcoming,
        listing=listing,
    )
    # Written straight to JSON: the summaries are the model's values (kit/json_answers.py).
    return json_answer(Page[BookingSummary], {"items": items, "pagination": info})


@router.post("", status_code=201, response_model=BookingWritten, responses=ERRORS)
async def create_booking(body: BookingCreate, auth: Writers, db: DbSession) -> Any:
    """Priced, numbered, and holding (pending) or keeping (confirmed) a chef team."""
    booking = await bookings_service.create_from_form(db, bookings_service.viewer_of(auth), body)
    return {**booking, "message": "Booking created successfully"}


@router.get(f"/{{booking_id:{ID_OR_NUMBER}}}", response_model=BookingRead, responses=ERRORS)
async def get_booking(
    booking_id: Annotated[
        str,
        Path(
            max_length=64,
            pattern=ID_OR_NUMBER_PATTERN,
            description="The booking's id, or its reference number (`BK-2025-000123`)",
            examples=["BK-2025-000123"],
        ),
    ],
    auth: Readers,
    db: DbSession,
    reads: Reads,
) -> Any:
    viewer = bookings_service.viewer_of(auth)
    return await bookings_service.booking_detail(db, reads, viewer, booking_id)


@router.put("/{booking_id}", response_model=BookingWritten, responses=ERRORS)
@router.patch("/{booking_id}", response_model=BookingWritten, responses=ERRORS)
async def update_booking(
    booking_id: uuid.UUID, body: BookingUpdate, auth: Writers, db: DbSession
) -> Any:
    """A new date, time, guest count or menu is re-priced and re-claimed in one go; `status`
    moves through pending -> confirmed -> completed, cancelled, no_show."""
    booking = await bookings_service.update_booking(
        db, bookings_service.viewer_of(auth), booking_id, body
    )
    return {**booking, "message": "Booking updated successfully"}


@router.delete("/{booking_id}", status_code=204, response_class=Response, responses=ERRORS)
async def delete_booking(
    booking_id: uuid.UUID,
    auth: Writers,
    db: DbSession,
    reason: Annotated[str, Query(max_length=1000)] = "",
) -> Response:
    """Cancels the booking (it stays in the book) and frees its chef team."""
    await bookings_service.cancel_booking(
        db, bookings_service.viewer_of(auth), booking_id, reason=reason
    )
    return Response(status_code=204)


@router.put("/{booking_id}/cancel", response_model=BookingRead, responses=ERRORS)
async def cancel_booking(
    booking_id: uuid.UUID, auth: Writers, db: DbSession, body: CancelBody | None = None
) -> Any:
    return await bookings_service.cancel_booking(
        db, bookings_service.viewer_of(auth), booking_id, reason=body.reason if body else ""
    )


@public_router.post(
    "",
    status_code=201,
    response_model=PublicBookingCreated,
    responses={409: {"model": ErrorBody}, 422: {"model": ErrorBody}},
    # Its writes check what they rely on (bookings/service/create_writes.py): the reads before them
    # need not hold SQLite's writers' turn.
    dependencies=[ReadsFirst],
)
async def request_booking(
    body: PublicBookingRequest, organization: PublicOrganization, db: DbSession, reads: Reads
) -> Any:
    """Seed 001's booking request: a pending booking with its estimated cost."""
    return await bookings_service.request_booking(db, organization, body, reads)
