"""The business's own today: pages speak in the organization's time zone."""

from __future__ import annotations

import uuid
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit.clock import utcnow
from maitred.tenancy import service as tenancy_service


async def local_today(session: AsyncSession, organization_id: uuid.UUID) -> date:
    organization = await tenancy_service.get(session, organization_id)
    zone = ZoneInfo(organization.timezone if organization else "UTC")
    return utcnow().astimezone(zone).date()
