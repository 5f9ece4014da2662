"""/events, /facilitators and /settings/events (seed 002)."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from maitred.events import service as events_service
from maitred.events.schemas import (
    EventCancel,
    EventCreate,
    EventRead,
    EventTypes,
    EventUpdate,
    FacilitatorCreate,
    FacilitatorRead,
    FacilitatorUpdate,
    SeriesCreate,
    SeriesRead,
)
from maitred.identity.deps import AuthContext, requires
from maitred.kit.clock import CalendarDate
from maitred.kit.deps import DbSession
from maitred.kit.errors import ErrorBody
from maitred.kit.list_params import ListQuery, list_query
from maitred.kit.pagination import Page, Pagination
from maitred.tenancy.event_settings import EventSettings

# No prefix: /settings/events lives here too, beside the /events routes it configures.
router = APIRouter(tags=["events"])
facilitators_router = APIRouter(prefix="/facilitators", tags=["facilitators"])

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "Not signed in"},
    403: {"model": ErrorBody, "description": "The role lacks the permission"},
    404: {"model": ErrorBody, "description": "No such event or facilitator in this organization"},
    422: {"model": ErrorBody, "description": "Invalid input; `details` names each field"},
}
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    409: {"model": ErrorBody, "description": "Not allowed in the event's current state"},
}
Reader = Annotated[AuthContext, requires("events:read")]
Writer = Annotated[AuthContext, requires("events:write")]
FacilitatorReader = Annotated[AuthContext, requires("facilitators:read")]
FacilitatorWriter = Annotated[AuthContext, requires("facilitators:write")]
EventListing = Annotated[
    ListQuery,
    list_query(
        sorts=events_service.SORT_FIELDS,
        default_sort="start_datetime",
        default_order="asc",
        search="Part of the title or description",
    ),
]
FacilitatorListing = Annotated[
    ListQuery,
    list_query(
        sorts=events_service.FACILITATOR_SORT_FIELDS,
        default_sort="name",
        default_order="asc",
        search="Part of the name",
    ),
]
StatusQuery = Annotated[
    str | None,
    Query(description="`draft` (staff), `active` (default), `cancelled`, `completed` or `all`"),
]


def _staff(auth: AuthContext) -> bool:
    """Who may see drafts: whoever may change events."""
    return auth.can("events:write")


# --- Event types -------------------------------------------------------------------------------


@router.get("/events/types", response_model=EventTypes, responses=ERRORS)
async def list_event_types(auth: Reader, db: DbSession) -> dict[str, Any]:
    """The organization's event types in order; `value` is the 1-based position (seed 002)."""
    return await events_service.list_types(db, organization_id=auth.org_id)


@router.get("/settings/events", response_model=EventSettings, responses=ERRORS)
async def get_event_settings(
    auth: Annotated[AuthContext, requires("settings:read")], db: DbSession
) -> dict[str, Any]:
    return await events_service.get_settings(db, organization_id=auth.org_id)


@router.patch("/settings/events", response_model=EventSettings, responses=ERRORS)
async def update_event_settings(
    body: EventSettings, auth: Annotated[AuthContext, requires("settings:write")], db: DbSession
) -> dict[str, Any]:
    """`event_types` is replaced whole. Events keep their type when it is removed."""
    return await events_service.update_settings(
        db, organization_id=auth.org_id, changes=body.model_dump(mode="json", exclude_unset=True)
    )


# --- Events ------------------------------------------------------------------------------------


@router.get("/events", response_model=Page[EventRead], responses=ERRORS)
async def list_events(
    auth: Reader,
    db: DbSession,
    pagination: Pagination,
    listing: EventListing,
    type_: Annotated[str | None, Query(alias="type", max_length=32)] = None,
    event_type: Annotated[str | None, Query(max_length=32, include_in_schema=False)] = None,
    facilitator_id: uuid.UUID | None = None,
    series_id: uuid.UUID | None = None,
    status: StatusQuery = None,
    date_from: Annotated[CalendarDate | None, Query(description="Local date, inclusive")] = None,
    date_to: Annotated[CalendarDate | None, Query(description="Local date, inclusive")] = None,
    upcoming: Annotated[bool | None, Query(description="Only events not yet started")] = None,
) -> dict[str, Any]:
    """Soonest first. `type` (alias `event_type`); search in title and description."""
    items, info = await events_service.list_events(
        db,
        organization_id=auth.org_id,
        params=pagination,
        staff=_staff(auth),
        status=status,
        event_type=type_ or event_type,
        facilitator_id=facilitator_id,
        series_id=series_id,
        listing=listing,
        date_from=date_from,
        date_to=date_to,
        upcoming=upcoming,
    )
    return {"items": items, "pagination": info}


@router.post("/events", status_code=201, response_model=EventRead, responses=ERRORS)
async def create_event(body: EventCreate, auth: Writer, db: DbSession) -> dict[str, Any]:
    """An unknown `event_type` is 422 listing the organization's types."""
    return await events_service.create_event(
        db, organization_id=auth.org_id, fields=body.model_dump()
    )


@router.post("/events/series", status_code=201, response_model=SeriesRead, responses=ERRORS)
async def create_series(body: SeriesCreate, auth: Writer, db: DbSession) -> dict[str, Any]:
    """One event per occurrence, at the same local times (also across DST changes), sharing
    a `series_id`; at most 200."""
    return await events_service.create_series(
        db, organization_id=auth.org_id, fields=body.model_dump()
    )


@router.get("/events/{event_id}", response_model=EventRead, responses=ERRORS)
async def get_event(event_id: uuid.UUID, auth: Reader, db: DbSession) -> dict[str, Any]:
    return await events_service.get_event(
        db, organization_id=auth.org_id, event_id=event_id, staff=_staff(auth)
    )


@router.put("/events/{event_id}", response_model=EventRead, responses=WRITE_ERRORS)
@router.patch("/events/{event_id}", response_model=EventRead, responses=WRITE_ERRORS)
async def update_event(
    event_id: uuid.UUID, body: EventUpdate, auth: Writer, db: DbSession
) -> dict[str, Any]:
    """Only the fields sent change; `max_participants` never below the seats taken."""
    return await events_service.update_event(
        db,
        organization_id=auth.org_id,
        event_id=event_id,
        changes=body.model_dump(exclude_unset=True),
    )


@router.delete(
    "/events/{event_id}", status_code=204, response_class=Response, responses=WRITE_ERRORS
)
async def delete_event(event_id: uuid.UUID, auth: Writer, db: DbSession) -> Response:
    """Only while no seat is taken (else 409: cancel it instead)."""
    await events_service.delete_event(db, organization_id=auth.org_id, event_id=event_id)
    return Response(status_code=204)


@router.post("/events/{event_id}/cancel", response_model=EventRead, responses=WRITE_ERRORS)
async def cancel_event(
    event_id: uuid.UUID, auth: Writer, db: DbSession, body: EventCancel | None = None
) -> dict[str, Any]:
    """Its seat bookings are cancelled by the bookings domain, after commit."""
    return await events_service.cancel_event(
        db, organization_id=auth.org_id, event_id=event_id, reason=body.reason if body else None
    )


# --- Facilitators ------------------------------------------------------------------------------


@facilitators_router.get("", response_model=Page[FacilitatorRead], responses=ERRORS)
async def list_facilitators(
    auth: FacilitatorReader,
    db: DbSession,
    pagination: Pagination,
    listing: FacilitatorListing,
    is_active: Annotated[bool | None, Query(description="Default: active ones")] = None,
) -> dict[str, Any]:
    """By name. Inactive ones are listed to staff only (`is_active=false`)."""
    wanted = True if is_active is None else is_active
    if not wanted and not auth.can("facilitators:write"):
        wanted = True
    items, info = await events_service.list_facilitators(
        db, organization_id=auth.org_id, params=pagination, is_active=wanted, listing=listing
    )
    return {"items": items, "pagination": info}


@facilitators_router.post("", status_code=201, response_model=FacilitatorRead, responses=ERRORS)
async def create_facilitator(
    body: FacilitatorCreate, auth: FacilitatorWriter, db: DbSession
) -> dict[str, Any]:
    """`user_id`: a member with the facilitator role (409 if already another's)."""
    return await events_service.create_facilitator(
        db, organization_id=auth.org_id, **body.model_dump()
    )


@facilitators_router.get("/{facilitator_id}", response_model=FacilitatorRead, responses=ERRORS)
async def get_facilitator(
    facilitator_id: uuid.UUID, auth: FacilitatorReader, db: DbSession
) -> dict[str, Any]:
    return await events_service.get_facilitator(
        db, organization_id=auth.org_id, facilitator_id=facilitator_id
    )


@facilitators_router.get(
    "/{facilitator_id}/events", response_model=Page[EventRead], responses=ERRORS
)
async def list_facilitator_events(
    facilitator_id: uuid.UUID,
    auth: Reader,
    db: DbSession,
    pagination: Pagination,
    listing: EventListing,
    status: Annotated[str | None, Query(description="Default: every status you may see")] = None,
) -> dict[str, Any]:
    """Upcoming events soonest first, then past ones most recent first."""
    items, info = await events_service.facilitator_events(
        db,
        organization_id=auth.org_id,
        facilitator_id=facilitator_id,
        params=pagination,
        staff=_staff(auth),
        status=status,
        listing=listing,
    )
    return {"items": items, "pagination": info}


@facilitators_router.put("/{facilitator_id}", response_model=FacilitatorRead, responses=ERRORS)
@facilitators_router.patch("/{facilitator_id}", response_model=FacilitatorRead, responses=ERRORS)
async def update_facilitator(
    facilitator_id: uuid.UUID, body: FacilitatorUpdate, auth: FacilitatorWriter, db: DbSession
) -> dict[str, Any]:
    """Only the fields sent change; `user_id: null` unlinks the user."""
    return await events_service.update_facilitator(
        db,
        organization_id=auth.org_id,
        facilitator_id=facilitator_id,
        changes=body.model_dump(exclude_unset=True),
    )


@facilitators_router.delete(
    "/{facilitator_id}", status_code=204, response_class=Response, responses=ERRORS
)
async def delete_facilitator(
    facilitator_id: uuid.UUID, auth: FacilitatorWriter, db: DbSession
) -> Response:
    """Deleted if no event names them, else deactivated (their events keep them)."""
    await events_service.remove_facilitator(
        db, organization_id=auth.org_id, facilitator_id=facilitator_id
    )
    return Response(status_code=204)
