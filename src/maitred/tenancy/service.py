"""Organization rules. Creating the first one is also what `maitred create-admin` does.

Memberships are tenancy's own (memberships.py): identity asks this package who belongs where,
never the other way round.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import instance_state

from maitred.kit import outbox
from maitred.kit.auditnote import record
from maitred.kit.errors import (
    AlreadyExists,
    Forbidden,
    NotFound,
    ValidationFailed,
    validation_details,
)
from maitred.kit.list_params import CreatedWindow, ListQuery
from maitred.kit.pagination import PageParams, PaginationInfo, paginate
from maitred.kit.permissions import permissions_for
from maitred.kit.reads import ReadPool
from maitred.kit.roles import Role
from maitred.tenancy import memberships, repository
from maitred.tenancy.caller import Caller
from maitred.tenancy.errors import MfaSetupRequired
from maitred.tenancy.models import Organization
from maitred.tenancy.settings import OrganizationSettings, requires_mfa
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


# --- Organizations through the API: who may see and change which one ------------------------

READ_PERMISSION = "organizations:read"
SORTABLE = {"name": func.lower(Organization.name), "created_at": Organization.created_at}
SORT_FIELDS = tuple(SORTABLE)
_PLAIN_FIELDS = ("name", "slug", "description", "timezone", "currency", "locale", "country")


@dataclass(frozen=True)
class Access:
    """An organization of the path and what the caller may do in it (which may differ from the
    organization the request's token or X-Tenant-ID is for)."""

    organization: Organization
    role: str
    permissions: frozenset[str]
    is_user: bool

    def can(self, permission: str) -> bool:
        return permission in self.permissions


async def authorize(
    session: AsyncSession, auth: Caller, id_or_slug: str, permission: str
) -> Access:
    """The organization if the caller holds `permission` in it. A caller whose roles grant
    `permission` nowhere: 403, before the organization is even looked up; not a member: 404
    (whether it exists is nobody else's business); a member without the permission: 403."""
    held = (
        await memberships.active_of(session, auth.user_id)
        if auth.user_id is not None and not auth.is_super_admin
        else ()
    )
    if not auth.is_super_admin:
        held_anywhere = (
            frozenset().union(*(permissions_for(m.role) for m in held))
            if auth.user_id is not None
            else auth.permissions  # an API key: its own organization's scopes
        )
        if permission not in held_anywhere:
            raise Forbidden(f"Requires permission {permission}")
    organization = await find(session, id_or_slug)
    if organization is None:
        raise NotFound("No such organization")
    if auth.is_super_admin:
        role, permissions = Role.super_admin.value, permissions_for(Role.super_admin)
    elif auth.user_id is not None:
        member = next((m for m in held if m.organization_id == organization.id), None)
        if member is None:
            raise NotFound("No such organization")
        role, permissions = member.role, permissions_for(member.role)
    elif auth.organization_id == organization.id:
        role, permissions = auth.role, auth.permissions
    else:
        raise NotFound("No such organization")
    if not auth.is_super_admin:
        if not organization.is_active:
            raise Forbidden("This organization has been deactivated")
        if auth.is_user and not auth.mfa_enabled and requires_mfa(organization.settings, role):
            raise MfaSetupRequired(role)
    if permission not in permissions:
        raise Forbidden(f"Requires permission {permission}")
    return Access(organization, role, permissions, is_user=auth.user_id is not None)


async def create_for(
    session: AsyncSession,
    auth: Caller,
    *,
    self_service: bool,
    name: str,
    slug: str | None,
    description: str,
    timezone: str,
    currency: str,
    locale: str,
    country: str,
    settings: OrganizationSettings | None,
) -> Organization:
    """A new organization with the calling user as its admin. Platform administrators may
    always; other users only when the instance allows self-service sign-up."""
    if auth.user_id is None:
        raise Forbidden("Only a signed-in user can create an organization")
    if not (auth.is_super_admin or self_service):
        raise Forbidden("Only platform administrators may create organizations")
    if slug is not None and await repository.slug_taken(session, slug):
        raise AlreadyExists("This slug is taken", details={"slug": "Already taken"})
    organization = await create(
        session,
        name=name,
        slug=slug,
        description=description,
        timezone=timezone,
        currency=currency,
        locale=locale,
        country=country,
        settings=settings.model_dump(mode="json", exclude_unset=True) if settings else None,
    )
    await memberships.add(
        session, user_id=auth.user_id, organization_id=organization.id, role=Role.admin
    )
    record(
        "organization.created",
        resource_type="organization",
        resource_id=organization.id,
        organization_id=organization.id,
        changes={f: getattr(organization, f) for f in _PLAIN_FIELDS},
    )
    return organization


async def list_visible(
    session: AsyncSession,
    auth: Caller,
    params: PageParams,
    *,
    is_active: bool | None,
    listing: ListQuery,
) -> tuple[Sequence[Organization], PaginationInfo]:
    """Platform administrators see every organization; others those they may read, if active.
    Created dates are UTC days: organizations have time zones of their own."""
    chosen = listing.sort(SORTABLE)
    ids: list[uuid.UUID] | None = None
    if not auth.is_super_admin:
        if auth.user_id is not None:
            held = await memberships.active_of(session, auth.user_id)
            ids = [m.organization_id for m in held if READ_PERMISSION in permissions_for(m.role)]
        else:
            ids = [auth.org_id] if auth.can(READ_PERMISSION) else []
    statement = repository.listing(
        ids=ids,
        search=listing.search,
        is_active=is_active,
        only_active=not auth.is_super_admin,
        window=listing.created_window(),
    )
    column = chosen.column.desc() if chosen.descending else chosen.column.asc()
    return await paginate(session, statement.order_by(column, Organization.id), params)


async def update(
    session: AsyncSession,
    access: Access,
    *,
    changes: dict[str, Any],
) -> Organization:
    """`changes`: the fields sent, none of them null; `settings` among them is merged section by
    section, as PATCH .../settings does."""
    organization = access.organization
    if nulls := [f for f, v in changes.items() if v is None]:
        raise ValidationFailed(details=dict.fromkeys(nulls, "May not be null"))
    settings: OrganizationSettings | None = changes.pop("settings", None)
    if settings is not None and not access.can("settings:write"):
        raise Forbidden("Requires permission settings:write")
    if "is_active" in changes:
        _check_may_deactivate(access)
    slug = changes.get("slug")
    if slug and await repository.slug_taken(session, slug, other_than=organization.id):
        raise AlreadyExists("This slug is taken", details={"slug": "Already taken"})
    zone_before = organization.timezone
    for field, value in changes.items():
        setattr(organization, field, value)
    if settings is not None:
        _merge_settings(organization, settings)
    await session.flush()
    if organization.timezone != zone_before:  # local days move: the rollups are recomputed
        await outbox.emit(
            session,
            "organization.timezone_changed",
            organization_id=organization.id,
            timezone=organization.timezone,
        )
    record(
        "organization.updated",
        resource_type="organization",
        resource_id=organization.id,
        organization_id=organization.id,
        changes=changes | ({"settings": _sections(settings)} if settings else {}),
    )
    return organization


def _check_may_deactivate(access: Access) -> None:
    if not access.is_user or access.role not in (Role.admin, Role.super_admin):
        raise Forbidden("Only an admin of this organization may deactivate or reactivate it")


async def deactivate(session: AsyncSession, access: Access) -> None:
    """Soft: the rows stay, but nobody except platform administrators gets in any more."""
    _check_may_deactivate(access)
    access.organization.is_active = False
    await session.flush()
    record(
        "organization.deactivated",
        resource_type="organization",
        resource_id=access.organization.id,
        organization_id=access.organization.id,
    )


def _sections(settings: OrganizationSettings) -> dict[str, Any]:
    dumped: dict[str, Any] = settings.model_dump(mode="json", exclude_unset=True)
    return dumped


def _deep_merge(stored: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    merged = dict(stored)
    for key, value in given.items():
        current = merged.get(key)
        if isinstance(value, dict) and isinstance(current, dict):
            merged[key] = _deep_merge(current, value)
        else:
            merged[key] = value
    return merged


def _merge_settings(organization: Organization, settings: OrganizationSettings) -> dict[str, Any]:
    """Merges what was sent into what is stored and validates the whole; only what anyone ever
    sent is stored, so changed defaults reach every organization."""
    merged = _deep_merge(organization.settings or {}, _sections(settings))
    try:
        effective = OrganizationSettings.model_validate(merged)
    except PydanticValidationError as exc:
        raise ValidationFailed(details=validation_details(exc.errors())) from None
    organization.settings = merged
    dumped: dict[str, Any] = effective.model_dump(mode="json")
    return dumped


async def update_settings(
    session: AsyncSession, access: Access, settings: OrganizationSettings
) -> dict[str, Any]:
    """The effective settings (defaults included) after merging `settings` in."""
    effective = _merge_settings(access.organization, settings)
    await session.flush()
    record(
        "organization.settings_updated",
        resource_type="organization",
        resource_id=access.organization.id,
        organization_id=access.organization.id,
        changes=_sections(settings),
    )
    return effective


def effective_settings(organization: Organization) -> dict[str, Any]:
    dumped: dict[str, Any] = settings_of(organization).model_dump(mode="json")
    return dumped


def read(organization: Organization) -> dict[str, Any]:
    """An organization as members see it, with its effective settings."""
    return {
        "id": organization.id,
        **{f: getattr(organization, f) for f in _PLAIN_FIELDS},
        "settings": effective_settings(organization),
        "is_active": organization.is_active,
        "created_at": organization.created_at,
        "updated_at": organization.updated_at,
    }
