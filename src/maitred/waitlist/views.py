"""A waitlist entry as the API shows it."""

from __future__ import annotations

from typing import Any

from maitred.customers import service as customers_service
from maitred.waitlist.models import WaitlistEntry


def _customer_read(brief: customers_service.CustomerBrief | None) -> dict[str, Any] | None:
    if brief is None:
        return None
    return {"id": brief.id, "name": brief.name, "email": brief.email, "phone": brief.phone}


def read(entry: WaitlistEntry, customer: customers_service.CustomerBrief | None) -> dict[str, Any]:
    return {
        "id": entry.id,
        "customer_id": entry.customer_id,
        "customer": _customer_read(customer),
        "event_id": entry.event_id,
        "preferred_date": entry.preferred_date,
        "preferred_time": entry.preferred_time,
        "guest_count": entry.guest_count,
        "location": entry.location,
        "location_details": entry.location_details,
        "notes": entry.notes,
        "status": entry.status,
        "offered_at": entry.offered_at,
        "offer_expires_at": entry.offer_expires_at,
        "booking_id": entry.booking_id,
        "created_at": entry.created_at,
        "updated_at": entry.updated_at,
    }
