"""/users, /organizations/{organization_id}/members and /roles.

The members routes are the same operations as /users under the organization's own path (seed
issue "Invite members"); the organization in the path must be the caller's current one.
"""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response

from maitred.identity import members, users
from maitred.identity.deps import AuthContext, auth_config_of, requires
from maitred.identity.sessions import AuthConfig
from maitred.identity.user_schemas import (
    MemberInvite,
    MemberRead,
    RoleList,
    RoleRead,
    UserCreate,
    UserCreated,
    UserUpdate,
)
from maitred.kit.deps import DbSession
from maitred.kit.errors import ErrorBody, NotFound
from maitred.kit.list_params import ListQuery, list_query
from maitred.kit.pagination import Page, Pagination
from maitred.kit.roles import Role
from maitred.tenancy.models import MembershipStatus

router = APIRouter(tags=["users"])

Config = Annotated[AuthConfig, Depends(auth_config_of)]
Readers = Annotated[AuthContext, requires("users:read")]
Writers = Annotated[AuthContext, requires("users:write")]
ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"model": ErrorBody, "description": "Missing permission, or a role above yours"},
    404: {"model": ErrorBody, "description": "Not a member of this organization"},
    409: {
        "model": ErrorBody,
        "description": "Already a member or invited, the last admin, or a pending invitation",
    },
}


Listing = Annotated[
    ListQuery,
    list_query(
        sorts=tuple(members.SORTS),
        search="Part of the name, or the exact email",
        ascending_by_default=("full_name",),
    ),
]


def _created(member: members.Member, invited: bool) -> dict[str, Any]:
    return {**member.read(), "invitation_sent": invited}


@router.get("/users", response_model=Page[MemberRead])
async def list_users(
    auth: Readers,
    db: DbSession,
    pagination: Pagination,
    listing: Listing,
    role: Role | None = None,
    active: bool | None = None,
    status: MembershipStatus | None = None,
) -> Any:
    """The members of the current organization, pending invitations included (`status`)."""
    found, info = await members.list_members(
        db,
        auth,
        pagination,
        role=role,
        active=active,
        status=status,
        listing=listing,
    )
    return {"items": [m.read() for m in found], "pagination": info}


@router.post("/users", status_code=201, response_model=UserCreated, responses=ERRORS)
async def create_user(body: UserCreate, auth: Writers, db: DbSession, config: Config) -> Any:
    """A new account (invited by link when no password is given), or, for an existing account,
    an invitation its holder accepts (`status` invited until then)."""
    member, invited = await users.add_member(
        db,
        auth,
        config,
        email=body.email,
        role=body.role,
        password=body.password,
        full_name=body.full_name or body.name,
        first_name=body.first_name,
        last_name=body.last_name,
        phone=body.phone,
    )
    return _created(member, invited)


@router.get("/users/{user_id}", response_model=MemberRead, responses=ERRORS)
async def get_user(user_id: uuid.UUID, auth: Readers, db: DbSession) -> Any:
    return (await members.get_member(db, auth, user_id)).read()


@router.put("/users/{user_id}", response_model=MemberRead, responses=ERRORS)
@router.patch("/users/{user_id}", response_model=MemberRead, responses=ERRORS)
async def update_user(user_id: uuid.UUID, body: UserUpdate, auth: Writers, db: DbSession) -> Any:
    """The role and `is_active` of the membership. Deactivating ends the user's sessions and
    API keys in this organization at once; the last admin stays an active admin. The name and
    phone are the account holder's: 403 unless unchanged (or a platform administrator)."""
    member = await users.update_member(db, auth, user_id, changes=body.changes())
    return member.read()


@router.delete("/users/{user_id}", status_code=204, response_class=Response, responses=ERRORS)
async def delete_user(user_id: uuid.UUID, auth: Writers, db: DbSession) -> Response:
    """Removes the user from this organization and ends their sessions and API keys in it (or
    withdraws a pending invitation); the account and its other organizations stay."""
    await users.remove_member(db, auth, user_id)
    return Response(status_code=204)


def _current(auth: AuthContext, organization_id: uuid.UUID) -> None:
    if organization_id != auth.org_id:
        raise NotFound("No such organization")


MEMBERS = "/organizations/{organization_id}/members"


@router.get(MEMBERS, response_model=Page[MemberRead], tags=["organizations"], responses=ERRORS)
async def list_members(
    organization_id: uuid.UUID,
    auth: Readers,
    db: DbSession,
    pagination: Pagination,
    listing: Listing,
) -> Any:
    _current(auth, organization_id)
    found, info = await members.list_members(db, auth, pagination, listing=listing)
    return {"items": [m.read() for m in found], "pagination": info}


@router.post(
    MEMBERS, status_code=201, response_model=UserCreated, tags=["organizations"], responses=ERRORS
)
async def invite_member(
    organization_id: uuid.UUID, body: MemberInvite, auth: Writers, db: DbSession, config: Config
) -> Any:
    """A new account receives a link to choose its password; an existing one an invitation its
    holder accepts."""
    _current(auth, organization_id)
    member, invited = await users.add_member(db, auth, config, email=body.email, role=body.role)
    return _created(member, invited)


@router.get(
    MEMBERS + "/{user_id}", response_model=MemberRead, tags=["organizations"], responses=ERRORS
)
async def get_member(
    organization_id: uuid.UUID, user_id: uuid.UUID, auth: Readers, db: DbSession
) -> Any:
    _current(auth, organization_id)
    return (await members.get_member(db, auth, user_id)).read()


@router.patch(
    MEMBERS + "/{user_id}", response_model=MemberRead, tags=["organizations"], responses=ERRORS
)
async def update_member(
    organization_id: uuid.UUID, user_id: uuid.UUID, body: UserUpdate, auth: Writers, db: DbSession
) -> Any:
    _current(auth, organization_id)
    return (await users.update_member(db, auth, user_id, changes=body.changes())).read()


@router.delete(
    MEMBERS + "/{user_id}",
    status_code=204,
    response_class=Response,
    tags=["organizations"],
    responses=ERRORS,
)
async def remove_member(
    organization_id: uuid.UUID, user_id: uuid.UUID, auth: Writers, db: DbSession
) -> Response:
    _current(auth, organization_id)
    await users.remove_member(db, auth, user_id)
    return Response(status_code=204)


@router.get("/roles", response_model=RoleList, tags=["roles"])
async def list_roles(auth: Annotated[AuthContext, requires()]) -> Any:
    """Every role with its permissions (API.md, Roles)."""
    return {"items": users.role_catalog()}


@router.get("/roles/{name}", response_model=RoleRead, tags=["roles"], responses=ERRORS)
async def get_role(name: str, auth: Annotated[AuthContext, requires()]) -> Any:
    return users.role_info(name)
