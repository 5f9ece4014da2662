"""The demo wellness studio (seed 002) as data and a plan: its four facilitators, the weekly
classes and two retreats of its next three months, and who books which seat and how far the
studio's follow-up of each got. Pure and seeded.

The seat plan depends only on the events as stored (their types, days and seats), never on the
day it is made, so a later run plans the very same seats and finds them booked.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta

SEED = 2002
CRM_WORKFLOW = ("new", "reviewed", "contacted", "confirmed", "completed")
STUDIO = "Lotus Flow Studio, 1420 Abbot Kinney Blvd, Venice, CA 90291"
PHOTOS = "https://studio-demo.example/photos"

# (name, bio, photo file)
FACILITATORS = (
    (
        "Maya Okafor",
        "E-RYT 500 vinyasa teacher; fifteen years of teaching flow that fits real bodies.",
        "maya-okafor.jpg",
    ),
    (
        "Daniel Reyes",
        "Mindfulness teacher trained at Spirit Rock; leads silent retreats twice a year.",
        "daniel-reyes.jpg",
    ),
    (
        "Priya Shah",
        "Breathwork facilitator and former ICU nurse; slow, well-held, trauma-aware sessions.",
        "priya-shah.jpg",
    ),
    (
        "Lena Park",
        "Yin yoga and sound bath teacher; plays crystal bowls and a very old gong.",
        "lena-park.jpg",
    ),
)
SIGNS_IN = "Maya Okafor"  # the facilitator with an account of her own


@dataclass(frozen=True)
class Weekly:
    title: str
    facilitator: str
    weekday: int  # ISO, Monday = 1
    starts: time
    minutes: int
    seats: int
    price: str
    description: str
    requirements: str


@dataclass(frozen=True)
class Retreat:
    title: str
    facilitator: str
    weeks_ahead: int  # begins on the first `weekday` this many weeks from today
    weekday: int
    nights: int
    seats: int
    price: str
    location: str
    description: str
    requirements: str


WEEKLY = (
    Weekly(
        "Monday Evening Vinyasa",
        "Maya Okafor",
        1,
        time(18, 30),
        75,
        20,
        "25.00",
        "A steady, breath-led flow to shake off the first day of the week. All levels.",
        "Bring a mat and water; mats to borrow at the desk.",
    ),
    Weekly(
        "Wednesday Morning Sit",
        "Daniel Reyes",
        3,
        time(7, 0),
        45,
        12,
        "18.00",
        "Guided meditation and a short talk on one theme of the month. Chairs and cushions.",
        "",
    ),
    Weekly(
        "Thursday Yin & Sound Bath",
        "Lena Park",
        4,
        time(19, 0),
        75,
        16,
        "28.00",
        "Long, quiet yin holds, then twenty minutes of crystal bowls and gong.",
        "Wear warm layers; bolsters and blankets provided.",
    ),
    Weekly(
        "Saturday Breathwork Circle",
        "Priya Shah",
        6,
        time(9, 0),
        90,
        10,
        "30.00",
        "Conscious connected breathing lying down, with music and integration after.",
        "Not during pregnancy or with uncontrolled high blood pressure; eat lightly before.",
    ),
)
RETREATS = (
    Retreat(
        "Silent Weekend in Big Sur",
        "Daniel Reyes",
        4,
        5,
        2,
        14,
        "895.00",
        "Sycamore Ridge Retreat Center, Big Sur, CA",
        "Two nights of noble silence: sitting and walking meditation, simple vegetarian meals.",
        "Some meditation experience; shared rooms, linens provided.",
    ),
    Retreat(
        "Ojai Yoga & Breathwork Retreat",
        "Maya Okafor",
        10,
        4,
        3,
        18,
        "1250.00",
        "Topa Valley Ranch, Ojai, CA",
        "Four days of morning vinyasa, afternoon breathwork and hikes in the Topatopa foothills.",
        "All meals included; bring hiking shoes and a sun hat.",
    ),
)
RETREAT_STARTS, RETREAT_ENDS = time(16, 0), time(13, 0)


def on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.isoweekday()) % 7)


@dataclass(frozen=True)
class Slot:
    """An event as the plan sees it."""

    event_type: str
    day: date  # local
    seats: int


@dataclass(frozen=True)
class Seat:
    event: int  # index into the slots
    customer: int
    crm_path: tuple[str, ...]  # the CRM statuses it is moved through after `new`
    crm_notes: tuple[str, ...]
    notes: str
    cancel_reason: str  # empty: the seat is kept


SEAT_NOTES = (
    "First class at the studio",
    "Recovering from a knee injury; may need modifications",
    "Brings her own mat",
    "Bought a ten-class pass",
    "Came with a friend last time",
)
RETREAT_NOTES = ("Vegetarian meals", "Would like a room to herself", "Arriving Saturday morning")
CRM_NOTES = {
    "reviewed": ("Checked the intake form", "Health questionnaire looks fine", "Reviewed"),
    "contacted": ("Emailed what to bring", "Left a voicemail", "Texted the parking details"),
    "confirmed": ("Confirmed by phone", "Replied to the reminder: coming", "Confirmed by email"),
    "completed": ("Waiver signed, paid in full", "All set, nothing left to follow up"),
}
CANCEL_REASONS = ("Schedule conflict", "Feeling unwell", "Travel plans changed", "Moved to later")


def _stage_weights(event_type: str, ahead: int) -> tuple[int, ...]:
    """How far the follow-up got (new … completed): the nearer the event, the further."""
    if event_type == "retreat":
        return (1, 2, 3, 3, 1)
    if ahead <= 7:
        return (1, 1, 2, 3, 3)
    if ahead <= 21:
        return (2, 2, 3, 3, 1)
    if ahead <= 45:
        return (4, 3, 2, 1, 0)
    return (6, 3, 1, 0, 0)


def _crm_path(rng: random.Random, target: str) -> tuple[str, ...]:
    """Every stage up to `target`; some customers confirm on first contact (a skip)."""
    if target == "confirmed" and rng.random() < 0.3:
        return ("confirmed",)
    return CRM_WORKFLOW[1 : CRM_WORKFLOW.index(target) + 1]


def _fill(rng: random.Random, slot: Slot, ahead: int, first_retreat: bool) -> int:
    """Seats kept: the retreat soonest and small classes of the coming days sell out."""
    if first_retreat or (slot.event_type == "session" and ahead <= 9 and slot.seats <= 12):
        return slot.seats
    if slot.event_type == "retreat":
        low, high = 0.4, 0.6
    else:
        low, high = (0.55, 0.85) if ahead <= 14 else (0.25, 0.5) if ahead <= 42 else (0.08, 0.25)
    return max(1, min(slot.seats - 1, round(slot.seats * rng.uniform(low, high))))


def _who(rng: random.Random, customers: int, count: int) -> list[int]:
    """`count` different customers, regulars (the first dozen) three times as likely."""
    keyed = sorted(
        ((rng.random() ** (1 / (3 if c < 12 else 1)), c) for c in range(customers)), reverse=True
    )
    return [c for _, c in keyed[:count]]


def plan_seats(slots: Sequence[Slot], customers: int) -> list[Seat]:
    """Per event, the seats cancelled first (their seat went back), then the kept ones."""
    rng = random.Random(SEED)
    opened = min(slot.day for slot in slots) - timedelta(days=1)
    first_retreat = min((s.day for s in slots if s.event_type == "retreat"), default=None)
    seats: list[Seat] = []
    for index, slot in enumerate(slots):
        ahead = (slot.day - opened).days
        kept = _fill(rng, slot, ahead, slot.day == first_retreat and slot.event_type == "retreat")
        cancelled = 1 if kept == slot.seats or rng.random() < 0.3 else 0
        notes = RETREAT_NOTES if slot.event_type == "retreat" else SEAT_NOTES
        weights = _stage_weights(slot.event_type, ahead)
        for position, customer in enumerate(_who(rng, customers, cancelled + kept)):
            dropped = position < cancelled
            target = rng.choices(CRM_WORKFLOW, weights=(1, 2, 0, 0, 0) if dropped else weights)[0]
            path = _crm_path(rng, target)
            seats.append(
                Seat(
                    event=index,
                    customer=customer,
                    crm_path=path,
                    crm_notes=tuple(rng.choice(CRM_NOTES[stage]) for stage in path),
                    notes=rng.choice(notes) if rng.random() < 0.2 else "",
                    cancel_reason=rng.choice(CANCEL_REASONS) if dropped else "",
                )
            )
    return seats
