"""Organization queries. Organizations are the tenants themselves, so nothing here is scoped."""

from sqlalchemy import bindparam, select

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
