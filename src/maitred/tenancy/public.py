"""Which organization a public (signed-out) request is for (../shared/API.md, Requests).

`X-Tenant-ID` or `?org=` names it by id or slug; a one-business install needs neither.
"""

from typing import Annotated

from fastapi import Depends, Header, Query

from maitred.kit.deps import DbSession
from maitred.kit.errors import NotFound, ValidationFailed
from maitred.tenancy import service as tenancy_service
from maitred.tenancy.models import Organization


async def public_organization(
    db: DbSession,
    tenant: Annotated[
        str | None, Header(alias="X-Tenant-ID", description="Organization id or slug")
    ] = None,
    org: Annotated[str | None, Query(description="Organization id or slug")] = None,
) -> Organization:
    named = tenant or org
    if named:
        found = await tenancy_service.find(db, named)
        if found is None or not found.is_active:
            raise NotFound("No such organization")
        return found
    active = await tenancy_service.some_active(db, limit=2)
    if len(active) == 1:
        return active[0]
    if not active:
        raise NotFound("No such organization")
    raise ValidationFailed(
        "Say which business this is for",
        details={"X-Tenant-ID": "Send the organization's id or slug in X-Tenant-ID or ?org="},
    )


PublicOrganization = Annotated[Organization, Depends(public_organization)]
