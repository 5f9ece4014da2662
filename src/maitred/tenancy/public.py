"""Which organization a public (signed-out) request is for (../shared/API.md, Requests).

In this order: `X-Tenant-ID` or `?org=` (id or slug); the `Host` header when it is one of an
organization's domains (tenancy/domains.py); the instance default
(`MAITRED_DEFAULT_ORGANIZATION`); the only active organization of a one-business install.
"""

import logging
from typing import Annotated

from fastapi import Depends, Header, Query, Request
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit import i18n
from maitred.kit.deps import DbSession, app_settings, database_of
from maitred.kit.errors import NotFound, ValidationFailed
from maitred.tenancy import domains as tenancy_domains
from maitred.tenancy import kept
from maitred.tenancy import service as tenancy_service
from maitred.tenancy import snapshots as tenancy_snapshots
from maitred.tenancy.models import Organization
from maitred.tenancy.snapshots import OrganizationSnapshot

logger = logging.getLogger(__name__)


def _active(found: Organization | None) -> Organization:
    if found is None or not found.is_active:
        raise NotFound("No such organization")
    i18n.use_fallback(found.locale)
    return found


async def public_organization(
    request: Request,
    db: DbSession,
    tenant: Annotated[
        str | None, Header(alias="X-Tenant-ID", description="Organization id or slug")
    ] = None,
    org: Annotated[str | None, Query(description="Organization id or slug")] = None,
) -> Organization:
    return await _resolve(request, db, tenant or org)


async def _resolve(request: Request, db: AsyncSession, named: str | None) -> Organization:
    if named:
        return _active(await kept.find_kept(db, database_of(request).reads, named))
    host = request.headers.get("host")
    if host:
        by_host = await tenancy_domains.organization_for_host(db, host)
        if by_host is not None:
            return _active(by_host)
    default = app_settings(request).default_organization.strip()
    if default:
        found = await tenancy_service.find(db, default)
        if found is not None and found.is_active:
            return _active(found)
        logger.warning("MAITRED_DEFAULT_ORGANIZATION=%r names no active organization", default)
    active = await tenancy_service.some_active(db, limit=2)
    if len(active) == 1:
        return _active(active[0])
    if not active:
        raise NotFound("No such organization")
    raise ValidationFailed(
        "Say which business this is for",
        details={
            "X-Tenant-ID": "Send the organization's id or slug in X-Tenant-ID or ?org=, "
            "or use one of its domains"
        },
    )


async def public_snapshot(
    request: Request,
    tenant: Annotated[
        str | None, Header(alias="X-Tenant-ID", description="Organization id or slug")
    ] = None,
    org: Annotated[str | None, Query(description="Organization id or slug")] = None,
) -> OrganizationSnapshot:
    """The same organization as `public_organization`, for read-only hot paths: a named one is
    one compiled read of its version (its settings are kept in process per version), without a
    session."""
    named = tenant or org
    database = database_of(request)
    if named:
        found = await tenancy_snapshots.named(database.reads, named)
        if found is None or not found.is_active:
            raise NotFound("No such organization")
        i18n.use_fallback(found.locale)
        return found
    async with database.transaction(write=False) as session:
        return tenancy_snapshots.of_organization(await _resolve(request, session, None))


PublicOrganization = Annotated[Organization, Depends(public_organization)]
PublicSnapshot = Annotated[OrganizationSnapshot, Depends(public_snapshot)]
