"""What the understanding engine reads (an organization's vocabulary) and what it answers.

The intent and slot names are issue 19's contract with API clients and the concierge: keep them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

INTENTS: tuple[str, ...] = (
    "greeting",
    "booking_inquiry",
    "availability",
    "quote",
    "create_booking",
    "booking_status",
    "modify_booking",
    "reschedule_booking",
    "cancel_booking",
    "menu_question",
    "policy_question",
    "payment_question",
    "update_contact",
    "order_status",
    "complaint",
    "feedback",
    "refuse",
    "other",
)
SLOTS: tuple[str, ...] = (
    "name",
    "email",
    "phone",
    "date",
    "time",
    "date_from",
    "date_to",
    "from_date",
    "guest_count",
    "adults",
    "children",
    "event_type",
    "address",
    "city",
    "zip_code",
    "upgrades",
    "dietary",
    "reference_number",
    "order_number",
    "topic",
)
TOPICS: tuple[str, ...] = (
    "deposit",
    "cancellation",
    "travel_fee",
    "minimum",
    "hours",
    "payment",
    "service_area",
    "gratuity",
)


@dataclass(frozen=True)
class NluContext:
    """An organization's vocabulary: what its customers may name, and how to read dates and
    phone numbers there."""

    timezone: str  # IANA zone: relative dates are read there
    country: str  # ISO 3166 alpha-2: the region of phone numbers written without +
    event_types: tuple[str, ...]  # the organization's event type keys
    upgrade_keys: tuple[str, ...]  # pricing upgrade names, lower case (pricing matches them so)
    dietary_tags: tuple[str, ...]  # menu dietary tags (vegetarian, vegan, gluten_free, ...)
    languages: tuple[str, ...] = ("en", "es")
    cities: tuple[str, ...] = field(default=())  # the service area's cities, if known


@dataclass(frozen=True)
class Understanding:
    intent: str  # one of INTENTS
    confidence: float  # 0..1
    language: str  # ISO 639-1
    slots: dict[str, Any]  # only the slots found, names from SLOTS
