"""Organization rules. Creating the first one is also what `maitred create-admin` does."""

import re
import unicodedata
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit.errors import NotFound
from maitred.kit.reads import ReadPool
from maitred.tenancy import repository
from maitred.tenancy.models import Organization
from maitred.tenancy.settings import OrganizationSettings


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower())[:80].strip("-") or "org"


async def get(session: AsyncSession, organization_id: uuid.UUID) -> Organization | None:
    return await session.get(Organization, organization_id)


async def _unique_slug(session: AsyncSession, name: str) -> str:
    base = slugify(name)
    taken = set(
        (
            await session.scalars(
                select(Organization.slug).where(
                    (Organization.slug == base) | Organization.slug.like(f"{base}-%")
                )
            )
        ).all()
    )
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


async def create(
    session: AsyncSession,
    *,
    name: str,
    timezone: str = "UTC",
    currency: str = "USD",
    country: str = "US",
) -> Organization:
    organization = Organization(
        name=name.strip(),
        slug=await _unique_slug(session, name),
        timezone=timezone,
        currency=currency,
        country=country,
        settings={},
    )
    session.add(organization)
    await session.flush()
    return organization


@dataclass(frozen=True)
class Ensured:
    organization: Organization
    created: bool


async def ensure(session: AsyncSession, *, name: str | None) -> Ensured:
    """The organization called `name` (or the first one), created when missing."""
    if name is None:
        first = await session.scalar(select(Organization).order_by(Organization.created_at))
        if first is not None:
            return Ensured(first, created=False)
        name = "My Business"
    found = await session.scalar(
        select(Organization).where(func.lower(Organization.name) == name.strip().lower())
    )
    if found is not None:
        return Ensured(found, created=False)
    return Ensured(await create(session, name=name), created=True)


async def get_public(reads: ReadPool, id_or_slug: str) -> dict[str, Any]:
    """An active organization's public profile by id or slug; inactive ones are not found."""
    try:
        organization_id = uuid.UUID(id_or_slug)
    except ValueError:
        found = await reads.one(repository.ACTIVE_BY_SLUG, slug=id_or_slug.lower())
    else:
        found = await reads.one(repository.ACTIVE_BY_ID, id=organization_id)
    if found is None:
        raise NotFound("No such organization")
    return found


async def find(session: AsyncSession, id_or_slug: str) -> Organization | None:
    """An organization by id or slug (active or not)."""
    try:
        organization_id = uuid.UUID(id_or_slug)
    except ValueError:
        return await session.scalar(
            select(Organization).where(Organization.slug == id_or_slug.strip().lower())
        )
    return await session.get(Organization, organization_id)


def settings_of(organization: Organization) -> OrganizationSettings:
    return OrganizationSettings.model_validate(organization.settings or {})
