"""Every CRM record of an organization (seed 002's "all booking notifications"), filtered, with
the filters echoed back and how many records there are in all."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.crm.repository import CrmRecordRepository, RecordFilters
from maitred.crm.views import audience_of, read_records
from maitred.identity.deps import AuthContext
from maitred.kit.clock import local_days
from maitred.kit.errors import NotFound, ValidationFailed
from maitred.kit.list_params import ListQuery
from maitred.kit.pagination import PageParams
from maitred.tenancy import service as tenancy_service

SORT_FIELDS = tuple(CrmRecordRepository.sorts)
NEWEST_RECEIVED = ListQuery(sort_by="received_at", descending=True)


async def organization_timezone(session: AsyncSession, organization_id: uuid.UUID) -> str:
    organization = await tenancy_service.get(session, organization_id)
    if organization is None:
        raise NotFound("No such organization")
    return organization.timezone


async def list_records(
    session: AsyncSession,
    auth: AuthContext,
    *,
    params: PageParams,
    facilitator_id: str | None = None,
    event_id: str | None = None,
    user_id: str | None = None,
    status: str | None = None,
    crm_status: str | None = None,
    kind: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    listing: ListQuery = NEWEST_RECEIVED,
) -> dict[str, Any]:
    """Newest received first (or as `listing` asks). `user_id` is a customer's or user's id
    of maitred, or an outside system's user id; `date_from`/`date_to` are days of receipt in
    the organization's time zone, inclusive. `summary.total_notifications` counts every record
    the caller may see."""
    if date_from and date_to and date_from > date_to:
        raise ValidationFailed(details={"date_to": "Must not be before date_from"})
    zone = await organization_timezone(session, auth.org_id) if date_from or date_to else "UTC"
    audience = await audience_of(session, auth)
    repository = CrmRecordRepository(session, auth.org_id)
    booking_status = status.strip().lower() if status else None
    received_from, received_before = local_days(date_from, date_to, zone)
    statement = repository.matching(
        audience,
        RecordFilters(
            facilitator_id=facilitator_id,
            event_id=event_id,
            user_id=user_id,
            booking_status=booking_status,
            crm_status=crm_status,
            kind=kind,
            received_from=received_from,
            received_before=received_before,
        ),
    )
    window = await tenancy_service.created_window(session, auth.org_id, listing)
    rows, info = await repository.listed(params, listing, window, statement)
    return {
        "items": await read_records(session, auth.org_id, rows),
        "pagination": info,
        "filters_applied": {
            "facilitator_id": facilitator_id,
            "event_id": event_id,
            "user_id": user_id,
            "status": booking_status,
            "crm_status": crm_status,
            "kind": kind,
            "date_from": date_from.isoformat() if date_from else None,
            "date_to": date_to.isoformat() if date_to else None,
        },
        "summary": {
            "total_notifications": await repository.count(repository.visible(audience)),
            "filtered_results": info.total_items,
        },
    }
