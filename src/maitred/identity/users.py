"""The users of an organization (its members): adding, inviting, changing, removing them.

A user (an account) exists once across organizations and belongs to its holder; what an
organization administers is its membership: the role and whether it is active. So an
organization never changes the person's name or phone (the holder does, at /auth/me; a platform
administrator may), an existing account only ever gets an invitation its holder accepts
(tenancy/memberships.py), and deactivating or removing a member ends their sessions and API keys
in this organization only. Nobody grants or touches a role beyond their own permissions,
`super_admin` is never granted through an organization, and an organization always keeps at
least one active admin.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.identity import api_keys, profile
from maitred.identity import service as identity_service
from maitred.identity.deps import AuthContext
from maitred.identity.members import Member, get_member
from maitred.identity.models import User
from maitred.identity.sessions import AuthConfig
from maitred.kit.auditnote import record
from maitred.kit.errors import (
    AlreadyExists,
    Forbidden,
    InvalidState,
    NotFound,
    ValidationFailed,
)
from maitred.kit.permissions import ROLE_PERMISSIONS, outranks, permissions_for
from maitred.kit.roles import Role
from maitred.tenancy import memberships
from maitred.tenancy import service as tenancy_service
from maitred.tenancy.models import Membership, MembershipStatus

ROLE_DESCRIPTIONS: dict[Role, str] = {
    Role.super_admin: "Runs the platform: every organization and the platform's own settings",
    Role.admin: "Runs the organization: every permission in it, users and API keys included",
    Role.manager: "Runs the daily business; reads users, settings and the audit log",
    Role.staff: "Works bookings, customers, leads and messages; reads the catalog",
    Role.viewer: "Reads bookings, customers, the catalog and reports; changes nothing",
    Role.facilitator: "Hosts events: reads their events and bookings, keeps CRM notes",
    Role.ai_system: "The booking assistant: quotes, leads, waitlist and bookings only",
    Role.customer: "A guest: browses the menu and events, manages their own bookings",
}
INVITED, ACTIVE = MembershipStatus.invited, MembershipStatus.active
PROFILE_FIELDS = ("full_name", "first_name", "last_name", "phone")
PROFILE_IS_THE_HOLDERS = (
    "Only the account holder changes their name and phone (PATCH /api/v1/auth/me); "
    "an organization changes a member's role and whether the membership is active"
)


def role_catalog() -> list[dict[str, Any]]:
    return [role_info(role) for role in Role]


def role_info(name: str) -> dict[str, Any]:
    try:
        role = Role(name)
    except ValueError:
        raise NotFound("No such role") from None
    return {
        "name": role.value,
        "description": ROLE_DESCRIPTIONS[role],
        "permissions": sorted(ROLE_PERMISSIONS[role]),
    }


async def _lock_admins(session: AsyncSession, organization_ids: Sequence[uuid.UUID]) -> None:
    """Serializes every change that could remove an organization's last admin (a no-op on
    SQLite, whose write transactions already run one at a time)."""
    await session.execute(
        select(Membership.id)
        .where(Membership.organization_id.in_(organization_ids), Membership.role == Role.admin)
        .with_for_update()
    )


async def _ensure_admins_remain(
    session: AsyncSession, organization_ids: Sequence[uuid.UUID]
) -> None:
    """Checked after the change, inside its transaction, so it also covers concurrent ones."""
    await session.flush()
    for organization_id in organization_ids:
        admins = await session.scalar(
            select(func.count())
            .select_from(Membership)
            .join(User, User.id == Membership.user_id)
            .where(
                Membership.organization_id == organization_id,
                Membership.role == Role.admin,
                Membership.status == ACTIVE,
                User.is_active.is_(True),
            )
        )
        if not admins:
            raise InvalidState(
                "This is the organization's last admin: make someone else admin first"
            )


def _holds_every_permission_of(auth: AuthContext, role: Role | str) -> bool:
    """Users are limited by their role, API keys also by their scopes."""
    return outranks(auth.role, role) and permissions_for(role) <= auth.permissions


def _check_grant(auth: AuthContext, role: Role) -> None:
    if role == Role.super_admin:
        raise ValidationFailed(
            details={"role": "super_admin is a platform role; it cannot be granted here"}
        )
    if not _holds_every_permission_of(auth, role):
        raise Forbidden(f"You cannot grant the {role.value} role: it outranks your own")


def _check_target(auth: AuthContext, member: Member) -> None:
    if not _holds_every_permission_of(auth, member.membership.role):
        raise Forbidden(f"You cannot change a member with the {member.membership.role} role")


async def _region(session: AsyncSession, organization_id: uuid.UUID) -> str:
    organization = await tenancy_service.get(session, organization_id)
    return organization.country if organization is not None else "US"


async def add_member(
    session: AsyncSession,
    auth: AuthContext,
    config: AuthConfig,
    *,
    email: str,
    role: Role,
    password: str | None = None,
    full_name: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    phone: str | None = None,
) -> tuple[Member, bool]:
    """The member, and whether a link to choose a password went out. A new account joins at
    once (nobody held it before) and gets that link; an existing account only gets a pending
    invitation, which grants nothing until its holder accepts it (GET /auth/invitations)."""
    _check_grant(auth, role)
    email = identity_service.normalize_email(email)
    user = await identity_service.find_by_email(session, email)
    if user is not None:
        member = await _invite_existing(session, auth.org_id, user, password=password, role=role)
        await profile.send_invitation_notice(
            session, config, user, organization_id=auth.org_id, role=role.value
        )
        return member, False
    full, first, last = profile.names(full_name, first_name, last_name)
    if phone:
        region = await _region(session, auth.org_id)
        phone = identity_service.normalize_phone(phone, region=region)
    user = await identity_service.create_user(
        session, email=email, password=password, full_name=full, phone=phone
    )
    user.first_name, user.last_name = first, last
    membership = await memberships.add(
        session, user_id=user.id, organization_id=auth.org_id, role=role
    )
    invited = user.password_hash is None
    if invited:
        await profile.issue_reset_token(
            session, config, user, purpose="invite", organization_id=auth.org_id
        )
    record(
        "user.created",
        resource_type="user",
        resource_id=user.id,
        changes={"role": role.value, "new_account": True},
    )
    if invited:
        record("user.invited", resource_type="user", resource_id=user.id)
    return Member(user, membership), invited


async def _invite_existing(
    session: AsyncSession,
    organization_id: uuid.UUID,
    user: User,
    *,
    password: str | None,
    role: Role,
) -> Member:
    existing = await memberships.find(session, user.id, organization_id)
    if existing is not None:
        pending = existing.status == INVITED
        raise AlreadyExists(
            "This user is already invited" if pending else "This user is already a member",
            details={"email": "Already invited" if pending else "Already a member"},
        )
    if password is not None:
        raise ValidationFailed(
            "This email already has an account with its own password",
            details={"password": "Leave it out: the existing account keeps its password"},
        )
    membership = await memberships.add(
        session, user_id=user.id, organization_id=organization_id, role=role, status=INVITED
    )
    record(
        "user.invited",
        resource_type="user",
        resource_id=user.id,
        changes={"role": role.value, "new_account": False},
    )
    return Member(user, membership)


def _shown_profile(user: User) -> dict[str, str | None]:
    first, last = profile.split_name(user)
    return {
        "full_name": user.full_name,
        "first_name": first,
        "last_name": last,
        "phone": user.phone,
    }


async def _check_profile_change(
    session: AsyncSession, auth: AuthContext, user: User, changes: dict[str, Any]
) -> dict[str, Any]:
    """The profile fields that would really change. An organization may send the values it
    was shown back (a full PUT) but not change them: the profile is the account holder's."""
    wanted = {k: v for k, v in changes.items() if k in PROFILE_FIELDS}
    if wanted.get("phone"):
        region = await _region(session, auth.org_id)
        wanted["phone"] = identity_service.normalize_phone(str(wanted["phone"]), region=region)
    shown = _shown_profile(user)
    changed = {
        k: v
        for k, v in wanted.items()
        if (v or None if k == "phone" else str(v or "").strip()) != shown[k]
    }
    if changed and not auth.is_super_admin:
        raise Forbidden(PROFILE_IS_THE_HOLDERS)
    return changed


async def update_member(
    session: AsyncSession, auth: AuthContext, user_id: uuid.UUID, *, changes: dict[str, Any]
) -> Member:
    """The role and the membership's state; deactivating ends the member's sessions and API
    keys in this organization (their other organizations are not this one's business)."""
    member = await get_member(session, auth, user_id)
    _check_target(auth, member)
    user, membership = member.user, member.membership
    new_role = Role(changes["role"]) if changes.get("role") is not None else None
    if new_role is not None:
        _check_grant(auth, new_role)
    pending = membership.status == INVITED
    if pending and any(k in changes for k in ("is_active", *PROFILE_FIELDS)):
        # Checked before the profile is even looked at: the inviting organization learns
        # nothing of an account whose holder has not accepted.
        raise InvalidState(
            "The invitation is still pending: change its role, or delete it to withdraw it"
        )
    profile_changes = await _check_profile_change(session, auth, user, changes)
    wanted_status = None
    if "is_active" in changes and not pending:
        wanted_status = ACTIVE if changes["is_active"] else MembershipStatus.deactivated
    deactivating = wanted_status == MembershipStatus.deactivated and membership.status == ACTIVE
    if deactivating and user.id == auth.user_id:
        raise ValidationFailed(details={"is_active": "You cannot deactivate yourself"})

    was_admin = membership.role == Role.admin and membership.status == ACTIVE
    guarded = was_admin and (deactivating or new_role not in (None, Role.admin))
    if guarded:
        await _lock_admins(session, [auth.org_id])

    audit: dict[str, Any] = {}
    if new_role is not None and new_role != membership.role:
        membership.role = new_role
        audit["role"] = new_role.value
    if wanted_status is not None and wanted_status != membership.status:
        membership.status = wanted_status
        audit["is_active"] = wanted_status == ACTIVE
        if deactivating:
            await _end_access(session, user_id=user.id, organization_id=auth.org_id)
    if profile_changes:
        region = await _region(session, auth.org_id) if profile_changes.get("phone") else "US"
        await profile.update_profile(session, user, changes=profile_changes, region=region)
    if guarded:
        await _ensure_admins_remain(session, [auth.org_id])
    await session.flush()
    record(
        "user.updated",
        resource_type="user",
        resource_id=user.id,
        changes={"fields": sorted(changes), **audit},
    )
    return member


async def _end_access(
    session: AsyncSession, *, user_id: uuid.UUID, organization_id: uuid.UUID
) -> None:
    """Ends the user's sessions and API keys in this organization only."""
    await identity_service.revoke_organization_sessions(
        session, user_id=user_id, organization_id=organization_id
    )
    await api_keys.revoke_created_by(session, user_id=user_id, organization_id=organization_id)


async def remove_member(session: AsyncSession, auth: AuthContext, user_id: uuid.UUID) -> None:
    """The user loses this organization (and their sessions and keys in it); their account
    and their other organizations stay. On a pending invitation, withdraws it."""
    if user_id == auth.user_id:
        raise ValidationFailed(details={"user_id": "You cannot remove yourself"})
    member = await get_member(session, auth, user_id)
    _check_target(auth, member)
    if member.membership.status == INVITED:
        await session.delete(member.membership)
        await session.flush()
        record("user.invitation_withdrawn", resource_type="user", resource_id=user_id)
        return
    is_admin = member.membership.role == Role.admin and member.membership.status == ACTIVE
    if is_admin:
        await _lock_admins(session, [auth.org_id])
    await session.delete(member.membership)
    await session.flush()
    if is_admin:
        await _ensure_admins_remain(session, [auth.org_id])
    await _end_access(session, user_id=user_id, organization_id=auth.org_id)
    record("user.removed", resource_type="user", resource_id=user_id)
