"""Facilitators: the people who lead events, optionally linked to a user who signs in."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.events.models import Facilitator
from maitred.events.repository import EventRepository, FacilitatorRepository
from maitred.kit.auditnote import record
from maitred.kit.errors import AlreadyExists, ValidationFailed
from maitred.kit.list_params import ListQuery
from maitred.kit.pagination import PageParams, PaginationInfo
from maitred.kit.roles import Role
from maitred.tenancy import memberships
from maitred.tenancy import service as tenancy_service

_NULLABLE = frozenset({"photo_url", "user_id"})


def facilitator_read(facilitator: Facilitator) -> dict[str, Any]:
    return {
        "id": facilitator.id,
        "name": facilitator.name,
        "bio": facilitator.bio,
        "photo_url": facilitator.photo_url,
        "is_active": facilitator.is_active,
        "user_id": facilitator.user_id,
        "created_at": facilitator.created_at,
        "updated_at": facilitator.updated_at,
    }


async def _check_user(
    session: AsyncSession,
    repository: FacilitatorRepository,
    user_id: uuid.UUID | None,
    *,
    facilitator_id: uuid.UUID | None = None,
) -> None:
    """The user must be a member with the facilitator role (their sign-in then finds this
    profile) and not already another facilitator's."""
    if user_id is None:
        return
    member = await memberships.active(session, user_id, repository.organization_id)
    if member is None:
        raise ValidationFailed(details={"user_id": "No such user in this organization"})
    if member.role != Role.facilitator:
        raise ValidationFailed(details={"user_id": "The user does not have the facilitator role"})
    linked = await repository.of_user(user_id)
    if linked is not None and linked.id != facilitator_id:
        raise AlreadyExists(
            "This user is already another facilitator", details={"facilitator_id": str(linked.id)}
        )


FACILITATOR_SORT_FIELDS = tuple(FacilitatorRepository.sorts)
BY_NAME = ListQuery(sort_by="name", descending=False)


async def list_facilitators(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    params: PageParams,
    is_active: bool | None,
    listing: ListQuery = BY_NAME,
) -> tuple[list[dict[str, Any]], PaginationInfo]:
    repository = FacilitatorRepository(session, organization_id)
    window = await tenancy_service.created_window(session, organization_id, listing)
    rows, info = await repository.listed(params, listing, window, is_active=is_active)
    return [facilitator_read(row) for row in rows], info


async def get_facilitator(
    session: AsyncSession, *, organization_id: uuid.UUID, facilitator_id: uuid.UUID
) -> dict[str, Any]:
    repository = FacilitatorRepository(session, organization_id)
    return facilitator_read(await repository.get_or_404(facilitator_id))


async def create_facilitator(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    name: str,
    bio: str = "",
    photo_url: str | None = None,
    is_active: bool = True,
    user_id: uuid.UUID | None = None,
) -> dict[str, Any]:
    repository = FacilitatorRepository(session, organization_id)
    await _check_user(session, repository, user_id)
    facilitator = repository.add(
        Facilitator(name=name, bio=bio, photo_url=photo_url, is_active=is_active, user_id=user_id)
    )
    await session.flush()
    record(
        "facilitator.created",
        resource_type="facilitator",
        resource_id=facilitator.id,
        organization_id=organization_id,
        changes={"name": name, "user_id": str(user_id) if user_id else None},
    )
    return facilitator_read(facilitator)


async def update_facilitator(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    facilitator_id: uuid.UUID,
    changes: dict[str, Any],
) -> dict[str, Any]:
    """`changes`: the fields sent; only `photo_url` and `user_id` may be null."""
    if nulls := [f for f, v in changes.items() if v is None and f not in _NULLABLE]:
        raise ValidationFailed(details=dict.fromkeys(nulls, "May not be null"))
    repository = FacilitatorRepository(session, organization_id)
    facilitator = await repository.get_or_404(facilitator_id)
    if changes.get("user_id") is not None:
        await _check_user(session, repository, changes["user_id"], facilitator_id=facilitator.id)
    for field, value in changes.items():
        setattr(facilitator, field, value)
    await session.flush()
    record(
        "facilitator.updated",
        resource_type="facilitator",
        resource_id=facilitator.id,
        organization_id=organization_id,
        changes={f: str(v) if isinstance(v, uuid.UUID) else v for f, v in changes.items()},
    )
    return facilitator_read(facilitator)


async def remove_facilitator(
    session: AsyncSession, *, organization_id: uuid.UUID, facilitator_id: uuid.UUID
) -> bool:
    """Deleted when no event names them; otherwise deactivated, so past and planned events
    keep their facilitator. True: deleted."""
    repository = FacilitatorRepository(session, organization_id)
    facilitator = await repository.get_or_404(facilitator_id)
    in_use = await EventRepository(session, organization_id).has_events_of(facilitator_id)
    if in_use:
        facilitator.is_active = False
    else:
        await session.delete(facilitator)
    await session.flush()
    record(
        "facilitator.deactivated" if in_use else "facilitator.deleted",
        resource_type="facilitator",
        resource_id=facilitator_id,
        organization_id=organization_id,
        changes={"name": facilitator.name},
    )
    return not in_use
