"""What the booking dialogue has gathered: the slots a turn adds to the thread's, the name in
"Maria Lopez, 916-555-0177", and the party's size and place as the tools want them.

No text for the customer is written here (ai/replies.py has it)."""

from __future__ import annotations

from typing import Any

from maitred.ai.nlu import Understanding
from maitred.ai.nlu.contacts import name_before_contact

BOOKING_INTENTS = frozenset({"booking_inquiry", "availability", "quote", "create_booking"})
OWN_BOOKING_INTENTS = frozenset(
    {"booking_status", "modify_booking", "reschedule_booking", "cancel_booking", "payment_question"}
)
BOOKING_SLOTS = (
    "date", "time", "guest_count", "adults", "children", "event_type", "address", "city",
    "zip_code", "upgrades", "dietary", "name", "phone", "email",
)  # fmt: skip
# A new value of one of these asks availability again.
RECHECK = frozenset({"date", "guest_count", "adults", "city", "address", "zip_code"})
ELSEWHERE = frozenset({"policy_question", "menu_question", "update_contact"})
CONTACT = ("name", "phone", "email")


def location(slots: dict[str, Any]) -> str | None:
    parts = [slots.get("address"), slots.get("city"), slots.get("zip_code")]
    if slots.get("address") and slots.get("city") and str(slots["city"]) in str(slots["address"]):
        parts = [slots.get("address"), slots.get("zip_code")]
    text = ", ".join(str(p) for p in parts if p)
    return text or None


def guests(slots: dict[str, Any]) -> int | None:
    if slots.get("guest_count"):
        return int(slots["guest_count"])
    total = int(slots.get("adults") or 0) + int(slots.get("children") or 0)
    return total or None


def missing(slots: dict[str, Any]) -> list[str]:
    """What a booking still needs before availability can be checked, in asking order."""
    return [
        key
        for key, present in (
            ("date", slots.get("date")),
            ("guests", guests(slots)),
            ("place", location(slots)),
        )
        if not present
    ]


def gathering_contact(state: dict[str, Any]) -> bool:
    """The time is chosen: the booking waits for who it is for."""
    return state.get("flow") == "booking" and bool(state.get("time_ok"))


def contact_answer(
    state: dict[str, Any], slots: dict[str, Any], u: Understanding, text: str
) -> dict[str, Any] | None:
    """A short reply with a name or phone while the booking waits for them is that answer,
    whatever intent it reads as alone ("Maria Lopez" is no refusal)."""
    if not gathering_contact(state):
        return None
    if slots.get("name") and slots.get("phone") or len(text) > 80:
        return None
    found = {k: u.slots[k] for k in CONTACT if u.slots.get(k)}
    if not found.get("name") and (name := name_before_contact(text)):
        found["name"] = name
    return found or None


def new_booking_slots(state: dict[str, Any], u: Understanding, text: str) -> dict[str, Any]:
    """The booking's slots this turn names (a name before a phone counts once the time is
    chosen)."""
    new = {k: v for k, v in u.slots.items() if k in BOOKING_SLOTS and v not in (None, "", [])}
    if gathering_contact(state) and not new.get("name") and (name := name_before_contact(text)):
        new["name"] = name
    return new


def continues_booking(state: dict[str, Any], u: Understanding, new: dict[str, Any]) -> bool:
    """Whether this turn is (still) about the booking being gathered."""
    if u.intent in BOOKING_INTENTS:
        return True
    in_booking = state.get("flow") == "booking"
    # While a booking is being gathered, contact details are the booking's.
    asked_contact = gathering_contact(state) and u.intent == "update_contact"
    elsewhere = u.intent in OWN_BOOKING_INTENTS | ELSEWHERE and not asked_contact
    return in_booking and bool(new) and not elsewhere


def merge(
    state: dict[str, Any], slots: dict[str, Any], u: Understanding, new: dict[str, Any]
) -> None:
    """The turn's slots into the thread's: a new request after a finished booking starts
    afresh; a new date, size or place makes the chosen time checked again."""
    if u.intent in BOOKING_INTENTS and state.get("done") and new.get("date"):
        slots.clear()
        state["done"] = False
    if RECHECK & set(new):
        state["time_ok"] = False
    slots.update(new)
    state["flow"] = "booking"
