"""/locations (seed 004): the places of the request's organization."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Response

from maitred.identity.deps import AuthContext, requires
from maitred.kit.deps import DbSession
from maitred.kit.errors import ErrorBody
from maitred.kit.list_params import ListQuery, list_query
from maitred.kit.pagination import Page, Pagination
from maitred.locations import service as locations_service
from maitred.locations.schemas import LocationCreate, LocationRead, LocationUpdate

router = APIRouter(prefix="/locations", tags=["locations"])

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "Not signed in"},
    403: {"model": ErrorBody, "description": "The role lacks the permission"},
    404: {"model": ErrorBody, "description": "No such location in this organization"},
}
Reader = Annotated[AuthContext, requires("locations:read")]
Writer = Annotated[AuthContext, requires("locations:write")]
Listing = Annotated[
    ListQuery,
    list_query(
        sorts=locations_service.SORT_FIELDS,
        default_sort="name",
        default_order="asc",
        search="Part of the name",
    ),
]


@router.get("", response_model=Page[LocationRead], responses=ERRORS)
async def list_locations(
    auth: Reader,
    db: DbSession,
    pagination: Pagination,
    listing: Listing,
    is_active: bool | None = None,
) -> dict[str, Any]:
    items, info = await locations_service.list_locations(
        db,
        organization_id=auth.org_id,
        params=pagination,
        is_active=is_active,
        listing=listing,
    )
    return {"items": items, "pagination": info}


@router.post("", status_code=201, response_model=LocationRead, responses=ERRORS)
async def create_location(body: LocationCreate, auth: Writer, db: DbSession) -> dict[str, Any]:
    """Without a time zone the location follows the organization's; the phone number is
    normalized to E.164, read in the organization's country."""
    return await locations_service.create(db, organization_id=auth.org_id, **body.model_dump())


@router.get("/{location_id}", response_model=LocationRead, responses=ERRORS)
async def get_location(location_id: uuid.UUID, auth: Reader, db: DbSession) -> dict[str, Any]:
    return await locations_service.get(db, organization_id=auth.org_id, location_id=location_id)


async def update_location(
    location_id: uuid.UUID, body: LocationUpdate, auth: Writer, db: DbSession
) -> dict[str, Any]:
    """Only the fields sent change; `null` clears `timezone` or `phone`."""
    return await locations_service.update(
        db,
        organization_id=auth.org_id,
        location_id=location_id,
        changes=body.model_dump(exclude_unset=True),
    )


router.add_api_route(
    "/{location_id}",
    update_location,
    methods=["PATCH"],
    name="update_location",
    response_model=LocationRead,
    responses=ERRORS,
)
router.add_api_route(
    "/{location_id}",
    update_location,
    methods=["PUT"],
    name="replace_location",
    response_model=LocationRead,
    responses=ERRORS,
)


@router.delete("/{location_id}", status_code=204, response_class=Response, responses=ERRORS)
async def delete_location(location_id: uuid.UUID, auth: Writer, db: DbSession) -> Response:
    await locations_service.delete(db, organization_id=auth.org_id, location_id=location_id)
    return Response(status_code=204)
