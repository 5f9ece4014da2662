"""The members of an organization as it sees them: listed, searched, read.

A pending invitation is listed with what the organization itself gave (email, role) and nothing
of the account's profile: the account is not the organization's until its holder accepts.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, case, select
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.identity import profile
from maitred.identity import service as identity_service
from maitred.identity.deps import AuthContext
from maitred.identity.models import User
from maitred.kit.errors import NotFound, ValidationFailed
from maitred.kit.list_params import NEWEST_FIRST, ListQuery, created_within
from maitred.kit.pagination import PageParams, PaginationInfo, paginate
from maitred.kit.roles import Role
from maitred.tenancy import service as tenancy_service
from maitred.tenancy.models import Membership, MembershipStatus

INVITED, ACTIVE = MembershipStatus.invited, MembershipStatus.active
# An invitation shows no name (the account is not the organization's yet), so it sorts as none.
_SHOWN_NAME = case((Membership.status == INVITED, ""), else_=User.full_name)
SORTS = {"created_at": Membership.created_at, "full_name": _SHOWN_NAME}


@dataclass(frozen=True)
class Member:
    user: User
    membership: Membership

    @property
    def is_active(self) -> bool:
        return self.membership.status == ACTIVE and self.user.is_active

    def read(self) -> dict[str, object]:
        """A pending invitation shows what the organization itself typed (email and role),
        nothing of the account's profile."""
        membership = self.membership
        if membership.status == INVITED:
            return {
                "id": self.user.id,
                "email": self.user.email,
                "full_name": "",
                "name": "",
                "first_name": "",
                "last_name": "",
                "phone": None,
                "role": membership.role,
                "permissions": [],
                "is_active": False,
                "status": membership.status,
                "mfa_enabled": False,
                "email_verified": False,
                "organization_id": membership.organization_id,
                "created_at": membership.created_at,
                "last_login_at": None,
            }
        shown = profile.user_read(
            self.user, role=membership.role, organization_id=membership.organization_id
        )
        if not self.is_active:
            shown["permissions"] = []
        return shown | {"is_active": self.is_active, "status": membership.status}


class MemberRepository:
    """Memberships of one organization joined to their users; every query starts at
    `scoped()`, so a user outside the organization is simply not found."""

    def __init__(self, session: AsyncSession, organization_id: uuid.UUID) -> None:
        self.session = session
        self.organization_id = organization_id

    def scoped(self) -> Select[Any]:
        return (
            select(Membership)
            .join(User, User.id == Membership.user_id)
            .where(Membership.organization_id == self.organization_id)
        )

    async def get(self, user_id: uuid.UUID) -> Member | None:
        row = (
            await self.session.execute(
                select(User, Membership)
                .join(Membership, Membership.user_id == User.id)
                .where(Membership.organization_id == self.organization_id, User.id == user_id)
            )
        ).first()
        return Member(row[0], row[1]) if row is not None else None

    async def with_users(self, memberships: Sequence[Membership]) -> list[Member]:
        ids = [m.user_id for m in memberships]
        users = {u.id: u for u in await self.session.scalars(select(User).where(User.id.in_(ids)))}
        return [Member(users[m.user_id], m) for m in memberships]


async def _search_condition(session: AsyncSession, search: str) -> Any:
    """Emails are encrypted, so they match exactly (by blind index); names match partially."""
    escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    condition: Any = User.full_name.ilike(f"%{escaped}%", escape="\\") & (
        Membership.status != INVITED
    )
    if "@" in search:
        try:
            found = await identity_service.find_by_email(session, search)
        except ValidationFailed:
            found = None
        if found is not None:
            condition = condition | (User.id == found.id)
    return condition


async def list_members(
    session: AsyncSession,
    auth: AuthContext,
    params: PageParams,
    *,
    role: Role | None = None,
    active: bool | None = None,
    status: MembershipStatus | None = None,
    listing: ListQuery = NEWEST_FIRST,
) -> tuple[list[Member], PaginationInfo]:
    """`created_from` / `created_to` bound when each became a member (or was invited)."""
    chosen = listing.sort(SORTS)
    repository = MemberRepository(session, auth.org_id)
    window = await tenancy_service.created_window(session, auth.org_id, listing)
    statement = created_within(repository.scoped(), Membership.created_at, window)
    search = listing.search
    if role is not None:
        statement = statement.where(Membership.role == role)
    if active is not None:
        is_active = (Membership.status == ACTIVE) & User.is_active.is_(True)
        statement = statement.where(is_active if active else ~is_active)
    if status is not None:
        statement = statement.where(Membership.status == status)
    if search and search.strip():
        statement = statement.where(await _search_condition(session, search.strip()))
    column = chosen.column.desc() if chosen.descending else chosen.column.asc()
    tiebreak = Membership.id.desc() if chosen.descending else Membership.id.asc()
    memberships, info = await paginate(session, statement.order_by(column, tiebreak), params)
    return await repository.with_users(memberships), info


async def get_member(session: AsyncSession, auth: AuthContext, user_id: uuid.UUID) -> Member:
    member = await MemberRepository(session, auth.org_id).get(user_id)
    if member is None:
        raise NotFound("No such user")
    return member
