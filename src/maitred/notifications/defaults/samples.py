"""What each notification is given to render: the sample that saving and previewing render
against. Automatic sends give exactly these keys (notifications/facts.py), so a template that
renders its sample renders the real thing. Amounts come formatted in the booking's currency, and
as empty text when zero, so `{% if balance_due %}` hides what is not owed."""

from __future__ import annotations

from typing import Any

_BOOKING: dict[str, Any] = {
    "business_name": "Hibachi at Home",
    "customer_name": "Jane Smith",
    "booking_id": "3f1c2a9e-8d4b-4c3e-9a51-6b2f0d7e1a42",
    "reference_number": "BK-2026-000123",
    "booking_kind": "catering",
    "event_title": "",
    "event_type": "birthday",
    "event_date": "Saturday, March 14, 2026",
    "event_time": "6:00 PM",
    "guest_count": 25,
    "location": "123 Main St, Los Angeles, CA 90001",
    "status": "confirmed",
    "currency": "USD",
    "total_amount": "$1,237.50",
    "deposit_amount": "$618.75",
    "amount_paid": "$0.00",
    "balance_due": "$1,237.50",
}

SAMPLES: dict[str, dict[str, Any]] = {
    "booking_confirmation": dict(_BOOKING),
    "deposit_request": _BOOKING | {"amount_due": "$618.75"},
    "booking_reminder": _BOOKING | {"hours_before": 48, "starts_in": "in 2 days"},
    "booking_cancelled": _BOOKING
    | {"status": "cancelled", "cancellation_reason": "Change of plans"},
    "booking_status_changed": _BOOKING | {"previous_status": "pending", "reason": ""},
    "waitlist_offer": {
        "business_name": "Hibachi at Home",
        "customer_name": "Jane Smith",
        "waitlist_id": "6a0e3b51-2c7d-4f8e-9b14-0d3c5e7a9f21",
        "preferred_date": "Saturday, March 14, 2026",
        "offer_expires_at": "Friday, March 6, 2026 at 6:00 PM",
    },
    "lead_auto_reply": {
        "business_name": "Hibachi at Home",
        "customer_name": "Jane Smith",
        "lead_id": "9d2b7c14-5e3a-4f61-8c0d-2a7b9e1f3c58",
        "response_time": "24 hours",
    },
}
