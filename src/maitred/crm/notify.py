"""Bookings an outside system pushes in (seed 002's `POST /api/notify`), kept as CRM records.

A notification is identified by the outside booking id: sending it again (a retry after a lost
answer) returns the first record and changes nothing. A malformed contact field never drops a
notification: it is kept as sent and flagged (`contact_flags`), for staff to sort out.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.crm.models import CrmRecord, CrmStatusChange
from maitred.crm.repository import CrmRecordRepository, CrmStatusChangeRepository, as_uuid
from maitred.crm.schemas import Notification, NotifiedUser, OutsideId
from maitred.events import service as events_service
from maitred.identity import service as identity_service
from maitred.identity.deps import AuthContext
from maitred.kit import phones
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
) -> tuple[CrmRecord, bool]:
    """The record, and whether it is new. A `facilitator_id` (or event id) that is the
    UUID of one of the organization's facilitators (events) links the record to it; anything
    else is kept as the outside system's id."""
    external_id = _outside(body.booking_id)
    if external_id is None or len(external_id) > 100:
        raise ValidationFailed(details={"booking_id": "Give the outside booking id (1-100 chars)"})
    records = CrmRecordRepository(session, auth.org_id)
    existing = await records.by_external_id(external_id)
    if existing is not None:
        return existing, False
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
        return raced, False
    return record, True


async def _record(
    session: AsyncSession, auth: AuthContext, body: Notification, external_id: str
) -> CrmRecord:
    organization = await tenancy_service.get(session, auth.org_id)
    if organization is None:
        raise NotFound("No such organization")
    user, event = body.user, body.event
    email, phone, flags = _contact(user, region=organization.country)
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
        contact_flags=flags,
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


def _contact(user: NotifiedUser, *, region: str) -> tuple[str | None, str | None, dict[str, str]]:
    """Email and phone normalized (lowercase, E.164) when they can be, else as sent and
    flagged: field -> why."""
    flags: dict[str, str] = {}
    email = (user.email or "").strip() or None
    if email is not None:
        try:
            email = identity_service.normalize_email(email)
        except ValidationFailed:
            flags["user.email"] = "Not a valid email address; kept as sent"
    phone = (user.phone or "").strip() or None
    if phone is not None:
        if (e164 := phones.to_e164(phone, region=region)) is not None:
            phone = e164
        else:
            flags["user.phone"] = f"{phones.refusal(phone, region=region)}; kept as sent"
    return email, phone, flags


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
