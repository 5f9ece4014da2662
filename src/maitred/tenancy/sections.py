"""One settings section changed through its own endpoint (`/settings/pricing`,
`/settings/availability`): merged, validated as a whole, stored and audited the same way."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import ValidationError as PydanticValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit.auditnote import record
from maitred.kit.errors import NotFound, ValidationFailed, validation_details
from maitred.tenancy.models import Organization
from maitred.tenancy.settings import OrganizationSettings


async def update_section(
    session: AsyncSession, *, organization_id: uuid.UUID, section: str, changes: dict[str, Any]
) -> Any:
    """Merges `changes` (fields of one settings section; lists are replaced whole) into what is
    stored and validates all settings together: invalid is 422 with the section's field paths
    and nothing stored. Only fields ever sent are stored, in canonical JSON form. The row is
    locked, so concurrent changes of other sections are not lost on PostgreSQL. Returns the
    section's effective settings."""
    organization = await session.get(
        Organization, organization_id, with_for_update=True, populate_existing=True
    )
    if organization is None:
        raise NotFound("No such organization")
    stored: dict[str, Any] = dict(organization.settings or {})
    merged = {**(stored.get(section) or {}), **changes}
    try:
        validated = OrganizationSettings.model_validate({**stored, section: merged})
    except PydanticValidationError as exc:
        found = validation_details(exc.errors())
        details = {path.removeprefix(f"{section}."): problem for path, problem in found.items()}
        raise ValidationFailed(details=details) from None
    effective = getattr(validated, section)
    normalized = effective.model_dump(mode="json", include=set(merged))
    organization.settings = {**stored, section: normalized}
    await session.flush()
    record(
        f"settings.{section}_updated",
        resource_type="organization",
        resource_id=organization.id,
        organization_id=organization.id,
        changes={key: normalized.get(key) for key in changes},
    )
    return effective
