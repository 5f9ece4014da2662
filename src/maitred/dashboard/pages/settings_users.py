"""Settings, users and roles: the team, invitations by email, a member's role, and
deactivation (which ends their sessions and API keys here at once). The service decides who
may grant what: nobody beyond their own permissions, and never without an active admin."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.responses import Response

from maitred.dashboard.forms import Problems, problems_of
from maitred.dashboard.pages.settings_common import BASE, Form, done, render, section_user, text
from maitred.identity import members, users
from maitred.identity.deps import AuthContext
from maitred.identity.user_schemas import MemberInvite, UserUpdate
from maitred.kit.deps import database_of
from maitred.kit.errors import AppError
from maitred.kit.list_params import ListQuery
from maitred.kit.pagination import PageParams
from maitred.kit.roles import Role

router = APIRouter(prefix="/users", include_in_schema=False)
PATH = f"{BASE}/users"
Readers = Annotated[AuthContext, section_user("users:read")]
Writers = Annotated[AuthContext, section_user("users:write")]
# The roles a business gives its people (customers and the assistant are not invited here).
ROLES = (Role.admin, Role.manager, Role.staff, Role.viewer, Role.facilitator)
DONE = {
    "invited": "Invitation sent.",
    "role": "Role changed.",
    "deactivated": "Member deactivated.",
    "reactivated": "Member reactivated.",
}


async def _page(request: Request, auth: AuthContext, problems: Problems | None = None) -> Response:
    async with database_of(request).transaction(write=False) as session:
        found, _ = await members.list_members(
            session,
            auth,
            PageParams(page=1, limit=100),
            listing=ListQuery(sort_by="full_name", descending=False),
        )
    return render(
        request,
        auth,
        "settings/users.html",
        {"title": "Users and roles", "members": [m.read() for m in found], "roles": ROLES},
        problems=problems,
        done=DONE,
    )


@router.get("")
async def users_page(request: Request, auth: Readers) -> Response:
    return await _page(request, auth)


@router.post("")
async def invite(request: Request, auth: Writers, form: Form) -> Response:
    """POST /organizations/{id}/members: a new account gets a link to choose its password, an
    existing one an invitation to accept."""
    try:
        body = MemberInvite.model_validate(
            {"email": text(form, "email"), "role": text(form, "role")}
        )
        async with database_of(request).transaction() as session:
            await users.add_member(
                session, auth, request.app.state.auth_config, email=body.email, role=body.role
            )
    except (AppError, ValidationError) as exc:
        return await _page(request, auth, problems_of(exc))
    return done(PATH, "invited")


async def _update(
    request: Request, auth: AuthContext, user_id: uuid.UUID, fields: dict[str, object], what: str
) -> Response:
    try:
        body = UserUpdate.model_validate(fields)
        async with database_of(request).transaction() as session:
            await users.update_member(session, auth, user_id, changes=body.changes())
    except (AppError, ValidationError) as exc:
        return await _page(request, auth, problems_of(exc))
    return done(PATH, what)


@router.post("/{user_id}/role")
async def change_role(request: Request, user_id: uuid.UUID, auth: Writers, form: Form) -> Response:
    return await _update(request, auth, user_id, {"role": text(form, "role")}, "role")


@router.post("/{user_id}/deactivate")
async def deactivate(request: Request, user_id: uuid.UUID, auth: Writers, form: Form) -> Response:
    return await _update(request, auth, user_id, {"is_active": False}, "deactivated")


@router.post("/{user_id}/reactivate")
async def reactivate(request: Request, user_id: uuid.UUID, auth: Writers, form: Form) -> Response:
    return await _update(request, auth, user_id, {"is_active": True}, "reactivated")
