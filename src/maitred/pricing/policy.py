"""The pricing policy as the organization stores it (`settings.pricing`): read it, change it.

A change is merged into what is stored and the whole of the organization's settings is
validated before anything is kept, like tenancy's settings endpoint does; only the fields
anyone ever sent are stored, so a changed default reaches every organization.
"""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import ValidationError as PydanticValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit.auditnote import record
from maitred.kit.errors import NotFound, ValidationFailed, validation_details
from maitred.tenancy import service as tenancy_service
from maitred.tenancy.book_settings import PricingSettings
from maitred.tenancy.models import Organization
from maitred.tenancy.settings import OrganizationSettings

SECTION = "pricing"


def read(policy: PricingSettings) -> dict[str, Any]:
    dumped: dict[str, Any] = policy.model_dump(mode="json")
    return dumped


async def _organization(
    session: AsyncSession, organization_id: uuid.UUID, *, for_update: bool = False
) -> Organization:
    organization = await session.get(
        Organization, organization_id, with_for_update=for_update, populate_existing=for_update
    )
    if organization is None:
        raise NotFound("No such organization")
    return organization


async def get_policy(session: AsyncSession, *, organization_id: uuid.UUID) -> dict[str, Any]:
    """The effective policy: what was set, and the defaults for the rest."""
    organization = await _organization(session, organization_id)
    return read(tenancy_service.settings_of(organization).pricing)


def _section_details(errors: list[Any]) -> dict[str, str]:
    """Field paths as the client sent them (`deposit_percent`, not `pricing.deposit_percent`)."""
    return {
        path.removeprefix(f"{SECTION}."): message
        for path, message in validation_details(errors).items()
    }


async def update_policy(
    session: AsyncSession, *, organization_id: uuid.UUID, changes: dict[str, Any]
) -> dict[str, Any]:
    """Merges `changes` (fields of the policy; lists such as `upgrades` are replaced whole)
    into the stored policy. Invalid: 422 with every field's problem, and nothing stored. The
    row is locked so that concurrent changes of other sections are not lost on PostgreSQL."""
    organization = await _organization(session, organization_id, for_update=True)
    stored: dict[str, Any] = dict(organization.settings or {})
    section = {**(stored.get(SECTION) or {}), **changes}
    try:
        effective = OrganizationSettings.model_validate({**stored, SECTION: section})
    except PydanticValidationError as exc:
        raise ValidationFailed(details=_section_details(exc.errors())) from None
    # Stored in the canonical JSON form (0.0825, not "0.0825"), only the fields ever sent.
    normalized = effective.pricing.model_dump(mode="json", include=set(section))
    organization.settings = {**stored, SECTION: normalized}
    await session.flush()
    record(
        "settings.pricing_updated",
        resource_type="organization",
        resource_id=organization.id,
        organization_id=organization.id,
        changes={key: normalized.get(key) for key in changes},
    )
    return read(effective.pricing)
