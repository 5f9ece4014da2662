"""Seed 002's CRM service API, as its clients call it, under the base URL `/crm`.

Seed 002's CRM service answered `/api/notify`, `/api/bookings`, `/api/bookings/{id}`, ... on a
port of its own; those paths are maitred's own bookings here, so a client of that service is
configured with the base URL `http://host:port/crm` and sends its requests unchanged. Each route
is a thin reshaping of the CRM routes in `crm/router.py` (the same service functions), with the
seed's names: `bookings` for `items`, `per_page`/`total`/`pages` in `pagination`, 200 for every
notification. The CRM token of the seed is an API key sent as `Authorization: Bearer mk_…`.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from maitred.crm import router as crm_routes
from maitred.crm import service as crm_service
from maitred.crm.router import ERRORS, STATE_ERRORS, BookingRef, OutsideOrOwnId, Reader, Writer
from maitred.crm.schemas import (
    CrmStatus,
    FacilitatorDashboard,
    Notification,
    NotificationReceived,
    RecordEnvelope,
    StatusUpdate,
    StatusUpdated,
)
from maitred.crm.service_api_schemas import (
    ServiceFacilitatorBookings,
    ServiceHealth,
    ServiceRecordList,
)
from maitred.identity.deps import AuthContext, requires
from maitred.kit.clock import utcnow
from maitred.kit.deps import DbSession
from maitred.kit.pagination import MAX_LIMIT, MAX_PAGE, PageParams, PaginationInfo

router = APIRouter(prefix="/crm", tags=["crm service (seed 002)"])
ENDPOINTS = [
    "/health",
    "/api/notify",
    "/api/bookings",
    "/api/facilitators/{id}/bookings",
    "/api/facilitators/{id}/dashboard",
    "/api/bookings/{id}",
    "/api/bookings/{id}/status",
]
Page = Annotated[int, Query(ge=1, le=MAX_PAGE, description="1-based page number")]
PerPage = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page")]
_may_read = requires("crm:read").dependency


def _pagination(info: PaginationInfo) -> dict[str, Any]:
    return {
        "page": info.page,
        "per_page": info.limit,
        "total": info.total_items,
        "pages": info.total_pages,
        "has_next": info.has_next,
        "has_prev": info.has_prev,
    }


@router.post(
    "/api/notify",
    response_model=NotificationReceived,
    responses=ERRORS,
    summary="Receive a booking notification (seed 002)",
)
async def service_notify(
    body: Notification, auth: Writer, db: DbSession, response: Response
) -> dict[str, Any]:
    """`POST /crm/notify`, answering 200 for a new notification too, as seed 002's did."""
    answer = await crm_routes.notify(body, auth, db, response)
    response.status_code = 200
    return answer


@router.get("/api/bookings", response_model=ServiceRecordList, responses=ERRORS)
async def service_list_records(
    auth: Reader,
    db: DbSession,
    listing: crm_routes.Listing,
    facilitator_id: OutsideOrOwnId = None,
    event_id: OutsideOrOwnId = None,
    user_id: OutsideOrOwnId = None,
    status: Annotated[str | None, Query(max_length=16, description="The booking's status")] = None,
    crm_status: CrmStatus | None = None,
    page: Page = 1,
    per_page: PerPage = 10,
) -> dict[str, Any]:
    """Every record, newest first, in seed 002's shape (10 a page unless `per_page` says)."""
    listed = await crm_service.list_records(
        db,
        auth,
        params=PageParams(page=page, limit=per_page),
        facilitator_id=facilitator_id,
        event_id=event_id,
        user_id=user_id,
        status=status,
        crm_status=crm_status.value if crm_status else None,
        listing=listing,
    )
    filters = listed["filters_applied"]
    return {
        "bookings": listed["items"],
        "pagination": _pagination(listed["pagination"]),
        "filters_applied": {
            key: filters[key]
            for key in ("facilitator_id", "event_id", "user_id", "status", "crm_status")
        },
        "summary": listed["summary"],
    }


@router.get("/api/bookings/{booking_id}", response_model=RecordEnvelope, responses=ERRORS)
async def service_get_record(booking_id: BookingRef, auth: Reader, db: DbSession) -> dict[str, Any]:
    return await crm_service.get_record(db, auth, reference=booking_id)


@router.put(
    "/api/bookings/{booking_id}/status", response_model=StatusUpdated, responses=STATE_ERRORS
)
async def service_change_status(
    booking_id: BookingRef, body: StatusUpdate, auth: Writer, db: DbSession
) -> dict[str, Any]:
    return await crm_routes.change_status(booking_id, body, auth, db)


@router.get(
    "/api/facilitators/{facilitator_id}/bookings",
    response_model=ServiceFacilitatorBookings,
    responses=ERRORS,
)
async def service_facilitator_bookings(
    facilitator_id: crm_routes.FacilitatorRef,
    auth: Reader,
    db: DbSession,
    listing: crm_routes.Listing,
    status: Annotated[str | None, Query(max_length=16)] = None,
    event_type: Annotated[str | None, Query(max_length=32)] = None,
    crm_status: CrmStatus | None = None,
    page: Page = 1,
    per_page: PerPage = 10,
) -> dict[str, Any]:
    listed = await crm_service.facilitator_bookings(
        db,
        auth,
        facilitator_id=facilitator_id,
        params=PageParams(page=page, limit=per_page),
        status=status,
        event_type=event_type,
        crm_status=crm_status.value if crm_status else None,
        listing=listing,
    )
    return {
        "facilitator_id": listed["facilitator_id"],
        "bookings": listed["items"],
        "statistics": listed["statistics"],
        "pagination": _pagination(listed["pagination"]),
    }


@router.get(
    "/api/facilitators/{facilitator_id}/dashboard",
    response_model=FacilitatorDashboard,
    responses=ERRORS,
)
async def service_facilitator_dashboard(
    facilitator_id: crm_routes.FacilitatorRef, auth: Reader, db: DbSession
) -> dict[str, Any]:
    return await crm_service.facilitator_dashboard(db, auth, facilitator_id=facilitator_id)


async def service_health(request: Request, db: DbSession) -> dict[str, Any]:
    """Seed 002's CRM health check. Without credentials it says the service is up and the
    figures are null; with a CRM token (an API key with `crm:read`) they are the
    organization's."""
    headers = request.headers
    sent = headers.get("authorization") or headers.get("x-api-key")
    auth: AuthContext | None = await _may_read(request) if sent else None
    return {
        "status": "healthy",
        "service": "CRM Notification Service",
        "port": request.url.port,
        "timestamp": utcnow(),
        **await crm_service.figures(db, auth),
        "endpoints": ENDPOINTS,
    }


router.get("/health", response_model=ServiceHealth, responses=ERRORS, summary="CRM health")(
    service_health
)
router.get(
    "/api/health",
    name="service_api_health",
    response_model=ServiceHealth,
    responses=ERRORS,
    summary="CRM health, under /api",
)(service_health)
