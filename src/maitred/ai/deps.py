"""Who is chatting: a signed-in caller (their own organization and rights), or a visitor of a
business's website (the organization named as for every public request)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Query, Request

from maitred.ai.concierge import Caller
from maitred.identity.deps import authenticate
from maitred.kit.deps import DbSession
from maitred.tenancy.public import public_organization


async def chat_caller(
    request: Request,
    db: DbSession,
    tenant: Annotated[
        str | None, Header(alias="X-Tenant-ID", description="Organization id or slug")
    ] = None,
    org: Annotated[str | None, Query(description="Organization id or slug")] = None,
) -> Caller:
    """Sign-in is optional (seed 001): with credentials the caller acts with their rights."""
    if request.headers.get("authorization") or request.headers.get("x-api-key"):
        auth = await authenticate(request)
        return Caller(auth.org_id, auth)
    organization = await public_organization(request, db, tenant, org)
    return Caller(organization.id, None, organization)


ChatCaller = Annotated[Caller, Depends(chat_caller)]
