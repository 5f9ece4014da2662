"""How the demo business works: MyHibachi's pricing, its calendar and service area (Sacramento,
Folsom, Roseville), its booking policy, its menu (seeds 000 and 001) and three chef teams.

Each part is set once: a part the organization already has is kept as it is, even if it was
changed since, so running the demo again never undoes anyone's work.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.availability import teams as teams_service
from maitred.demo.names import SERVICE_AREA
from maitred.kit.errors import NotFound
from maitred.kit.pagination import PageParams
from maitred.menu import categories as menu_categories
from maitred.menu import service as menu_service
from maitred.tenancy import sections as tenancy_sections
from maitred.tenancy import service as tenancy_service

# MyHibachi's policy as the pricing section takes it (tests/pricing/test_quotes.py MY_HIBACHI).
PRICING: dict[str, Any] = {
    "price_per_adult": 55,
    "price_per_child": 30,
    "child_age_bands": [
        {"min_age": 0, "max_age": 5, "price": 0},
        {"min_age": 6, "max_age": 12, "price": 30},
    ],
    "minimum_total": 550,
    "upgrades": [
        {"name": "Filet Mignon", "price_per_person": 5, "description": "Instead of steak"},
        {"name": "Lobster", "price_per_person": 15, "description": "A lobster tail"},
    ],
    "travel_base_zip": "95814",
    "travel_free_miles": 30,
    "travel_per_mile": 2,
    "tax_rate": 0.0825,
    "deposit_fixed": 100,
    "gratuity_suggestion_rates": [0.20, 0.35],
}
AVAILABILITY: dict[str, Any] = {
    "slot_times": ["17:00", "18:00", "19:00"],
    "event_duration_minutes": 120,
    "buffer_minutes": 60,
    "closed_weekdays": [1],
    "service_area": [*SERVICE_AREA, *(z for zips, _ in SERVICE_AREA.values() for z in zips)],
    # Like a caterer who travels for a big enough party: farther requests come in for review.
    "outside_area_requests": "review",
}
BOOKING_POLICY: dict[str, Any] = {
    "event_types": [
        "birthday",
        "wedding",
        "corporate",
        "anniversary",
        "graduation",
        "holiday party",
        "other",
    ],
    "customer_cancel_hours": 48,
}
EVENT_TYPES: tuple[str, ...] = tuple(BOOKING_POLICY["event_types"])
SECTIONS = (
    (
        "pricing",
        PRICING,
        "MyHibachi's pricing",
        "$55 per adult, $30 per child 6-12, $550 minimum, 8.25 % tax, $100 deposit",
    ),
    (
        "availability",
        AVAILABILITY,
        "the calendar",
        "17:00-19:00 slots, closed Mondays, serving Sacramento, Folsom and Roseville",
    ),
    ("bookings", BOOKING_POLICY, "the booking policy", "7 event types, 48-hour cancellation"),
)

# (category, description, [(item, price, pricing unit, dietary tags, description)])
MENU: tuple[tuple[str, str, tuple[tuple[str, str, str, tuple[str, ...], str], ...]], ...] = (
    (
        "Hibachi proteins",
        "Every guest picks two, included in the per-person price; extra portions by the plate.",
        (
            ("Hibachi Chicken", "25.00", "per_item", ("gluten-free",), "Teriyaki-glazed thigh"),
            ("Hibachi Steak", "35.00", "per_item", ("gluten-free",), "NY strip, garlic butter"),
            ("Hibachi Shrimp", "30.00", "per_item", ("shellfish",), "Lemon butter shrimp"),
            ("Vegetables", "20.00", "per_item", ("vegetarian", "vegan"), "Zucchini, onion"),
        ),
    ),
    (
        "Premium upgrades",
        "Per guest who takes it, on top of the per-person price.",
        (
            ("Filet Mignon", "5.00", "per_guest", ("gluten-free",), "Instead of steak"),
            ("Lobster", "15.00", "per_guest", ("shellfish",), "A lobster tail"),
        ),
    ),
    (
        "Sides",
        "Salad, fried rice and vegetables come with every meal; more for big appetites.",
        (("Fried Rice", "4.50", "per_guest", ("vegetarian",), "Egg fried rice, extra portion"),),
    ),
)


@dataclass(frozen=True)
class Team:
    id: uuid.UUID
    working_weekdays: tuple[int, ...]
    days_off: frozenset[date]

    def works_on(self, day: date) -> bool:
        return day.isoweekday() in self.working_weekdays and day not in self.days_off


def _team_specs(today: date) -> list[tuple[str, list[int], list[dict[str, str]]]]:
    tuesday_to_sunday = [2, 3, 4, 5, 6, 7]
    off_from = today + timedelta(days=24)
    vacation = {
        "date_from": off_from.isoformat(),
        "date_to": (off_from + timedelta(days=3)).isoformat(),
        "reason": "Family visit in Osaka",
    }
    return [
        ("Team Aiko", [3, 4, 5, 6, 7], [vacation]),
        ("Team Hiro", tuesday_to_sunday, []),
        ("Team Kenji", tuesday_to_sunday, []),
    ]


async def load_settings(
    session: AsyncSession, organization_id: uuid.UUID, say: Callable[[str], None]
) -> None:
    organization = await tenancy_service.get(session, organization_id)
    if organization is None:
        raise NotFound("No such organization")
    stored = dict(organization.settings or {})
    for section, changes, what, details in SECTIONS:
        if section in stored:
            say(f"kept {what} settings")
            continue
        await tenancy_sections.update_section(
            session, organization_id=organization_id, section=section, changes=changes
        )
        say(f"set {what}: {details}")


async def load_menu(
    session: AsyncSession, organization_id: uuid.UUID, say: Callable[[str], None]
) -> None:
    _, info = await menu_service.list_items(
        session, organization_id=organization_id, params=PageParams(page=1, limit=1)
    )
    if info.total_items:
        say(f"kept the menu ({info.total_items} items)")
        return
    count = 0
    for order, (name, description, items) in enumerate(MENU, start=1):
        category = await menu_categories.create_category(
            session,
            organization_id=organization_id,
            name=name,
            description=description,
            sort_order=order,
        )
        for position, (item, price, unit, tags, about) in enumerate(items, start=1):
            await menu_service.create_item(
                session,
                organization_id=organization_id,
                name=item,
                price=Decimal(price),
                description=about,
                pricing_unit=unit,
                dietary_tags=tags,
                category_id=category["id"],
                sort_order=position,
            )
            count += 1
    say(f"created the menu: {len(MENU)} categories, {count} items")


async def load_teams(
    session: AsyncSession, organization_id: uuid.UUID, today: date, say: Callable[[str], None]
) -> list[Team]:
    """The organization's active chef teams, by name (three are made when it has none)."""
    params = PageParams(page=1, limit=100)
    found, info = await teams_service.list_teams(
        session,
        organization_id=organization_id,
        params=params,
        is_active=True,
    )
    if info.total_items:
        say(f"kept {info.total_items} chef teams")
    else:
        for name, weekdays, time_off in _team_specs(today):
            await teams_service.create(
                session,
                organization_id=organization_id,
                name=name,
                working_weekdays=weekdays,
                time_off=time_off,
            )
        found, _ = await teams_service.list_teams(
            session,
            organization_id=organization_id,
            params=params,
            is_active=True,
        )
        say(f"created {len(found)} chef teams: {', '.join(t['name'] for t in found)}")
    return [
        Team(
            id=team["id"],
            working_weekdays=tuple(team["working_weekdays"]),
            days_off=frozenset(_days_off(team["time_off"])),
        )
        for team in found
    ]


def _days_off(time_off: list[dict[str, Any]]) -> list[date]:
    days = []
    for period in time_off:
        first = date.fromisoformat(str(period["date_from"]))
        last = date.fromisoformat(str(period["date_to"]))
        days += [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return days
