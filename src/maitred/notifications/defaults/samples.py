"""What each notification is given to render: the sample that saving and previewing render
against. Automatic sends give exactly these keys (notifications/facts.py and receipts.py), so a
template that renders its sample renders the real thing. Amounts come formatted in the booking's
currency, and as empty text when zero, so `{% if balance_due %}` hides what is not owed."""

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
    "amount_refunded": "",
    "balance_due": "$1,237.50",
}
# The booking after its card deposit was received (the refund's sample gives part of it back).
_PAYMENT: dict[str, Any] = _BOOKING | {
    "amount_paid": "$618.75",
    "balance_due": "$618.75",
    "payment_id": "c7e2a4f0-1b3d-4e5a-8f69-2d0b7a1c3e84",
    "payment_amount": "$618.75",
    "payment_method": "card",
    "payment_purpose": "deposit",
}

SAMPLES: dict[str, dict[str, Any]] = {
    "booking_confirmation": dict(_BOOKING),
    "deposit_request": _BOOKING
    | {
        "amount_due": "$618.75",
        "payment_link": "https://book.hibachi.example/api/v1/public/payments/pay?token=sample",
    },
    "booking_reminder": _BOOKING | {"hours_before": 48, "starts_in": "in 2 days"},
    "booking_cancelled": _BOOKING
    | {"status": "cancelled", "cancellation_reason": "Change of plans"},
    "booking_status_changed": _BOOKING | {"previous_status": "pending", "reason": ""},
    "payment_receipt": _PAYMENT | {"paid_on": "Monday, February 2, 2026"},
    "refund_receipt": _PAYMENT
    | {
        "amount_refunded": "$50.00",
        "balance_due": "$668.75",
        "refund_amount": "$50.00",
        "refund_reason": "Goodwill for the late start",
        "refunded_on": "Tuesday, February 3, 2026",
    },
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
