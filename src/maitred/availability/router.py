"""/availability: chef teams, the calendar settings, and free slots (also public)."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from maitred.availability import service as availability_service
from maitred.availability import teams as teams_service
from maitred.availability.schemas import (
    AvailabilityDays,
    AvailabilityRead,
    TeamCreate,
    TeamRead,
    TeamUpdate,
)
from maitred.identity.deps import AuthContext, requires
from maitred.kit.clock import CalendarDate
from maitred.kit.deps import DbSession, Reads
from maitred.kit.errors import ErrorBody
from maitred.kit.json_answers import json_answer
from maitred.kit.list_params import ListQuery, list_query
from maitred.kit.pagination import Page, Pagination
from maitred.tenancy.book_settings import AvailabilitySettings
from maitred.tenancy.public import PublicSnapshot

router = APIRouter(tags=["availability"])
public_router = APIRouter(prefix="/public/availability", tags=["availability"])

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "Not signed in"},
    403: {"model": ErrorBody, "description": "The role lacks the permission"},
    404: {"model": ErrorBody, "description": "No such chef team in this organization"},
}
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    409: {"model": ErrorBody, "description": "Name taken, or the team has upcoming bookings"},
}
READ = requires("availability:read")  # also availability/fast.py's check
Reader = Annotated[AuthContext, READ]
Writer = Annotated[AuthContext, requires("availability:write")]
SettingsReader = Annotated[AuthContext, requires("settings:read")]
SettingsWriter = Annotated[AuthContext, requires("settings:write")]

DateQuery = Annotated[
    CalendarDate | None, Query(alias="date", description="YYYY-MM-DD; default today (local)")
]
GuestsQuery = Annotated[
    int | None, Query(ge=1, le=500, description="Party size: prices the estimate")
]
LocationQuery = Annotated[
    str | None, Query(max_length=300, description="City, zip code or address", examples=["Folsom"])
]
DaysQuery = Annotated[int | None, Query(ge=1, le=31, description="A run of dates instead of one")]
ANSWER = AvailabilityRead | AvailabilityDays
TeamListing = Annotated[
    ListQuery,
    list_query(
        sorts=teams_service.SORT_FIELDS, default_sort="name", default_order="asc", search=None
    ),
]


@router.get("/availability/teams", response_model=Page[TeamRead], responses=ERRORS)
async def list_teams(
    auth: Reader,
    db: DbSession,
    pagination: Pagination,
    listing: TeamListing,
    is_active: bool | None = None,
) -> dict[str, Any]:
    items, info = await teams_service.list_teams(
        db,
        organization_id=auth.org_id,
        params=pagination,
        is_active=is_active,
        listing=listing,
    )
    return {"items": items, "pagination": info}


@router.post(
    "/availability/teams", status_code=201, response_model=TeamRead, responses=WRITE_ERRORS
)
async def create_team(body: TeamCreate, auth: Writer, db: DbSession) -> dict[str, Any]:
    fields = body.model_dump(mode="json")
    return await teams_service.create(db, organization_id=auth.org_id, **fields)


@router.get("/availability/teams/{team_id}", response_model=TeamRead, responses=ERRORS)
async def get_team(team_id: uuid.UUID, auth: Reader, db: DbSession) -> dict[str, Any]:
    return await teams_service.get(db, organization_id=auth.org_id, team_id=team_id)


@router.patch("/availability/teams/{team_id}", response_model=TeamRead, responses=WRITE_ERRORS)
async def update_team(
    team_id: uuid.UUID, body: TeamUpdate, auth: Writer, db: DbSession
) -> dict[str, Any]:
    return await teams_service.update(
        db,
        organization_id=auth.org_id,
        team_id=team_id,
        changes=body.model_dump(mode="json", exclude_unset=True),
    )


@router.delete(
    "/availability/teams/{team_id}",
    status_code=204,
    response_class=Response,
    responses=WRITE_ERRORS,
)
async def delete_team(team_id: uuid.UUID, auth: Writer, db: DbSession) -> Response:
    """A team with upcoming bookings cannot be deleted (409): deactivate it instead."""
    await teams_service.delete(db, organization_id=auth.org_id, team_id=team_id)
    return Response(status_code=204)


@router.get("/settings/availability", response_model=AvailabilitySettings, responses=ERRORS)
async def get_availability_settings(auth: SettingsReader, db: DbSession) -> dict[str, Any]:
    return await availability_service.get_settings(db, organization_id=auth.org_id)


@router.patch("/settings/availability", response_model=AvailabilitySettings, responses=ERRORS)
async def update_availability_settings(
    body: AvailabilitySettings, auth: SettingsWriter, db: DbSession
) -> dict[str, Any]:
    """Merges the fields sent into the stored settings; answers the effective ones."""
    return await availability_service.update_settings(
        db,
        organization_id=auth.org_id,
        changes=body.model_dump(mode="json", exclude_unset=True),
    )


@router.get("/availability", response_model=ANSWER, responses=ERRORS)
async def get_availability(
    auth: Reader,
    reads: Reads,
    day: DateQuery = None,
    guest_count: GuestsQuery = None,
    location: LocationQuery = None,
    days: DaysQuery = None,
) -> Response:
    """Seed 000's answer for one date (with alternatives when it is not available), or
    `{"days": [...]}` for `days` dates from `date`."""
    answer = await availability_service.availability(
        reads,
        organization_id=auth.org_id,
        version=auth.organization_version,
        day=day,
        guest_count=guest_count,
        location=location,
        days=days,
    )
    return _written(answer, days)


def _written(answer: dict[str, Any], days: int | None) -> Response:
    """The answer straight to JSON (kit/json_answers.py): `days` asks for the list's shape."""
    return json_answer(AvailabilityRead if days is None else AvailabilityDays, answer)


@public_router.get("", response_model=ANSWER)
async def get_public_availability(
    organization: PublicSnapshot,
    reads: Reads,
    day: DateQuery = None,
    guest_count: GuestsQuery = None,
    location: LocationQuery = None,
    days: DaysQuery = None,
) -> Response:
    """The same answer for the booking form of the business's website."""
    answer = await availability_service.answer(
        reads, organization, day=day, guest_count=guest_count, location=location, days=days
    )
    return _written(answer, days)
