"""Organization queries. Organizations are the tenants themselves, so nothing here is scoped:
the service decides which organizations a caller may see and passes their ids."""

import uuid
from collections.abc import Collection

from sqlalchemy import ColumnElement, Select, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit.list_params import ANY_TIME, CreatedWindow, created_within
from maitred.kit.reads import ReadQuery
from maitred.tenancy.models import Organization

_PUBLIC_COLUMNS = (
    Organization.id,
    Organization.name,
    Organization.slug,
    Organization.timezone,
    Organization.currency,
    Organization.locale,
    Organization.country,
)

ACTIVE_BY_ID = ReadQuery(
    select(*_PUBLIC_COLUMNS).where(
        Organization.id == bindparam("id"), Organization.is_active.is_(True)
    )
)
ACTIVE_BY_SLUG = ReadQuery(
    select(*_PUBLIC_COLUMNS).where(
        Organization.slug == bindparam("slug"), Organization.is_active.is_(True)
    )
)


def _name_contains(search: str) -> ColumnElement[bool]:
    escaped = search.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return Organization.name.ilike(f"%{escaped}%", escape="\\")


def listing(
    *,
    ids: Collection[uuid.UUID] | None,
    search: str | None = None,
    is_active: bool | None = None,
    only_active: bool = False,
    window: CreatedWindow = ANY_TIME,
) -> Select[Organization]:
    """Organizations among `ids` (None: all of them, for platform administrators)."""
    statement = created_within(select(Organization), Organization.created_at, window)
    if ids is not None:
        statement = statement.where(Organization.id.in_(ids))
    if search and search.strip():
        statement = statement.where(_name_contains(search))
    if is_active is not None:
        statement = statement.where(Organization.is_active.is_(is_active))
    if only_active:
        statement = statement.where(Organization.is_active.is_(True))
    return statement


async def slug_taken(
    session: AsyncSession, slug: str, *, other_than: uuid.UUID | None = None
) -> bool:
    statement = select(Organization.id).where(Organization.slug == slug)
    if other_than is not None:
        statement = statement.where(Organization.id != other_than)
    return await session.scalar(statement.limit(1)) is not None
