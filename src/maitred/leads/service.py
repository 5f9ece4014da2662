"""Leads: people who asked, on their way through the sales pipeline (seed 001).

The public form answers a filled honeypot exactly like a real submission, so a bot learns
nothing, but only a counter remembers it. Phone and email are encrypted at rest and found by
blind index.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.customers import service as customers_service
from maitred.identity import service as identity_service
from maitred.kit import crypto, i18n, outbox, phones
from maitred.kit.auditnote import record
from maitred.kit.clock import local_days, utcnow
from maitred.kit.errors import InvalidState, NotFound, ValidationFailed
from maitred.kit.list_params import NEWEST_FIRST, ListQuery
from maitred.kit.pagination import PageParams, PaginationInfo
from maitred.kit.roles import Role
from maitred.leads.models import Lead, LeadNote
from maitred.leads.repository import LeadNoteRepository, LeadRepository
from maitred.tenancy import memberships
from maitred.tenancy import service as tenancy_service
from maitred.tenancy.models import Organization

SPAM_FORM = "lead"
PIPELINE = ("new", "contacted", "qualified", "quoted")
SORT_FIELDS = tuple(LeadRepository.sorts)


def email_index(email: str) -> str:
    return crypto.blind_index(crypto.normalize_email(email), purpose="leads.email")


def phone_index(e164: str) -> str:
    return crypto.blind_index(e164, purpose="leads.phone")


async def _organization(session: AsyncSession, organization_id: uuid.UUID) -> Organization:
    organization = await tenancy_service.get(session, organization_id)
    if organization is None:
        raise NotFound("No such organization")
    return organization


def read(lead: Lead) -> dict[str, Any]:
    return {
        "id": lead.id,
        "name": lead.name,
        "phone": lead.phone,
        "phone_dialable": phones.is_dialable(lead.phone),
        "email": lead.email,
        "source": lead.source,
        "status": lead.status,
        "message": lead.message,
        "metadata": lead.extra or {},
        "assigned_to": lead.assigned_to,
        "lost_reason": lead.lost_reason,
        "event_date": lead.event_date,
        "guest_count": lead.guest_count,
        "event_type": lead.event_type,
        "customer_id": lead.customer_id,
        "booking_id": lead.booking_id,
        "converted_at": lead.converted_at,
        "preferred_language": lead.preferred_language,
        "created_at": lead.created_at,
        "updated_at": lead.updated_at,
    }


def read_note(note: LeadNote) -> dict[str, Any]:
    return {
        "id": note.id,
        "lead_id": note.lead_id,
        "author_id": note.author_id,
        "body": note.body,
        "created_at": note.created_at,
    }


def checked_form(
    *, name: str | None, phone: str | None, email: str | None, message: str, region: str
) -> tuple[str, str, str | None]:
    """Seed 001's rules and messages, every bad field at once: name, E.164 phone, email."""
    details: dict[str, str] = {}
    name = (name or "").strip()
    if not name:
        details["name"] = "Field is required and cannot be empty"
    elif not 2 <= len(name) <= 100:
        details["name"] = "Must be 2-100 characters"
    e164 = None
    if not (phone or "").strip():
        details["phone"] = "Field is required and cannot be empty"
    elif (e164 := phones.to_e164(phone or "", region=region)) is None:
        details["phone"] = phones.form_message(phone or "", region=region)
    normalized_email = None
    if (email or "").strip():
        try:
            normalized_email = identity_service.normalize_email(email or "")
        except ValidationFailed:
            details["email"] = "Invalid email format"
    if len(message) > 1000:
        details["message"] = "At most 1000 characters"
    if details or e164 is None:
        raise ValidationFailed(details=details)
    return name, e164, normalized_email


async def submit_public_lead(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    name: str | None,
    phone: str | None,
    email: str | None,
    message: str,
    source: str,
    metadata: dict[str, Any],
    honeypot: str | None,
    ip: str,
    user_agent: str,
    preferred_language: str | None = None,
) -> dict[str, Any]:
    """Stores the lead and the contact consents it gives (SMS for the phone, email for the
    email), or, for a filled honeypot, only counts the catch."""
    subscribed = bool((phone or "").strip())
    if (honeypot or "").strip():
        await customers_service.note_spam(session, organization_id=organization_id, form=SPAM_FORM)
        return _thanks(uuid.uuid4(), subscribed=subscribed)
    organization = await _organization(session, organization_id)
    name, e164, email_n = checked_form(
        name=name, phone=phone, email=email, message=message, region=organization.country
    )
    lead = LeadRepository(session, organization_id).add(
        Lead(
            name=name,
            phone=e164,
            phone_index=phone_index(e164),
            email=email_n,
            email_index=email_index(email_n) if email_n else None,
            message=message.strip(),
            source=source.strip().lower(),
            extra=metadata,
            status="new",
            ip=ip[:64],
            preferred_language=preferred_language,
        )
    )
    await session.flush()
    now = utcnow()
    for channel, address in (("sms", e164), ("email", email_n)):
        if address:
            await customers_service.record_consent(
                session,
                organization_id=organization_id,
                channel=channel,
                address=address,
                source=lead.source,
                ip=ip,
                user_agent=user_agent,
                consented_at=now,
                lead_id=lead.id,
            )
    await announce_created(session, lead)
    return _thanks(lead.id, subscribed=True)


async def record_lead(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    name: str,
    phone: str | None,
    email: str | None,
    message: str,
    source: str,
    received_at: datetime | None = None,
    event_date: date | None = None,
    guest_count: int | None = None,
    event_type: str | None = None,
) -> dict[str, Any]:
    """A lead staff write down themselves (a call, a direct message, a referral), new in the
    pipeline; `received_at` is when the person asked. Unlike the public form it records no
    marketing consent: nobody ticked a box."""
    organization = await _organization(session, organization_id)
    name, e164, email_n = checked_form(
        name=name, phone=phone, email=email, message=message, region=organization.country
    )
    lead = LeadRepository(session, organization_id).add(
        Lead(
            name=name,
            phone=e164,
            phone_index=phone_index(e164),
            email=email_n,
            email_index=email_index(email_n) if email_n else None,
            message=message.strip(),
            source=source.strip().lower(),
            extra={},
            status="new",
            event_date=event_date,
            guest_count=guest_count,
            event_type=event_type,
            created_at=received_at or utcnow(),
        )
    )
    await session.flush()
    await announce_created(session, lead)
    return read(lead)


def _thanks(lead_id: uuid.UUID, *, subscribed: bool) -> dict[str, Any]:
    return {
        "success": True,
        "lead_id": lead_id,
        "message": i18n.gettext("Thank you! We'll contact you within 24 hours."),
        "newsletter_subscribed": subscribed,
        "estimated_response_time": i18n.gettext("24 hours"),
    }


async def announce_created(session: AsyncSession, lead: Lead) -> None:
    """`lead.created` and its audit line (for leads/follow_ups.py too)."""
    # The booking it was made for (None for an inquiry): its handlers need read no further.
    await outbox.emit(
        session,
        "lead.created",
        organization_id=lead.organization_id,
        lead_id=lead.id,
        booking_id=lead.booking_id,
    )
    record(
        "lead.created",
        resource_type="lead",
        resource_id=lead.id,
        organization_id=lead.organization_id,
        changes={"source": lead.source},
    )


async def list_leads(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    params: PageParams,
    listing: ListQuery = NEWEST_FIRST,
    source: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    assigned_to: uuid.UUID | None = None,
) -> tuple[list[dict[str, Any]], PaginationInfo]:
    """`date_from`/`date_to` are days of creation in the organization's time zone, inclusive
    (as `created_from`/`created_to`, which may also be instants)."""
    if date_from and date_to and date_from > date_to:
        raise ValidationFailed(details={"date_to": "Must not be before date_from"})
    organization = await _organization(session, organization_id)
    name_part, email, phone = customers_service.search_terms(
        listing.search, region=organization.country
    )
    repository = LeadRepository(session, organization_id)
    created_from, created_before = local_days(date_from, date_to, organization.timezone)
    statement = repository.matching(
        statuses=listing.statuses,
        source=source.strip().lower() if source else None,
        created_from=created_from,
        created_before=created_before,
        assigned_to=assigned_to,
        name_part=name_part,
        email_index=email_index(email) if email else None,
        phone_index=phone_index(phone) if phone else None,
    )
    window = listing.created_window(ZoneInfo(organization.timezone))
    rows, info = await repository.listing_page(params, listing, window, statement)
    return [read(row) for row in rows], info


async def get_lead(
    session: AsyncSession, *, organization_id: uuid.UUID, lead_id: uuid.UUID
) -> dict[str, Any]:
    lead = await LeadRepository(session, organization_id).get_or_404(lead_id)
    notes = await LeadNoteRepository(session, organization_id).of_lead(lead.id)
    return read(lead) | {"notes": [read_note(note) for note in notes]}


def _check_move(current: str, target: str) -> None:
    """Forward through the pipeline; `won` or `lost` from any open stage; a lost lead may be
    reopened; a won lead is final."""
    if target == current:
        return
    if current == "won":
        raise InvalidState("A won lead is final", details={"status": "won"})
    if target in ("won", "lost") or current == "lost":
        return
    if PIPELINE.index(target) < PIPELINE.index(current):
        raise InvalidState(
            "A lead moves forward through the pipeline: new, contacted, qualified, quoted",
            details={"status": f"Cannot move from {current} to {target}"},
        )


async def _check_assignee(
    session: AsyncSession, *, organization_id: uuid.UUID, user_id: uuid.UUID
) -> None:
    member = await memberships.active(session, user_id, organization_id)
    if member is None or member.role == Role.customer:
        raise ValidationFailed(details={"assigned_to": "Not a staff member of this organization"})


async def update_lead(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    lead_id: uuid.UUID,
    changes: dict[str, Any],
) -> dict[str, Any]:
    """`changes`: the fields sent (`status`, `lost_reason`, `assigned_to`)."""
    if "status" in changes and changes["status"] is None:
        raise ValidationFailed(details={"status": "May not be null"})
    lead = await LeadRepository(session, organization_id).get_for_update(lead_id)
    if lead is None:
        raise NotFound(LeadRepository.not_found_message)
    before = lead.status
    target = str(changes.get("status") or before)
    _check_move(before, target)
    reason = (changes.get("lost_reason") or "").strip() or None
    if target == "lost":
        if reason is None and (before != "lost" or "lost_reason" in changes):
            raise ValidationFailed(details={"lost_reason": "Say why the lead was lost"})
        lead.lost_reason = reason or lead.lost_reason
    elif reason is not None:
        raise ValidationFailed(details={"lost_reason": "Only a lost lead has a reason"})
    else:
        lead.lost_reason = None
    if "assigned_to" in changes and changes["assigned_to"] is not None:
        await _check_assignee(
            session, organization_id=organization_id, user_id=changes["assigned_to"]
        )
    if "assigned_to" in changes:
        lead.assigned_to = changes["assigned_to"]
    lead.status = target
    lead.updated_at = utcnow()
    await session.flush()
    record(
        "lead.updated",
        resource_type="lead",
        resource_id=lead.id,
        organization_id=organization_id,
        changes={"fields": sorted(changes), "status": [before, target]},
    )
    return await get_lead(session, organization_id=organization_id, lead_id=lead.id)


async def add_note(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    lead_id: uuid.UUID,
    author_id: uuid.UUID | None,
    body: str,
) -> dict[str, Any]:
    lead = await LeadRepository(session, organization_id).get_or_404(lead_id)
    note = LeadNoteRepository(session, organization_id).add(
        LeadNote(lead_id=lead.id, author_id=author_id, body=body.strip())
    )
    await session.flush()
    record(
        "lead.note_added",
        resource_type="lead",
        resource_id=lead.id,
        organization_id=organization_id,
        changes={"note_id": str(note.id)},
    )
    return read_note(note)
