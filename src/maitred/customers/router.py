"""/customers (seeds 000, 001): staff manage customers; a signed-in customer reads their own."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from maitred.customers import merge
from maitred.customers import service as customers_service
from maitred.customers.schemas import (
    CustomerCreate,
    CustomerMerge,
    CustomerRead,
    CustomerUpdate,
    PossibleDuplicate,
)
from maitred.identity.deps import AuthContext, authenticate, requires
from maitred.kit.deps import DbSession
from maitred.kit.errors import ErrorBody
from maitred.kit.list_params import ListQuery, list_query
from maitred.kit.pagination import Page, Pagination
from maitred.kit.roles import Role

router = APIRouter(prefix="/customers", tags=["customers"])

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "Not signed in"},
    403: {"model": ErrorBody, "description": "The role lacks the permission"},
    404: {"model": ErrorBody, "description": "No such customer in this organization"},
}
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    409: {"model": ErrorBody, "description": "Email or phone taken, or the customer was erased"},
}
Reader = Annotated[AuthContext, requires("customers:read")]
Writer = Annotated[AuthContext, requires("customers:write")]
_staff_reader = requires("customers:read").dependency
Listing = Annotated[
    ListQuery,
    list_query(
        sorts=customers_service.SORT_FIELDS, search="Part of the name, or an exact email or phone"
    ),
]

DuplicateListing = Annotated[ListQuery, list_query(sorts=customers_service.SORT_FIELDS)]


async def reader_or_owner(request: Request, customer_id: uuid.UUID, db: DbSession) -> AuthContext:
    """Staff with customers:read, or the signed-in customer whose record this is."""
    caller = await authenticate(request)
    if caller.role == Role.customer and caller.user_id and caller.organization_id:
        own = await customers_service.for_user(
            db, organization_id=caller.organization_id, user_id=caller.user_id
        )
        if own is not None and own.id == customer_id:
            return caller
    staff: AuthContext = await _staff_reader(request)
    return staff


reader_or_owner.required_permissions = ("customers:read",)  # type: ignore[attr-defined]
ReaderOrOwner = Annotated[AuthContext, Depends(reader_or_owner)]


@router.get("", response_model=Page[CustomerRead], responses=ERRORS)
async def list_customers(
    auth: Reader,
    db: DbSession,
    pagination: Pagination,
    listing: Listing,
    loyalty_tier: Annotated[str | None, Query(max_length=32)] = None,
) -> dict[str, Any]:
    items, info = await customers_service.list_customers(
        db,
        organization_id=auth.org_id,
        params=pagination,
        listing=listing,
        loyalty_tier=loyalty_tier,
    )
    return {"items": items, "pagination": info}


@router.post("", status_code=201, response_model=CustomerRead, responses=WRITE_ERRORS)
async def create_customer(body: CustomerCreate, auth: Writer, db: DbSession) -> dict[str, Any]:
    """An email or phone another customer already has is a 409 naming the field."""
    return await customers_service.create_customer(
        db, organization_id=auth.org_id, fields=body.model_dump(exclude_unset=True)
    )


@router.get("/duplicates", response_model=Page[PossibleDuplicate], responses=ERRORS)
async def list_possible_duplicates(
    auth: Reader, db: DbSession, pagination: Pagination, listing: DuplicateListing
) -> dict[str, Any]:
    """Customers made from a form that shared only a phone with another customer (under another
    name or email), each beside that customer: merge them with POST /customers/{id}/merge."""
    items, info = await merge.possible_duplicates(
        db, organization_id=auth.org_id, params=pagination, listing=listing
    )
    return {"items": items, "pagination": info}


@router.post(
    "/{customer_id}/merge",
    response_model=CustomerRead,
    responses={**WRITE_ERRORS, 422: {"model": ErrorBody, "description": "Merged into itself"}},
)
async def merge_customer(
    customer_id: uuid.UUID, body: CustomerMerge, auth: Writer, db: DbSession
) -> dict[str, Any]:
    """Moves everything of this customer (bookings, payments, leads, messages, waitlist places,
    CRM records, consents) to `into`, which keeps its details and gains those it lacked; this
    customer is then deleted. Answers the surviving customer."""
    return await merge.merge(
        db, organization_id=auth.org_id, customer_id=customer_id, into=body.into
    )


@router.get("/{customer_id}", response_model=CustomerRead, responses=ERRORS)
async def get_customer(
    customer_id: uuid.UUID, auth: ReaderOrOwner, db: DbSession
) -> dict[str, Any]:
    return await customers_service.get_customer(
        db, organization_id=auth.org_id, customer_id=customer_id
    )


async def update_customer(
    customer_id: uuid.UUID, body: CustomerUpdate, auth: Writer, db: DbSession
) -> dict[str, Any]:
    """Only the fields sent change (PUT too, as seed 000 uses it); `null` clears email, phone
    or address."""
    return await customers_service.update_customer(
        db,
        organization_id=auth.org_id,
        customer_id=customer_id,
        changes=body.model_dump(exclude_unset=True),
    )


for method in ("PATCH", "PUT"):
    router.add_api_route(
        "/{customer_id}",
        update_customer,
        methods=[method],
        name=f"{method.lower()}_customer",
        response_model=CustomerRead,
        responses=WRITE_ERRORS,
    )


@router.delete("/{customer_id}", status_code=204, response_class=Response, responses=ERRORS)
async def erase_customer(customer_id: uuid.UUID, auth: Writer, db: DbSession) -> Response:
    """Erasure: the person's data is blanked, the record stays for their bookings."""
    await customers_service.erase_customer(db, organization_id=auth.org_id, customer_id=customer_id)
    return Response(status_code=204)
