"""Organization rules. Creating the first one is also what `maitred create-admin` does.

Memberships are tenancy's own (memberships.py): identity asks this package who belongs where,
never the other way round. Who may see and change an organization through the API is
access.py; the changes themselves are administration.py.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import instance_state

from maitred.kit.errors import NotFound
from maitred.kit.list_params import CreatedWindow, ListQuery
from maitred.kit.reads import ReadPool
from maitred.tenancy import repository
from maitred.tenancy.models import Organization
from maitred.tenancy.settings import settings_of as settings_of
from maitred.tenancy.snapshots import OrganizationSnapshot as OrganizationSnapshot
from maitred.tenancy.snapshots import of_organization as of_organization
from maitred.tenancy.snapshots import snapshot as snapshot


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower())[:80].strip("-") or "org"


async def get(session: AsyncSession, organization_id: uuid.UUID) -> Organization | None:
    """`session.get`. One the session holds (not expired) is answered as `session.get` answers
    it, without its hop through SQLAlchemy's greenlet: a public booking asks ~7 times."""
    found = held(session, organization_id)
    if found is not None and not instance_state(found).expired:
        return found
    return await session.get(Organization, organization_id)


def held(session: AsyncSession, organization_id: uuid.UUID) -> Organization | None:
    """The organization the session already holds (its identity map), expired or not."""
    found: Organization | None = session.sync_session.identity_map.get(
        (Organization, (organization_id,), None)
    )
    return found


async def created_window(
    session: AsyncSession, organization_id: uuid.UUID, listing: ListQuery
) -> CreatedWindow:
    """`created_from` / `created_to` as instants; dates are the organization's local days."""
    if not listing.needs_zone:
        return listing.created_window()
    organization = await get(session, organization_id)
    return listing.created_window(ZoneInfo(organization.timezone if organization else "UTC"))


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
    slug: str | None = None,
    description: str = "",
    locale: str = "en-US",
    settings: dict[str, Any] | None = None,
) -> Organization:
    """`slug` must already be free (checked by `create_for`); without one it comes from the name."""
    organization = Organization(
        name=name.strip(),
        slug=slug or await _unique_slug(session, name),
        description=description,
        timezone=timezone,
        currency=currency,
        locale=locale,
        country=country,
        settings=settings or {},
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


# Built once: every public request by slug (the booking form's) reads it, and building the
# statement cost about as much as running it.
_BY_SLUG = select(Organization).where(Organization.slug == bindparam("slug"))


async def find(session: AsyncSession, id_or_slug: str) -> Organization | None:
    """An organization by id or slug (active or not)."""
    try:
        organization_id = uuid.UUID(id_or_slug)
    except ValueError:
        found: Organization | None = await session.scalar(
            _BY_SLUG, {"slug": id_or_slug.strip().lower()}
        )
        return found
    return await session.get(Organization, organization_id)


async def some_active(session: AsyncSession, *, limit: int) -> Sequence[Organization]:
    """Up to `limit` active organizations (is this a one-business install?)."""
    statement = select(Organization).where(Organization.is_active.is_(True)).limit(limit)
    return (await session.scalars(statement)).all()
