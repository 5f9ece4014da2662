"""The demo's book as a plan: which evenings are booked, by whom, for how many, and what became
of each booking. Pure and seeded: every run plans the same book around its own today.

A chef team cooks once an evening, so a day holds at most as many bookings as teams work that
day; weekends, summer and December fill up first, and the coming weeks more than later ones.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from maitred.demo.business import EVENT_TYPES, Team
from maitred.demo.names import venue

PAST_DAYS, FUTURE_DAYS = 240, 90
PAST_COUNT, FUTURE_COUNT = 440, 148
TIMES = (time(17), time(18), time(19))
WEEKDAY_WEIGHT = {1: 0.0, 2: 0.8, 3: 1.0, 4: 1.5, 5: 3.5, 6: 5.0, 7: 3.0}
UPGRADES = ("Filet Mignon", "Lobster")
PROTEINS = ("Hibachi Chicken", "Hibachi Steak", "Hibachi Shrimp")
REQUESTS = {
    "birthday": ("Birthday celebration: please bring the onion volcano!", "Surprise party"),
    "wedding": ("Rehearsal dinner", "Bride is vegetarian"),
    "corporate": ("Team dinner, invoice to the company", "Company picnic"),
    "anniversary": ("25th anniversary", "Quiet dinner for the family"),
    "graduation": ("Graduation party for Sac State grad",),
    "holiday party": ("Holiday party, ugly sweaters welcome",),
    "other": ("Backyard get-together", "Family reunion"),
}
EXTRA_REQUESTS = (
    "No onions please",
    "Gluten-free soy sauce for two guests",
    "Two guests allergic to shellfish",
    "Setup on the back patio",
    "Steaks medium-rare",
    "Kids love the egg tricks",
    "Extra yum yum sauce",
)
NOTES = (
    "Gate code 4421",
    "Park in the driveway",
    "Returning customer",
    "Deposit paid by card over the phone",
    "Bring two extra folding tables",
    "Friendly dog in the yard",
)
CANCEL_REASONS = (
    "Customer cancellation",
    "Party postponed",
    "Guest of honour fell ill",
    "Moved the party indoors to a restaurant",
)
NO_SHOW = "Nobody at the address; no answer by phone"
PAST_PATHS: tuple[tuple[str, ...], ...] = (
    ("pending", "confirmed", "completed"),
    ("pending", "cancelled"),
    ("pending", "confirmed", "cancelled"),
    ("pending", "confirmed", "no_show"),
)
PAST_PATH_WEIGHTS = (0.84, 0.06, 0.04, 0.06)


@dataclass(frozen=True)
class Planned:
    event_date: date
    event_time: time
    team: int  # the index of the team that cooks (past bookings)
    path: tuple[str, ...]  # the statuses it goes through; the last is where it stands
    customer: int
    guests: int
    children: int
    event_type: str
    upgrades: tuple[tuple[str, int], ...]
    extras: tuple[tuple[str, int | None], ...]  # menu items; None: one per guest
    special_requests: str
    notes: str
    source: str
    reason: str
    booked_before: timedelta  # how long before the event it was booked
    confirm_after: timedelta  # how long after booking the deposit came in
    closed_after: timedelta  # how long after the event staff closed it
    venue: dict[str, str] = field(default_factory=dict)  # empty: at the customer's address

    @property
    def local_start(self) -> datetime:
        return datetime.combine(self.event_date, self.event_time)


def _evenings(
    rng: random.Random, days: list[date], teams: list[Team], count: int, today: date
) -> list[tuple[date, int]]:
    """`count` (day, team) pairs, each team once a day at most, busy days more likely."""
    keyed = []
    for day in days:
        weight = WEEKDAY_WEIGHT[day.isoweekday()]
        weight *= 1.4 if day.month in (6, 7, 8, 12) else 1.0
        ahead = (day - today).days
        if ahead > 0:
            weight *= 2.0 if ahead <= 21 else 1.0 if ahead <= 45 else 0.6
        for index, team in enumerate(teams):
            if weight and team.works_on(day):
                keyed.append((rng.random() ** (1 / weight), day, index))
    chosen = sorted(keyed, reverse=True)[:count]
    return sorted((day, index) for _, day, index in chosen)


def _future_path(rng: random.Random, ahead: int) -> tuple[str, ...]:
    """Most bookings are confirmed as they are made (the deposit taken on the phone), some once
    the deposit comes in; the later the date, the more are still pending."""
    confirmed = 0.72 if ahead <= 14 else 0.45
    roll = rng.random()
    if roll < 0.06:
        return ("pending", "cancelled")
    if roll < 0.10:
        return ("confirmed", "cancelled")
    if roll < 0.10 + confirmed * 0.3:
        return ("pending", "confirmed")
    return ("confirmed",) if roll < 0.10 + confirmed else ("pending",)


def _party(
    rng: random.Random, day: date, team: int, path: tuple[str, ...], customer: int, today: date
) -> Planned:
    kind = rng.choices(EVENT_TYPES, weights=(40, 6, 16, 10, 6, 6 if day.month == 12 else 1, 16))[0]
    guests = min(45, max(6, round(rng.gauss(24 if kind == "corporate" else 14, 5))))
    children = (
        rng.randint(1, min(6, guests // 3))
        if kind in ("birthday", "other") and (rng.random() < 0.6)
        else 0
    )
    upgrades = tuple(
        (name, rng.randint(2, min(top, guests)))
        for name, chance, top in (("Filet Mignon", 0.35, 10), ("Lobster", 0.2, 6))
        if rng.random() < chance
    )
    extras: list[tuple[str, int | None]] = []
    if rng.random() < 0.2:
        extras.append((rng.choice(PROTEINS), rng.randint(1, 4)))
    if rng.random() < 0.15:
        extras.append(("Fried Rice", None))
    requests = [rng.choice(REQUESTS[kind])] if rng.random() < 0.5 else []
    if rng.random() < 0.3:
        requests.append(rng.choice(EXTRA_REQUESTS))
    last = path[-1]
    return Planned(
        event_date=day,
        event_time=rng.choices(TIMES, weights=(2, 3, 2))[0],
        team=team,
        path=path,
        customer=customer,
        guests=guests,
        children=children,
        event_type=kind,
        upgrades=upgrades,
        extras=tuple(extras),
        special_requests=". ".join(requests),
        notes=rng.choice(NOTES) if rng.random() < 0.25 else "",
        source=rng.choices(("admin", "public"), weights=(3, 2))[0] if day < today else "admin",
        reason=NO_SHOW if last == "no_show" else rng.choice(CANCEL_REASONS),
        booked_before=timedelta(days=rng.randint(4, 60), minutes=rng.randint(0, 600)),
        confirm_after=timedelta(minutes=rng.randint(120, 72 * 60)),
        closed_after=timedelta(minutes=rng.randint(30, 18 * 60)),
        venue=venue(rng) if rng.random() < 0.06 else {},
    )


def plan_book(
    seed: int, today: date, teams: list[Team], customers: range
) -> tuple[list[Planned], list[Planned]]:
    """The past bookings in the order they were made, then the coming ones by date."""
    rng = random.Random(seed)
    loyalty = [rng.choice((1, 1, 1, 2, 2, 3, 5, 8)) for _ in customers]
    past_days = [today - timedelta(days=n) for n in range(PAST_DAYS, 0, -1)]
    future_days = [today + timedelta(days=n) for n in range(1, FUTURE_DAYS + 1)]
    past = [
        _party(
            rng,
            day,
            team,
            rng.choices(PAST_PATHS, weights=PAST_PATH_WEIGHTS)[0],
            rng.choices(customers, weights=loyalty)[0],
            today,
        )
        for day, team in _evenings(rng, past_days, teams, PAST_COUNT, today)
    ]
    future = [
        _party(
            rng,
            day,
            team,
            _future_path(rng, (day - today).days),
            rng.choices(customers, weights=loyalty)[0],
            today,
        )
        for day, team in _evenings(rng, future_days, teams, FUTURE_COUNT, today)
    ]
    past.sort(key=lambda p: (p.local_start - p.booked_before, p.event_date, p.team))
    return past, future
