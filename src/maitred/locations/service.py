"""Locations (seed 004): the places an organization works from.

A location without its own time zone uses the organization's, and phone numbers are read in the
organization's country, so every answer is built with the organization at hand.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit.auditnote import record
from maitred.kit.errors import ValidationFailed
from maitred.kit.list_params import ListQuery
from maitred.kit.pagination import PageParams, PaginationInfo
from maitred.kit.phones import normalize_phone
from maitred.kit.repository import Repository
from maitred.locations.models import Location
from maitred.tenancy import service as tenancy_service
from maitred.tenancy.models import Organization

_NULLABLE = frozenset({"timezone", "phone"})


class LocationRepository(Repository[Location]):
    model: ClassVar[type[Any]] = Location
    not_found_message: ClassVar[str] = "No such location"
    sorts: ClassVar[Mapping[str, Any]] = {
        "name": func.lower(Location.name),
        "created_at": Location.created_at,
    }

    def matching(self, *, search: str | None, is_active: bool | None) -> Select[tuple[Location]]:
        statement = self.scoped()
        if search and search.strip():
            escaped = search.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            statement = statement.where(Location.name.ilike(f"%{escaped}%", escape="\\"))
        if is_active is not None:
            statement = statement.where(Location.is_active.is_(is_active))
        return statement


async def _organization(session: AsyncSession, organization_id: uuid.UUID) -> Organization:
    organization = await tenancy_service.get(session, organization_id)
    assert organization is not None  # authentication resolved it for this request
    return organization


def read(location: Location, organization: Organization) -> dict[str, Any]:
    return {
        "id": location.id,
        "organization_id": location.organization_id,
        "name": location.name,
        "address": location.address,
        "timezone": location.timezone,
        "effective_timezone": location.timezone or organization.timezone,
        "phone": location.phone,
        "is_active": location.is_active,
        "created_at": location.created_at,
        "updated_at": location.updated_at,
    }


def _phone(phone: str | None, organization: Organization) -> str | None:
    if phone is None or not phone.strip():
        return None
    return normalize_phone(phone, region=organization.country)


SORT_FIELDS = tuple(LocationRepository.sorts)


async def list_locations(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    params: PageParams,
    is_active: bool | None,
    listing: ListQuery,
) -> tuple[Sequence[dict[str, Any]], PaginationInfo]:
    repository = LocationRepository(session, organization_id)
    statement = repository.matching(search=listing.search, is_active=is_active)
    organization = await _organization(session, organization_id)
    window = listing.created_window(ZoneInfo(organization.timezone))
    rows, info = await repository.listing_page(params, listing, window, statement)
    return [read(row, organization) for row in rows], info


async def check_ours(
    session: AsyncSession, *, organization_id: uuid.UUID, location_id: uuid.UUID, field: str
) -> None:
    """A chef team or event may only be placed at one of the organization's own locations
    (another organization's id reads as unknown: 422, never a hint that it exists)."""
    if await LocationRepository(session, organization_id).get(location_id) is None:
        raise ValidationFailed(details={field: "No such location"})


async def get(
    session: AsyncSession, *, organization_id: uuid.UUID, location_id: uuid.UUID
) -> dict[str, Any]:
    location = await LocationRepository(session, organization_id).get_or_404(location_id)
    return read(location, await _organization(session, organization_id))


async def create(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    name: str,
    address: str = "",
    timezone: str | None = None,
    phone: str | None = None,
    is_active: bool = True,
) -> dict[str, Any]:
    organization = await _organization(session, organization_id)
    location = LocationRepository(session, organization_id).add(
        Location(
            name=name.strip(),
            address=address.strip(),
            timezone=timezone,
            phone=_phone(phone, organization),
            is_active=is_active,
        )
    )
    await session.flush()
    record(
        "location.created",
        resource_type="location",
        resource_id=location.id,
        organization_id=organization_id,
        changes={"name": location.name, "timezone": timezone, "is_active": is_active},
    )
    return read(location, organization)


async def update(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    location_id: uuid.UUID,
    changes: dict[str, Any],
) -> dict[str, Any]:
    """`changes`: the fields sent; only `timezone` and `phone` may be null (cleared)."""
    if nulls := [f for f, v in changes.items() if v is None and f not in _NULLABLE]:
        raise ValidationFailed(details=dict.fromkeys(nulls, "May not be null"))
    location = await LocationRepository(session, organization_id).get_or_404(location_id)
    organization = await _organization(session, organization_id)
    if "phone" in changes:
        changes["phone"] = _phone(changes["phone"], organization)
    for field in ("name", "address"):
        if field in changes:
            changes[field] = changes[field].strip()
    for field, value in changes.items():
        setattr(location, field, value)
    await session.flush()
    record(
        "location.updated",
        resource_type="location",
        resource_id=location.id,
        organization_id=organization_id,
        changes={f: v for f, v in changes.items() if f not in ("phone", "address")}
        | {"fields": sorted(changes)},
    )
    return read(location, organization)


async def delete(
    session: AsyncSession, *, organization_id: uuid.UUID, location_id: uuid.UUID
) -> None:
    """Hard delete: nothing refers to a location yet."""
    location = await LocationRepository(session, organization_id).get_or_404(location_id)
    await session.delete(location)
    await session.flush()
    record(
        "location.deleted",
        resource_type="location",
        resource_id=location_id,
        organization_id=organization_id,
        changes={"name": location.name},
    )
