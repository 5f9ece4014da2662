"""The organization an availability question is about, with its calendar settings."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit.errors import NotFound
from maitred.tenancy import service as tenancy_service
from maitred.tenancy.book_settings import AvailabilitySettings


@dataclass(frozen=True)
class Policy:
    timezone: str
    rules: AvailabilitySettings


async def policy_of(session: AsyncSession, organization_id: uuid.UUID) -> Policy:
    organization = await tenancy_service.get(session, organization_id)
    if organization is None:
        raise NotFound("No such organization")
    return Policy(organization.timezone, tenancy_service.settings_of(organization).availability)
