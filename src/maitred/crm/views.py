"""Who sees which records, and how a record reads: one shape for maitred's bookings and those
outside systems pushed in."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.crm.models import CrmRecord, CrmStatusChange
from maitred.crm.repository import Audience
from maitred.customers import service as customers_service
from maitred.events import service as events_service
from maitred.identity.deps import AuthContext
from maitred.kit.roles import Role


async def audience_of(session: AsyncSession, auth: AuthContext) -> Audience:
    """A facilitator sees the records of their own events only (a facilitator account without a
    profile sees none); every other role with `crm:read` sees the organization's."""
    if auth.role != Role.facilitator:
        return Audience()
    own = (
        await events_service.facilitator_id_of_user(session, auth.org_id, auth.user_id)
        if auth.user_id is not None
        else None
    )
    return Audience(restricted=True, facilitator_id=own)


def _either(inside: uuid.UUID | None, outside: str | None) -> str | None:
    return str(inside) if inside is not None else outside


async def read_records(
    session: AsyncSession, organization_id: uuid.UUID, records: Sequence[CrmRecord]
) -> list[dict[str, Any]]:
    """The customer of a maitred booking is read through its brief, so an erased customer shows
    as erased; an outside booking shows the contact it was pushed in with."""
    customers = await customers_service.briefs(
        session,
        organization_id=organization_id,
        customer_ids={r.customer_id for r in records if r.customer_id is not None},
    )
    return [_read(record, customers) for record in records]


def _read(record: CrmRecord, customers: dict[uuid.UUID, Any]) -> dict[str, Any]:
    customer = customers.get(record.customer_id) if record.customer_id else None
    if customer is not None:
        user = {
            "id": str(customer.id),
            "email": customer.email,
            "name": customer.name,
            "phone": customer.phone,
        }
    else:
        user = {
            "id": record.external_user_id,
            "email": record.contact_email,
            "name": record.contact_name,
            "phone": record.contact_phone,
        }
    return {
        "id": record.id,
        "booking_id": _either(record.booking_id, record.external_id) or "",
        "kind": record.kind,
        "user": user,
        "event": {
            "id": _either(record.event_id, record.external_event_id),
            "title": record.event_title,
            "type": record.event_type,
        },
        "facilitator_id": _either(record.facilitator_id, record.external_facilitator_id),
        "received_at": record.received_at,
        "booking_date": record.booking_date,
        "status": record.booking_status,
        "crm_status": record.crm_status,
        "notes": record.notes,
        "contact_flags": record.contact_flags or {},
    }


def read_change(change: CrmStatusChange) -> dict[str, Any]:
    return {
        "from_status": change.from_status,
        "to_status": change.to_status,
        "notes": change.notes,
        "changed_by": change.changed_by,
        "changed_by_api_key": change.changed_by_api_key,
        "changed_at": change.created_at,
    }
