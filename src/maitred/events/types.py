"""The organization's event types (`settings.events`): listed, checked, changed by admins."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit.errors import NotFound, ValidationFailed
from maitred.tenancy import sections as tenancy_sections
from maitred.tenancy import service as tenancy_service
from maitred.tenancy.event_settings import EventSettings
from maitred.tenancy.models import Organization


async def organization_of(session: AsyncSession, organization_id: uuid.UUID) -> Organization:
    organization = await tenancy_service.get(session, organization_id)
    if organization is None:
        raise NotFound("No such organization")
    return organization


def settings_of(organization: Organization) -> EventSettings:
    return tenancy_service.settings_of(organization).events


def check_type(settings: EventSettings, event_type: str) -> str:
    """`event_type` if the organization offers it, else 422 listing the ones it does."""
    keys = settings.keys()
    if event_type not in keys:
        raise ValidationFailed(
            details={
                "event_type": f"Unknown event type {event_type!r}; use one of {', '.join(keys)}"
            }
        )
    return event_type


async def list_types(session: AsyncSession, *, organization_id: uuid.UUID) -> dict[str, Any]:
    """Seed 002's shape: `value` is the 1-based position, `key` the lowercase name."""
    events = settings_of(await organization_of(session, organization_id))
    return {
        "event_types": [
            {"key": t.key, "value": position, "label": t.label}
            for position, t in enumerate(events.event_types, start=1)
        ]
    }


async def get_settings(session: AsyncSession, *, organization_id: uuid.UUID) -> dict[str, Any]:
    dumped: dict[str, Any] = settings_of(
        await organization_of(session, organization_id)
    ).model_dump(mode="json")
    return dumped


async def update_settings(
    session: AsyncSession, *, organization_id: uuid.UUID, changes: dict[str, Any]
) -> dict[str, Any]:
    """Events already made keep their type even when it is removed from the list."""
    updated: EventSettings = await tenancy_sections.update_section(
        session, organization_id=organization_id, section="events", changes=changes
    )
    dumped: dict[str, Any] = updated.model_dump(mode="json")
    return dumped
