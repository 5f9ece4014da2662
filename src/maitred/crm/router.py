"""/crm, the CRM status of a booking, and each facilitator's bookings and dashboard (seed 002).

Seed 002's CRM served its list at `/api/bookings`, which is maitred's bookings; here it is
`/crm/bookings`. Its `POST /api/notify` is `notify_alias_router`, served beside `/crm/notify`.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from maitred.crm import service as crm_service
from maitred.crm.schemas import (
    CrmStatus,
    FacilitatorBookings,
    FacilitatorDashboard,
    Notification,
    NotificationReceived,
    RecordEnvelope,
    RecordKind,
    RecordList,
    StatusUpdate,
    StatusUpdated,
)
from maitred.identity.deps import AuthContext, requires
from maitred.kit.clock import CalendarDate
from maitred.kit.deps import DbSession
from maitred.kit.errors import ErrorBody
from maitred.kit.list_params import ListQuery, list_query
from maitred.kit.pagination import Pagination

router = APIRouter(prefix="/crm", tags=["crm"])
booking_status_router = APIRouter(prefix="/bookings", tags=["crm"])
facilitator_crm_router = APIRouter(prefix="/facilitators", tags=["crm"])
notify_alias_router = APIRouter(tags=["crm"])

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "Not signed in"},
    403: {"model": ErrorBody, "description": "The role or key lacks the permission"},
    404: {"model": ErrorBody, "description": "No such record or facilitator here"},
}
STATE_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    409: {"model": ErrorBody, "description": "Not a move the workflow allows, or a race"},
}
Reader = Annotated[AuthContext, requires("crm:read")]
Writer = Annotated[AuthContext, requires("crm:write")]
BookingRef = Annotated[
    str,
    Path(
        max_length=100,
        description="maitred's booking id, the CRM record's id, or the outside booking id",
    ),
]
OutsideOrOwnId = Annotated[str | None, Query(max_length=100)]
FacilitatorRef = Annotated[str, Path(max_length=100)]


async def notify(
    body: Notification, auth: Writer, db: DbSession, response: Response
) -> dict[str, Any]:
    """Seed 002's booking notification from an outside system (an API key with `crm:write`).
    201 for a new record; the same `booking_id` again is 200 with the first `notification_id`
    and changes nothing. A malformed contact field is kept as sent and flagged in
    `contact_flags`, never a reason to refuse the notification."""
    record, created = await crm_service.receive(db, auth, body)
    response.status_code = 201 if created else 200
    return {
        "message": "Booking notification received successfully",
        "notification_id": record.id,
        "status": "success",
        "contact_flags": record.contact_flags or {},
    }


_NOTIFY = {
    "status_code": 201,
    "response_model": NotificationReceived,
    "responses": {**ERRORS, 200: {"model": NotificationReceived, "description": "A repeat"}},
}
router.post("/notify", **_NOTIFY)(notify)  # type: ignore[arg-type]
notify_alias_router.post("/notify", include_in_schema=False, **_NOTIFY)(notify)  # type: ignore[arg-type]


Listing = Annotated[
    ListQuery,
    list_query(
        sorts=crm_service.SORT_FIELDS,
        default_sort="received_at",
        search="Part of the contact's name or of the event's title",
        ascending_by_default=("contact_name",),
    ),
]


@router.get("/bookings", response_model=RecordList, responses=ERRORS)
async def list_records(
    auth: Reader,
    db: DbSession,
    pagination: Pagination,
    listing: Listing,
    facilitator_id: OutsideOrOwnId = None,
    event_id: OutsideOrOwnId = None,
    user_id: Annotated[
        str | None, Query(max_length=100, description="A customer's, user's or outside user id")
    ] = None,
    status: Annotated[str | None, Query(max_length=16, description="The booking's status")] = None,
    crm_status: CrmStatus | None = None,
    kind: RecordKind | None = None,
    date_from: Annotated[
        CalendarDate | None, Query(description="Received on or after (local)")
    ] = None,
    date_to: Annotated[
        CalendarDate | None, Query(description="Received on or before (local)")
    ] = None,
) -> dict[str, Any]:
    """Every record, maitred's bookings and pushed-in ones, newest first. A facilitator sees
    only the records of their own events."""
    return await crm_service.list_records(
        db,
        auth,
        params=pagination,
        facilitator_id=facilitator_id,
        event_id=event_id,
        user_id=user_id,
        status=status,
        crm_status=crm_status.value if crm_status else None,
        kind=kind.value if kind else None,
        date_from=date_from,
        date_to=date_to,
        listing=listing,
    )


@router.get("/bookings/{booking_id}", response_model=RecordEnvelope, responses=ERRORS)
async def get_record(booking_id: BookingRef, auth: Reader, db: DbSession) -> dict[str, Any]:
    return await crm_service.get_record(db, auth, reference=booking_id)


@booking_status_router.get("/{booking_id}/crm", response_model=RecordEnvelope, responses=ERRORS)
async def get_booking_record(booking_id: BookingRef, auth: Reader, db: DbSession) -> dict[str, Any]:
    """The booking's CRM record with its status history, oldest first."""
    return await crm_service.get_record(db, auth, reference=booking_id)


@booking_status_router.put(
    "/{booking_id}/status", response_model=StatusUpdated, responses=STATE_ERRORS
)
async def change_status(
    booking_id: BookingRef, body: StatusUpdate, auth: Writer, db: DbSession
) -> dict[str, Any]:
    """Moves the CRM status forward (a stage may be skipped) or one stage back; anything else
    is 409 `invalid_state` naming the allowed statuses. The current status again is a no-op."""
    return await crm_service.change_status(
        db, auth, reference=booking_id, target=body.crm_status.value, notes=body.notes
    )


@facilitator_crm_router.get(
    "/{facilitator_id}/bookings", response_model=FacilitatorBookings, responses=ERRORS
)
async def facilitator_bookings(
    facilitator_id: FacilitatorRef,
    auth: Reader,
    db: DbSession,
    pagination: Pagination,
    listing: Listing,
    status: Annotated[str | None, Query(max_length=16)] = None,
    event_type: Annotated[str | None, Query(max_length=32)] = None,
    crm_status: CrmStatus | None = None,
) -> dict[str, Any]:
    """A facilitator reads only their own; statistics cover all their bookings."""
    return await crm_service.facilitator_bookings(
        db,
        auth,
        facilitator_id=facilitator_id,
        params=pagination,
        status=status,
        event_type=event_type,
        crm_status=crm_status.value if crm_status else None,
        listing=listing,
    )


@facilitator_crm_router.get(
    "/{facilitator_id}/dashboard", response_model=FacilitatorDashboard, responses=ERRORS
)
async def facilitator_dashboard(
    facilitator_id: FacilitatorRef, auth: Reader, db: DbSession
) -> dict[str, Any]:
    return await crm_service.facilitator_dashboard(db, auth, facilitator_id=facilitator_id)
