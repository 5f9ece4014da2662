"""Organizations through the API and the dashboard, once the caller's access is judged
(access.py): creating one, listing those visible, changing one and its settings (merged
section by section), deactivating it, and how members read it. Kept apart from service.py,
whose lookups every request makes.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit import outbox
from maitred.kit.auditnote import record
from maitred.kit.errors import AlreadyExists, Forbidden, ValidationFailed, validation_details
from maitred.kit.list_params import ListQuery
from maitred.kit.pagination import PageParams, PaginationInfo, paginate
from maitred.kit.permissions import permissions_for
from maitred.kit.roles import Role
from maitred.tenancy import memberships, repository
from maitred.tenancy.access import Access
from maitred.tenancy.caller import Caller
from maitred.tenancy.models import Organization
from maitred.tenancy.service import create
from maitred.tenancy.settings import OrganizationSettings, settings_of

READ_PERMISSION = "organizations:read"
SORTABLE = {"name": func.lower(Organization.name), "created_at": Organization.created_at}
SORT_FIELDS = tuple(SORTABLE)
_PLAIN_FIELDS = ("name", "slug", "description", "timezone", "currency", "locale", "country")


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
