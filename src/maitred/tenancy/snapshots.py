"""What the hot paths need of an organization, parsed once per stored version and kept in
process (ARCHITECTURE.md, Hot paths).

The version is the row's `updated_at`: every write of an organization, through the ORM or a
Core `UPDATE`, sets it (the column's `onupdate`), so a snapshot whose version equals the one read
with the request is the row as stored, and a change made by any process is seen at the next
read of its version. Authentication reads the version with the caller (identity/repository.py),
so a signed-in request pays no statement for the organization at all.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit.clock import utcnow
from maitred.kit.errors import NotFound
from maitred.kit.reads import ReadPool, ReadQuery
from maitred.tenancy.models import Organization
from maitred.tenancy.settings import OrganizationSettings, parse_settings


@dataclass(frozen=True)
class OrganizationSnapshot:
    id: uuid.UUID
    name: str
    slug: str
    timezone: str
    currency: str
    locale: str
    is_active: bool
    version: datetime
    stored_settings: dict[str, Any]
    settings: OrganizationSettings


_COLUMNS = (
    Organization.id,
    Organization.name,
    Organization.slug,
    Organization.timezone,
    Organization.currency,
    Organization.locale,
    Organization.is_active,
    Organization.updated_at.label("version"),
    Organization.settings,
)
_BY_ID = ReadQuery(select(*_COLUMNS).where(Organization.id == bindparam("id")))
_VERSION_BY_ID = ReadQuery(
    select(Organization.id, Organization.updated_at.label("version")).where(
        Organization.id == bindparam("id")
    )
)
_VERSION_BY_SLUG = ReadQuery(
    select(Organization.id, Organization.updated_at.label("version")).where(
        Organization.slug == bindparam("slug")
    )
)

_SNAPSHOTS: dict[uuid.UUID, OrganizationSnapshot] = {}
_LIMIT = 10_000


def _as_is(snapshot: OrganizationSnapshot) -> OrganizationSnapshot:
    return snapshot


def _kept(snapshot: OrganizationSnapshot) -> OrganizationSnapshot:
    if len(_SNAPSHOTS) >= _LIMIT:
        _SNAPSHOTS.clear()
    _SNAPSHOTS[snapshot.id] = snapshot
    return snapshot


async def snapshot(
    reads: ReadPool, organization_id: uuid.UUID, version: datetime | None = None
) -> OrganizationSnapshot | None:
    """The organization at `version` (read beside the request's other facts), from memory when
    it is the one kept; without a version, or another one, read as stored now."""
    kept = _SNAPSHOTS.get(organization_id)
    if kept is not None and version is not None and kept.version == version:
        return kept
    row = await reads.one(_BY_ID, id=organization_id)
    if row is None:
        return None
    if kept is not None and kept.version == row["version"]:
        return kept
    stored = row.pop("settings") or {}
    return _kept(
        OrganizationSnapshot(**row, stored_settings=stored, settings=parse_settings(stored))
    )


async def version_of(reads: ReadPool, id_or_slug: str) -> tuple[uuid.UUID, datetime] | None:
    """The id and version of an organization by id or slug (active or not): one statement."""
    try:
        row = await reads.one(_VERSION_BY_ID, id=uuid.UUID(id_or_slug))
    except ValueError:
        row = await reads.one(_VERSION_BY_SLUG, slug=id_or_slug.strip().lower())
    return None if row is None else (row["id"], row["version"])


async def named(reads: ReadPool, id_or_slug: str) -> OrganizationSnapshot | None:
    """An organization by id or slug (active or not): one statement for its version."""
    found = await version_of(reads, id_or_slug)
    if found is None:
        return None
    return await snapshot(reads, *found)


def of_organization(organization: Organization, *, keep: bool = True) -> OrganizationSnapshot:
    """The snapshot of an organization the request has loaded anyway; `keep=False` inside a
    unit of work that may change it (a version that may never be committed is not kept)."""
    kept = _SNAPSHOTS.get(organization.id)
    if kept is not None and kept.version == organization.updated_at:
        return kept
    stored = organization.settings or {}
    return (_kept if keep else _as_is)(
        OrganizationSnapshot(
            id=organization.id,
            name=organization.name,
            slug=organization.slug,
            timezone=organization.timezone,
            currency=organization.currency,
            locale=organization.locale,
            is_active=organization.is_active,
            version=organization.updated_at,
            stored_settings=stored,
            settings=parse_settings(stored),
        )
    )


@dataclass(frozen=True)
class LocalFrame:
    """Where figures and money of an organization are read: its local today, currency, zone."""

    today: date
    currency: str
    zone: str


async def local_frame(session: AsyncSession, organization_id: uuid.UUID) -> LocalFrame:
    """The organization's local today, currency and time zone (UTC when it has none)."""
    organization = await session.get(Organization, organization_id)
    if organization is None:
        raise NotFound("No such organization")
    zone = organization.timezone or "UTC"
    return LocalFrame(utcnow().astimezone(ZoneInfo(zone)).date(), organization.currency, zone)
