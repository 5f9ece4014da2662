"""The organization a booking is made or changed for, and what its booking policy allows of the
booking's terms: shared by the new booking (create_plan.py), the change (change.py) and the past
booking entered afterwards (past.py), which must check a booking alike."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit.errors import NotFound, ValidationFailed
from maitred.tenancy import service as tenancy_service
from maitred.tenancy.book_settings import BookingPolicySettings
from maitred.tenancy.models import Organization


async def organization_of(session: AsyncSession, organization_id: uuid.UUID) -> Organization:
    organization = await tenancy_service.get(session, organization_id)
    if organization is None:
        raise NotFound("No such organization")
    return organization


def checked_event_type(policy: BookingPolicySettings, event_type: str) -> str:
    wanted = (event_type or "other").strip().lower()
    if wanted not in policy.event_types:
        raise ValidationFailed(
            details={"event_type": f"Must be one of: {', '.join(policy.event_types)}"}
        )
    return wanted
