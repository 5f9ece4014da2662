"""/leads (seed 001) and the public lead form."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from maitred.identity.deps import AuthContext, requires
from maitred.kit import i18n
from maitred.kit.clock import CalendarDate
from maitred.kit.deps import DbSession, client_ip, user_agent
from maitred.kit.errors import ErrorBody
from maitred.kit.list_params import ListQuery, list_query
from maitred.kit.pagination import Page, Pagination
from maitred.leads import convert as convert_service
from maitred.leads import service as leads_service
from maitred.leads.schemas import (
    LeadConvert,
    LeadConverted,
    LeadDetail,
    LeadNoteCreate,
    LeadNoteRead,
    LeadRead,
    LeadStatus,
    LeadUpdate,
    PublicLeadCreate,
    PublicLeadCreated,
)
from maitred.tenancy.public import PublicOrganization

router = APIRouter(prefix="/leads", tags=["leads"])
public_router = APIRouter(prefix="/public/leads", tags=["leads"])

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "Not signed in"},
    403: {"model": ErrorBody, "description": "The role lacks the permission"},
    404: {"model": ErrorBody, "description": "No such lead in this organization"},
}
STATE_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    409: {"model": ErrorBody, "description": "Not allowed in the lead's current state"},
}
Reader = Annotated[AuthContext, requires("leads:read")]
Writer = Annotated[AuthContext, requires("leads:write")]
Listing = Annotated[
    ListQuery,
    list_query(
        sorts=leads_service.SORT_FIELDS,
        search="Part of the name, or an exact email or phone",
        statuses=[status.value for status in LeadStatus],
    ),
]


@public_router.post(
    "",
    status_code=201,
    response_model=PublicLeadCreated,
    responses={422: {"model": ErrorBody, "description": "Seed 001's validation errors"}},
)
async def submit_lead(
    body: PublicLeadCreate, organization: PublicOrganization, request: Request, db: DbSession
) -> dict[str, Any]:
    """Seed 001's quote request. A phone subscribes to SMS news (and an email to email news):
    the consent is kept with its time and IP. The auto-reply is in `preferred_language`, else
    in the request's language."""
    form = body.model_dump()
    form["preferred_language"] = body.preferred_language or i18n.current_language()
    return await leads_service.submit_public_lead(
        db,
        organization_id=organization.id,
        **form,
        ip=client_ip(request),
        user_agent=user_agent(request),
    )


@router.get("", response_model=Page[LeadRead], responses=ERRORS)
async def list_leads(
    auth: Reader,
    db: DbSession,
    pagination: Pagination,
    listing: Listing,
    source: Annotated[str | None, Query(max_length=50)] = None,
    date_from: Annotated[
        CalendarDate | None, Query(description="Created on or after (local)")
    ] = None,
    date_to: Annotated[
        CalendarDate | None, Query(description="Created on or before (local)")
    ] = None,
    assigned_to: uuid.UUID | None = None,
) -> dict[str, Any]:
    items, info = await leads_service.list_leads(
        db,
        organization_id=auth.org_id,
        params=pagination,
        listing=listing,
        source=source,
        date_from=date_from,
        date_to=date_to,
        assigned_to=assigned_to,
    )
    return {"items": items, "pagination": info}


@router.get("/{lead_id}", response_model=LeadDetail, responses=ERRORS)
async def get_lead(lead_id: uuid.UUID, auth: Reader, db: DbSession) -> dict[str, Any]:
    return await leads_service.get_lead(db, organization_id=auth.org_id, lead_id=lead_id)


@router.patch("/{lead_id}", response_model=LeadDetail, responses=STATE_ERRORS)
async def update_lead(
    lead_id: uuid.UUID, body: LeadUpdate, auth: Writer, db: DbSession
) -> dict[str, Any]:
    """Forward through new, contacted, qualified, quoted; `won`, or `lost` with a
    `lost_reason`, from any open stage; `assigned_to` a staff member (`null` unassigns)."""
    return await leads_service.update_lead(
        db,
        organization_id=auth.org_id,
        lead_id=lead_id,
        changes=body.model_dump(exclude_unset=True),
    )


@router.post("/{lead_id}/notes", status_code=201, response_model=LeadNoteRead, responses=ERRORS)
async def add_note(
    lead_id: uuid.UUID, body: LeadNoteCreate, auth: Writer, db: DbSession
) -> dict[str, Any]:
    return await leads_service.add_note(
        db, organization_id=auth.org_id, lead_id=lead_id, author_id=auth.user_id, body=body.body
    )


@router.post(
    "/{lead_id}/convert", status_code=201, response_model=LeadConverted, responses=STATE_ERRORS
)
async def convert_lead(
    lead_id: uuid.UUID, body: LeadConvert, auth: Writer, db: DbSession
) -> dict[str, Any]:
    """Seed 001: the existing customer with the lead's email or phone, else a new one; with
    `create_booking`, a booking from `booking_data`. Converting twice is a 409."""
    return await convert_service.convert_lead(
        db,
        organization_id=auth.org_id,
        lead_id=lead_id,
        actor_user_id=auth.user_id,
        create_booking=body.create_booking,
        booking_data=body.booking_data.model_dump() if body.booking_data else None,
    )
