"""/organizations (and seed 003's /projects): the businesses a caller belongs to.

Served by identity, which knows the caller, while the rules and the memberships are tenancy's
(tenancy/access.py, tenancy/administration.py, tenancy/memberships.py): tenancy never imports
identity, so authentication can read organizations and memberships without an import cycle.

The organization in the path may differ from the one the request's token or X-Tenant-ID is for,
so these routes check the caller's role in the path's organization (`organization_permission`)
instead of `requires(...)`, which checks the request's organization.
"""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, Response

from maitred.identity.deps import Caller, auth_config_of, authenticate
from maitred.kit.deps import DbSession, Reads
from maitred.kit.errors import ErrorBody
from maitred.kit.list_params import ListQuery, list_query
from maitred.kit.pagination import Page, Pagination
from maitred.tenancy import access as tenancy_access
from maitred.tenancy import administration as tenancy_administration
from maitred.tenancy import domains as tenancy_domains
from maitred.tenancy import service as tenancy_service
from maitred.tenancy.schemas import (
    OrganizationCreate,
    OrganizationDomains,
    OrganizationPublicRead,
    OrganizationRead,
    OrganizationUpdate,
)
from maitred.tenancy.settings import OrganizationSettings

public_router = APIRouter(prefix="/public/organizations", tags=["organizations"])
router = APIRouter(tags=["organizations"])

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "Not signed in"},
    403: {"model": ErrorBody, "description": "A member without the permission"},
    404: {"model": ErrorBody, "description": "No such organization, or not a member of it"},
}
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    409: {"model": ErrorBody, "description": "The slug is taken"},
}


def organization_permission(permission: str) -> Any:
    """A dependency admitting callers that hold `permission` in the path's organization."""

    async def check(
        request: Request,
        db: DbSession,
        organization_id: Annotated[str, Path(description="Organization id or slug")],
    ) -> tenancy_access.Access:
        auth = await authenticate(request)
        return await tenancy_access.authorize(db, auth, organization_id, permission)

    check.required_permissions = (permission,)  # type: ignore[attr-defined]
    return Depends(check)


Readable = Annotated[tenancy_access.Access, organization_permission("organizations:read")]
Writable = Annotated[tenancy_access.Access, organization_permission("organizations:write")]
SettingsReadable = Annotated[tenancy_access.Access, organization_permission("settings:read")]
SettingsWritable = Annotated[tenancy_access.Access, organization_permission("settings:write")]


@public_router.get(
    "/{id_or_slug}",
    response_model=OrganizationPublicRead,
    summary="Public profile of a business",
    responses={404: {"model": ErrorBody}},
)
async def get_public_organization(id_or_slug: str, reads: Reads) -> dict[str, Any]:
    """Name, timezone and currency of an active organization, by id or slug (no sign-in)."""
    return await tenancy_service.get_public(reads, id_or_slug)


async def create_organization(
    body: OrganizationCreate, auth: Caller, request: Request, db: DbSession
) -> dict[str, Any]:
    """Platform administrators may always; any signed-in user when the instance allows
    self-service (`MAITRED_ORGANIZATION_SIGNUP`). The creator becomes its admin."""
    organization = await tenancy_administration.create_for(
        db,
        auth,
        self_service=auth_config_of(request).organization_signup,
        **body.model_dump(exclude={"settings"}),
        settings=body.settings,
    )
    return tenancy_administration.read(organization)


OrganizationListing = Annotated[
    ListQuery,
    list_query(
        sorts=tenancy_administration.SORT_FIELDS, default_order="asc", search="Part of the name"
    ),
]


async def list_organizations(
    auth: Caller,
    db: DbSession,
    pagination: Pagination,
    listing: OrganizationListing,
    is_active: bool | None = None,
) -> dict[str, Any]:
    """The organizations the caller may read (platform administrators: all of them)."""
    rows, info = await tenancy_administration.list_visible(
        db, auth, pagination, is_active=is_active, listing=listing
    )
    return {"items": [tenancy_administration.read(row) for row in rows], "pagination": info}


async def get_organization(access: Readable) -> dict[str, Any]:
    return tenancy_administration.read(access.organization)


async def update_organization(
    body: OrganizationUpdate, access: Writable, db: DbSession
) -> dict[str, Any]:
    """Only the fields sent change; `settings` also needs `settings:write` and is merged
    section by section; `is_active` only an admin may change."""
    changes = {field: getattr(body, field) for field in body.model_fields_set}
    organization = await tenancy_administration.update(db, access, changes=changes)
    return tenancy_administration.read(organization)


async def deactivate_organization(access: Writable, db: DbSession) -> Response:
    """Soft delete, by an admin of the organization: its data stays, its members are shut out."""
    await tenancy_administration.deactivate(db, access)
    return Response(status_code=204)


@router.get(
    "/organizations/{organization_id}/settings",
    response_model=OrganizationSettings,
    responses=ERRORS,
)
async def get_settings(access: SettingsReadable) -> dict[str, Any]:
    """The effective settings: what was set, and the defaults for the rest."""
    return tenancy_administration.effective_settings(access.organization)


@router.patch(
    "/organizations/{organization_id}/settings",
    response_model=OrganizationSettings,
    responses=ERRORS,
)
async def update_settings(
    body: OrganizationSettings, access: SettingsWritable, db: DbSession
) -> dict[str, Any]:
    """Merges the sections sent into the stored ones; answers the effective settings."""
    return await tenancy_administration.update_settings(db, access, body)


@router.get(
    "/organizations/{organization_id}/domains",
    response_model=OrganizationDomains,
    responses=ERRORS,
)
async def get_domains(access: Readable, db: DbSession) -> dict[str, Any]:
    """The host names whose signed-out requests (booking form, menu) are for this business."""
    return {"domains": await tenancy_domains.of(db, access.organization.id)}


@router.put(
    "/organizations/{organization_id}/domains",
    response_model=OrganizationDomains,
    responses=WRITE_ERRORS,
)
async def replace_domains(
    body: OrganizationDomains, access: Writable, db: DbSession
) -> dict[str, Any]:
    """Replaces the whole list; a platform administrator only. A domain another organization
    uses is 409."""
    domains = await tenancy_domains.replace(
        db,
        organization=access.organization,
        role=access.role,
        is_user=access.is_user,
        domains=body.domains,
    )
    return {"domains": domains}


def _route(
    path: str,
    endpoint: Callable[..., Any],
    method: str,
    *,
    status_code: int = 200,
    **options: Any,
) -> None:
    """Serves `endpoint` at /organizations`path` and at seed 003's /projects`path`."""
    for prefix, tag, name in (
        ("/organizations", "organizations", endpoint.__name__),
        ("/projects", "projects", endpoint.__name__.replace("organization", "project")),
    ):
        router.add_api_route(
            prefix + path,
            endpoint,
            methods=[method],
            status_code=status_code,
            name=name,
            **options,
        )
        router.routes[-1].tags = [tag]  # type: ignore[attr-defined]


_route(
    "",
    create_organization,
    "POST",
    status_code=201,
    response_model=OrganizationRead,
    responses=WRITE_ERRORS,
)
_route("", list_organizations, "GET", response_model=Page[OrganizationRead], responses=ERRORS)
_route(
    "/{organization_id}", get_organization, "GET", response_model=OrganizationRead, responses=ERRORS
)
_route(
    "/{organization_id}",
    update_organization,
    "PATCH",
    response_model=OrganizationRead,
    responses=WRITE_ERRORS,
)
_route(
    "/{organization_id}",
    update_organization,
    "PUT",
    response_model=OrganizationRead,
    responses=WRITE_ERRORS,
)
_route(
    "/{organization_id}",
    deactivate_organization,
    "DELETE",
    status_code=204,
    response_class=Response,
    responses=ERRORS,
)
