"""The pricing policy as the organization stores it (`settings.pricing`): read it, change it.

A change goes through `tenancy_sections.update_section`, shared with the other sections.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit.errors import NotFound
from maitred.tenancy import sections as tenancy_sections
from maitred.tenancy import service as tenancy_service
from maitred.tenancy.book_settings import PricingSettings
from maitred.tenancy.models import Organization


def read(policy: PricingSettings) -> dict[str, Any]:
    dumped: dict[str, Any] = policy.model_dump(mode="json")
    return dumped


async def _organization(session: AsyncSession, organization_id: uuid.UUID) -> Organization:
    organization = await tenancy_service.get(session, organization_id)
    if organization is None:
        raise NotFound("No such organization")
    return organization


async def get_policy(session: AsyncSession, *, organization_id: uuid.UUID) -> dict[str, Any]:
    """The effective policy: what was set, and the defaults for the rest."""
    organization = await _organization(session, organization_id)
    return read(tenancy_service.settings_of(organization).pricing)


async def update_policy(
    session: AsyncSession, *, organization_id: uuid.UUID, changes: dict[str, Any]
) -> dict[str, Any]:
    """Merges `changes` into the stored policy (`tenancy_sections.update_section`)."""
    policy: PricingSettings = await tenancy_sections.update_section(
        session, organization_id=organization_id, section="pricing", changes=changes
    )
    return read(policy)
