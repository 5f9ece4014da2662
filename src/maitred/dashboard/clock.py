"""The business's own today and calendar rules: pages speak in the organization's time zone.

Both come from the organization's snapshot at the version read with the signed-in user
(tenancy/snapshots.py): no statement, no settings parsed, while the organization is unchanged."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from fastapi import Request

from maitred.identity.deps import AuthContext
from maitred.kit.clock import utcnow
from maitred.kit.deps import database_of
from maitred.kit.errors import NotFound
from maitred.tenancy import service as tenancy_service
from maitred.tenancy.book_settings import AvailabilitySettings


async def organization_of(
    request: Request, auth: AuthContext
) -> tenancy_service.OrganizationSnapshot:
    found = await tenancy_service.snapshot(
        database_of(request).reads, auth.org_id, auth.organization_version
    )
    if found is None:
        raise NotFound("No such organization")
    return found


async def local_today(request: Request, auth: AuthContext) -> date:
    organization = await organization_of(request, auth)
    return utcnow().astimezone(ZoneInfo(organization.timezone or "UTC")).date()


async def calendar_rules(request: Request, auth: AuthContext) -> AvailabilitySettings:
    """The availability settings in effect (closed weekdays, blackout dates)."""
    return (await organization_of(request, auth)).settings.availability
