"""Bookings an outside system pushes in (seed 002's `POST /api/notify`), kept as CRM records.

A notification is identified by the outside booking id: sending it again (a retry after a lost
answer) returns the first record and changes nothing.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.crm.models import CrmRecord, CrmStatusChange
from maitred.crm.repository import CrmRecordRepository, CrmStatusChangeRepository, as_uuid
from maitred.crm.schemas import Notification, OutsideId
from maitred.events import service as events_service
from maitred.identity import service as identity_service
from maitred.identity.deps import AuthContext
from maitred.kit.clock import utcnow
from maitred.kit.errors import NotFound, ValidationFailed
from maitred.tenancy import service as tenancy_service


def _outside(value: OutsideId | None) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _aware(moment: datetime | None, zone: str) -> datetime | None:
    """A time without offset is the organization's local time (API.md)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=ZoneInfo(zone))


async def receive(
    session: AsyncSession, auth: AuthContext, body: Notification
) -> tuple[uuid.UUID, bool]:
    """The record's id, and whether it is new. A `facilitator_id` (or event id) that is the
    UUID of one of the organization's facilitators (events) links the record to it; anything
    else is kept as the outside system's id."""
    external_id = _outside(body.booking_id)
    if external_id is None or len(external_id) > 100:
        raise ValidationFailed(details={"booking_id": "Give the outside booking id (1-100 chars)"})
    records = CrmRecordRepository(session, auth.org_id)
    existing = await records.by_external_id(external_id)
    if existing is not None:
        return existing.id, False
    record = await _record(session, auth, body, external_id)
    try:
        async with session.begin_nested():
            records.add(record)
            CrmStatusChangeRepository(session, auth.org_id).add(
                CrmStatusChange(
                    record_id=record.id,
                    from_status=None,
                    to_status="new",
                    changed_by=auth.user_id,
                    changed_by_api_key=auth.api_key_id,
                )
            )
            await session.flush()
    except IntegrityError:
        # The same notification, sent twice at once: the other request stored it first.
        raced = await records.by_external_id(external_id)
        if raced is None:
            raise
        return raced.id, False
    return record.id, True


async def _record(
    session: AsyncSession, auth: AuthContext, body: Notification, external_id: str
) -> CrmRecord:
    organization = await tenancy_service.get(session, auth.org_id)
    if organization is None:
        raise NotFound("No such organization")
    user, event = body.user, body.event
    email = phone = None
    if user.email and user.email.strip():
        try:
            email = identity_service.normalize_email(user.email)
        except ValidationFailed:
            raise ValidationFailed(details={"user.email": "Invalid email format"}) from None
    if user.phone and user.phone.strip():
        phone = identity_service.normalize_phone(
            user.phone, region=organization.country, field="user.phone"
        )
    facilitator_id, outside_facilitator = await _facilitator(session, auth, body.facilitator_id)
    event_id, outside_event = await _event(session, auth, event.id)
    now = utcnow()
    return CrmRecord(
        id=uuid.uuid4(),
        external_id=external_id,
        kind="external",
        contact_name=user.name.strip(),
        contact_email=email,
        contact_phone=phone,
        external_user_id=_outside(user.id),
        event_id=event_id,
        external_event_id=outside_event,
        event_title=event.title.strip(),
        event_type=event.type.strip().lower(),
        event_starts_at=_aware(event.start_datetime, organization.timezone),
        event_location=event.location.strip(),
        facilitator_id=facilitator_id,
        external_facilitator_id=outside_facilitator,
        booking_status="received",
        booking_date=_aware(body.booking_date, organization.timezone) or now,
        notes=body.notes.strip(),
        crm_status="new",
        received_at=now,
    )


async def _facilitator(
    session: AsyncSession, auth: AuthContext, value: OutsideId | None
) -> tuple[uuid.UUID | None, str | None]:
    raw = _outside(value)
    parsed = as_uuid(raw) if raw else None
    if parsed is not None and await events_service.facilitator_exists(session, auth.org_id, parsed):
        return parsed, None
    return None, raw[:100] if raw else None


async def _event(
    session: AsyncSession, auth: AuthContext, value: OutsideId | None
) -> tuple[uuid.UUID | None, str | None]:
    raw = _outside(value)
    parsed = as_uuid(raw) if raw else None
    if parsed is not None and await events_service.event_brief(session, auth.org_id, parsed):
        return parsed, None
    return None, raw[:100] if raw else None
