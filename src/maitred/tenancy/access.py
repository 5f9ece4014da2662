"""Who may see and change which organization through the API: the organization in the path
may differ from the one the request's token or X-Tenant-ID is for, so the caller's role is
judged in the path's organization (`authorize`), before any change is made
(administration.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit.errors import Forbidden, NotFound
from maitred.kit.permissions import permissions_for
from maitred.kit.roles import Role
from maitred.tenancy import memberships
from maitred.tenancy.caller import Caller
from maitred.tenancy.errors import MfaSetupRequired
from maitred.tenancy.models import Organization
from maitred.tenancy.service import find
from maitred.tenancy.settings import requires_mfa


@dataclass(frozen=True)
class Access:
    """An organization of the path and what the caller may do in it (which may differ from the
    organization the request's token or X-Tenant-ID is for)."""

    organization: Organization
    role: str
    permissions: frozenset[str]
    is_user: bool

    def can(self, permission: str) -> bool:
        return permission in self.permissions


async def authorize(
    session: AsyncSession, auth: Caller, id_or_slug: str, permission: str
) -> Access:
    """The organization if the caller holds `permission` in it. A caller whose roles grant
    `permission` nowhere: 403, before the organization is even looked up; not a member: 404
    (whether it exists is nobody else's business); a member without the permission: 403."""
    held = (
        await memberships.active_of(session, auth.user_id)
        if auth.user_id is not None and not auth.is_super_admin
        else ()
    )
    if not auth.is_super_admin:
        held_anywhere = (
            frozenset().union(*(permissions_for(m.role) for m in held))
            if auth.user_id is not None
            else auth.permissions  # an API key: its own organization's scopes
        )
        if permission not in held_anywhere:
            raise Forbidden(f"Requires permission {permission}")
    organization = await find(session, id_or_slug)
    if organization is None:
        raise NotFound("No such organization")
    if auth.is_super_admin:
        role, permissions = Role.super_admin.value, permissions_for(Role.super_admin)
    elif auth.user_id is not None:
        member = next((m for m in held if m.organization_id == organization.id), None)
        if member is None:
            raise NotFound("No such organization")
        role, permissions = member.role, permissions_for(member.role)
    elif auth.organization_id == organization.id:
        role, permissions = auth.role, auth.permissions
    else:
        raise NotFound("No such organization")
    if not auth.is_super_admin:
        if not organization.is_active:
            raise Forbidden("This organization has been deactivated")
        if auth.is_user and not auth.mfa_enabled and requires_mfa(organization.settings, role):
            raise MfaSetupRequired(role)
    if permission not in permissions:
        raise Forbidden(f"Requires permission {permission}")
    return Access(organization, role, permissions, is_user=auth.user_id is not None)
