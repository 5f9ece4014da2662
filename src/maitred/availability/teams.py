"""Chef teams: the organization's service capacity. A team serves one event at a time."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.availability.calendar import works_on
from maitred.availability.ledger_check_repository import LedgerCheckRepository
from maitred.availability.models import ChefTeam
from maitred.availability.team_repository import TeamRepository
from maitred.kit.auditnote import record
from maitred.kit.clock import utcnow
from maitred.kit.errors import AlreadyExists, InvalidState, ValidationFailed
from maitred.kit.list_params import ListQuery
from maitred.kit.pagination import PageParams, PaginationInfo
from maitred.locations import service as locations_service
from maitred.tenancy import service as tenancy_service

SORT_FIELDS = tuple(TeamRepository.sorts)
BY_NAME = ListQuery(sort_by="name", descending=False)


def read(team: ChefTeam) -> dict[str, Any]:
    return {
        "id": team.id,
        "name": team.name,
        "working_weekdays": team.working_weekdays,
        "time_off": team.time_off,
        "is_active": team.is_active,
        "location_id": team.location_id,
        "created_at": team.created_at,
        "updated_at": team.updated_at,
    }


async def list_teams(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    params: PageParams,
    is_active: bool | None,
    listing: ListQuery = BY_NAME,
) -> tuple[Sequence[dict[str, Any]], PaginationInfo]:
    repository = TeamRepository(session, organization_id)
    window = await tenancy_service.created_window(session, organization_id, listing)
    statement = repository.matching(is_active=is_active)
    rows, info = await repository.listing_page(params, listing, window, statement)
    return [read(row) for row in rows], info


async def get(
    session: AsyncSession, *, organization_id: uuid.UUID, team_id: uuid.UUID
) -> dict[str, Any]:
    return read(await TeamRepository(session, organization_id).get_or_404(team_id))


async def _check_name_free(
    repository: TeamRepository, name: str, other_than: uuid.UUID | None = None
) -> None:
    statement = repository.scoped().where(func.lower(ChefTeam.name) == name.lower())
    if other_than is not None:
        statement = statement.where(ChefTeam.id != other_than)
    if await repository.session.scalar(statement.limit(1)) is not None:
        raise AlreadyExists("A chef team has this name", details={"name": "Already taken"})


async def create(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    name: str,
    working_weekdays: list[int],
    time_off: list[dict[str, Any]],
    is_active: bool = True,
    location_id: str | uuid.UUID | None = None,
) -> dict[str, Any]:
    repository = TeamRepository(session, organization_id)
    await _check_name_free(repository, name.strip())
    place = await _location(session, organization_id, location_id)
    team = repository.add(
        ChefTeam(
            name=name.strip(),
            working_weekdays=sorted(set(working_weekdays)),
            time_off=time_off,
            is_active=is_active,
            location_id=place,
        )
    )
    await session.flush()
    record(
        "chef_team.created",
        resource_type="chef_team",
        resource_id=team.id,
        organization_id=organization_id,
        changes={"name": team.name, "is_active": is_active},
    )
    return read(team)


async def update(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    team_id: uuid.UUID,
    changes: dict[str, Any],
) -> dict[str, Any]:
    """`changes`: the fields sent. A team may not take time off, or stop working a weekday,
    when it is promised to an event then (409): reassign those bookings first."""
    if nulls := [f for f, v in changes.items() if v is None and f != "location_id"]:
        raise ValidationFailed(details=dict.fromkeys(nulls, "May not be null"))
    repository = TeamRepository(session, organization_id)
    team = await repository.get_or_404(team_id)
    if "name" in changes:
        changes["name"] = changes["name"].strip()
        await _check_name_free(repository, changes["name"], other_than=team.id)
    if "location_id" in changes:
        changes["location_id"] = await _location(session, organization_id, changes["location_id"])
    if "working_weekdays" in changes:
        changes["working_weekdays"] = sorted(set(changes["working_weekdays"]))
    if "working_weekdays" in changes or "time_off" in changes:
        await _check_promises_kept(
            session,
            organization_id,
            team,
            changes.get("working_weekdays", team.working_weekdays),
            changes.get("time_off", team.time_off),
        )
    for field, value in changes.items():
        setattr(team, field, value)
    await session.flush()
    record(
        "chef_team.updated",
        resource_type="chef_team",
        resource_id=team.id,
        organization_id=organization_id,
        changes=changes,
    )
    return read(team)


async def _location(
    session: AsyncSession, organization_id: uuid.UUID, location_id: str | uuid.UUID | None
) -> uuid.UUID | None:
    if location_id is None:
        return None
    place = uuid.UUID(str(location_id))
    await locations_service.check_ours(
        session, organization_id=organization_id, location_id=place, field="location_id"
    )
    return place


async def _check_promises_kept(
    session: AsyncSession,
    organization_id: uuid.UUID,
    team: ChefTeam,
    working_weekdays: list[int],
    time_off: list[dict[str, Any]],
) -> None:
    upcoming = await LedgerCheckRepository(session, organization_id).future_active(utcnow())
    clashes = sorted(
        {
            c.day.isoformat()
            for c in upcoming
            if c.team_id == team.id and not works_on(working_weekdays, time_off, c.day)
        }
    )
    if clashes:
        raise InvalidState(
            "The team is booked on days it would not work",
            details={"dates": ", ".join(clashes)},
        )


async def delete(session: AsyncSession, *, organization_id: uuid.UUID, team_id: uuid.UUID) -> None:
    """A team with events still to come is kept (deactivate it instead): deleting it would
    silently break those promises."""
    repository = TeamRepository(session, organization_id)
    team = await repository.get_or_404(team_id)
    if await repository.has_future_claims(team.id, utcnow()):
        raise InvalidState(
            "This chef team has upcoming bookings; deactivate it instead",
            details={"is_active": "Set to false to stop offering the team"},
        )
    await repository.delete(team)
    await session.flush()
    record(
        "chef_team.deleted",
        resource_type="chef_team",
        resource_id=team_id,
        organization_id=organization_id,
        changes={"name": team.name},
    )
