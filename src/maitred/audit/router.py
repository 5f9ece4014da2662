"""/audit-logs: the organization's audit trail, read-only (rows come from the audit middleware)."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query

from maitred.audit import service as audit_service
from maitred.audit.schemas import AuditLogRead
from maitred.identity.deps import AuthContext, requires
from maitred.kit.deps import DbSession
from maitred.kit.errors import ErrorBody
from maitred.kit.list_params import CURSOR_SORTS, ListQuery, list_query
from maitred.kit.pagination import MAX_LIMIT, CursorPage

router = APIRouter(prefix="/audit-logs", tags=["audit"])

AuditReader = Annotated[AuthContext, requires("audit_logs:read")]
DEFAULT_LIMIT = 50
CursorListing = Annotated[ListQuery, list_query(sorts=CURSOR_SORTS)]


@router.get("", response_model=CursorPage[AuditLogRead])
async def list_audit_logs(
    auth: AuditReader,
    db: DbSession,
    listing: CursorListing,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    actor_user_id: uuid.UUID | None = None,
    actor: Annotated[uuid.UUID | None, Query(include_in_schema=False)] = None,
    action: Annotated[
        str | None, Query(max_length=100, description="Exact, or a prefix ending in `*`: `auth.*`")
    ] = None,
    resource_type: Annotated[str | None, Query(max_length=50)] = None,
    resource_id: Annotated[str | None, Query(max_length=64)] = None,
    date_from: Annotated[str | None, Query(description="ISO date or datetime, UTC")] = None,
    date_to: Annotated[str | None, Query(description="ISO date (whole day) or datetime")] = None,
    status_code: Annotated[int | None, Query(ge=100, le=599)] = None,
) -> dict[str, Any]:
    """Newest first, with cursor pagination: pass `next_cursor` back as `cursor`."""
    filters = audit_service.AuditFilters(
        actor_user_id=actor_user_id or actor,
        action=action,
        resource_type=resource_type,
        resource_id=resource_id,
        date_from=audit_service.parse_moment(date_from, field="date_from"),
        date_to=audit_service.parse_moment(date_to, field="date_to", end_of_day=True),
        status_code=status_code,
    )
    items, next_cursor = await audit_service.list_entries(
        db,
        organization_id=auth.org_id,
        filters=filters,
        cursor=cursor,
        limit=limit,
        listing=listing,
    )
    return {"items": items, "next_cursor": next_cursor}


@router.get("/{entry_id}", response_model=AuditLogRead, responses={404: {"model": ErrorBody}})
async def get_audit_log(entry_id: uuid.UUID, auth: AuditReader, db: DbSession) -> Any:
    return await audit_service.get_entry(db, organization_id=auth.org_id, entry_id=entry_id)
