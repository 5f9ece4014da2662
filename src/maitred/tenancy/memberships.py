"""Memberships: who belongs to which organization, with which role, in which state.

Only an `active` membership grants anything. An organization that invites an existing account
creates an `invited` one, which the account holder accepts or declines: nobody joins another
person's account to an organization. Identity asks here (authentication, sign-in, members)
and never writes memberships itself.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit.auditnote import record
from maitred.kit.errors import AlreadyExists, NotFound
from maitred.kit.roles import Role
from maitred.tenancy.models import Membership, MembershipStatus, Organization

ACTIVE = MembershipStatus.active


async def active_of(session: AsyncSession, user_id: uuid.UUID) -> Sequence[Membership]:
    """The organizations a user may work in, oldest membership first."""
    return (
        await session.scalars(
            select(Membership)
            .where(Membership.user_id == user_id, Membership.status == ACTIVE)
            .order_by(Membership.created_at)
        )
    ).all()


async def find(
    session: AsyncSession, user_id: uuid.UUID, organization_id: uuid.UUID
) -> Membership | None:
    """The membership in any state (an invitation or a deactivated one included)."""
    return await session.scalar(
        select(Membership).where(
            Membership.user_id == user_id, Membership.organization_id == organization_id
        )
    )


async def active(
    session: AsyncSession, user_id: uuid.UUID, organization_id: uuid.UUID
) -> Membership | None:
    """The membership if it grants access now (what every permission check asks)."""
    found = await find(session, user_id, organization_id)
    return found if found is not None and found.status == ACTIVE else None


async def add(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    organization_id: uuid.UUID,
    role: Role,
    status: MembershipStatus = ACTIVE,
) -> Membership:
    if await find(session, user_id, organization_id) is not None:
        raise AlreadyExists("This user is already a member of the organization")
    membership = Membership(
        user_id=user_id, organization_id=organization_id, role=role, status=status
    )
    session.add(membership)
    await session.flush()
    return membership


@dataclass(frozen=True)
class Invitation:
    membership: Membership
    organization: Organization

    def read(self) -> dict[str, object]:
        return {
            "id": self.membership.id,
            "organization_id": self.organization.id,
            "organization_name": self.organization.name,
            "organization_slug": self.organization.slug,
            "role": self.membership.role,
            "invited_at": self.membership.created_at,
        }


async def invitations_of(session: AsyncSession, user_id: uuid.UUID) -> list[Invitation]:
    """Pending invitations to active organizations, newest first."""
    rows = await session.execute(
        select(Membership, Organization)
        .join(Organization, Organization.id == Membership.organization_id)
        .where(
            Membership.user_id == user_id,
            Membership.status == MembershipStatus.invited,
            Organization.is_active.is_(True),
        )
        .order_by(Membership.created_at.desc(), Membership.id)
    )
    return [Invitation(membership, organization) for membership, organization in rows.all()]


async def _invitation(
    session: AsyncSession, user_id: uuid.UUID, invitation_id: uuid.UUID
) -> Invitation:
    """Only the invited account holder finds their invitation; anyone else gets 404."""
    found = next(
        (i for i in await invitations_of(session, user_id) if i.membership.id == invitation_id),
        None,
    )
    if found is None:
        raise NotFound("No such invitation")
    return found


async def accept(
    session: AsyncSession, *, user_id: uuid.UUID, invitation_id: uuid.UUID
) -> Invitation:
    invitation = await _invitation(session, user_id, invitation_id)
    invitation.membership.status = ACTIVE
    await session.flush()
    record(
        "user.invitation_accepted",
        resource_type="user",
        resource_id=user_id,
        actor_user_id=user_id,
        organization_id=invitation.organization.id,
        changes={"role": invitation.membership.role},
    )
    return invitation


async def decline(session: AsyncSession, *, user_id: uuid.UUID, invitation_id: uuid.UUID) -> None:
    invitation = await _invitation(session, user_id, invitation_id)
    await session.delete(invitation.membership)
    await session.flush()
    record(
        "user.invitation_declined",
        resource_type="user",
        resource_id=user_id,
        actor_user_id=user_id,
        organization_id=invitation.organization.id,
    )


async def active_members_with_roles(
    session: AsyncSession, organization_id: uuid.UUID, roles: Sequence[str]
) -> Sequence[Membership]:
    """The organization's active members of these roles, oldest first (who may take over a
    conversation from the assistant)."""
    return (
        await session.scalars(
            select(Membership)
            .where(
                Membership.organization_id == organization_id,
                Membership.status == ACTIVE,
                Membership.role.in_(list(roles)),
            )
            .order_by(Membership.created_at, Membership.id)
        )
    ).all()
