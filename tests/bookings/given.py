"""A caterer's book for booking tests: policy, menu, chef teams and customers, made through the
services; and small readers of what the book then holds."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import func, select

from maitred.availability import teams as teams_service
from maitred.bookings.models import Booking
from maitred.customers import service as customers_service
from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from maitred.kit.outbox import OutboxEvent
from maitred.menu import service as menu_service
from maitred.tenancy.models import Organization
from tests.factories import Actor, given_organization, signed_in_as

# Seed 001's detail example: 10 % tax, 20 % service fee, half the total as deposit.
SEED_001_POLICY = {"pricing": {"tax_rate": 0.10, "service_fee_rate": 0.20, "deposit_percent": 0.5}}
# Seed 000's examples: 45.00 per guest, a quarter down.
SEED_000_POLICY = {"pricing": {"price_per_adult": 45, "deposit_percent": 0.25}}
EVERY_DAY = [1, 2, 3, 4, 5, 6, 7]
# Seed 001 prices mains per plate; seed 000's per-guest price includes them.
SEED_001_MENU = (
    ("Hibachi Chicken", Decimal(25), "per_item"),
    ("Hibachi Steak", Decimal(35), "per_item"),
    ("Fried Rice", Decimal(0), "per_guest"),
    ("Vegetables", Decimal(0), "per_guest"),
)
SEED_000_MENU = tuple((name, Decimal(0), "per_guest") for name, _, _ in SEED_001_MENU)


def saturday(weeks_ahead: int = 3) -> date:
    """A Saturday far enough ahead for every notice rule (and never a closed Monday)."""
    today = utcnow().date()
    return today + timedelta(days=(5 - today.weekday()) % 7 + 7 * weeks_ahead)


@dataclass
class Book:
    organization: Organization
    menu: dict[str, uuid.UUID] = field(default_factory=dict)
    teams: list[uuid.UUID] = field(default_factory=list)


async def given_book(
    database: Database,
    *,
    settings: dict[str, Any] | None = None,
    teams: int = 1,
    name: str = "Hibachi at Home",
    menu: tuple[tuple[str, Decimal, str], ...] = SEED_001_MENU,
) -> Book:
    """An organization with seed 001's menu and `teams` chef teams working every day."""
    organization = await given_organization(database, name, settings=settings or SEED_001_POLICY)
    book = Book(organization)
    async with database.transaction() as session:
        for item, price, unit in menu:
            made = await menu_service.create_item(
                session, organization_id=organization.id, name=item, price=price, pricing_unit=unit
            )
            book.menu[item] = made["id"]
        for n in range(teams):
            team = await teams_service.create(
                session,
                organization_id=organization.id,
                name=f"Team {n + 1}",
                working_weekdays=EVERY_DAY,
                time_off=[],
            )
            book.teams.append(team["id"])
    return book


async def given_customer(
    database: Database,
    book: Book,
    name: str = "Jane Smith",
    email: str = "jane@example.com",
    phone: str = "+19165550101",
) -> uuid.UUID:
    async with database.transaction() as session:
        brief = await customers_service.find_or_create(
            session, organization_id=book.organization.id, name=name, email=email, phone=phone
        )
    return brief.id


async def staff_of(client: httpx.AsyncClient, database: Database, book: Book) -> Actor:
    return await signed_in_as(client, database, "staff", book.organization)


def seed_001_form(customer_id: uuid.UUID | None, book: Book, **changes: Any) -> dict[str, Any]:
    """Seed 001's admin form; without a customer for customers booking for themselves."""
    form: dict[str, Any] = {
        "event_date": saturday().isoformat(),
        "event_time": "18:00",
        "guest_count": 25,
        "event_type": "birthday",
        "location": "123 Main St, Los Angeles, CA 90001",
        "menu_items": [
            {"menu_item_id": str(book.menu["Hibachi Chicken"]), "quantity": 15},
            {"menu_item_id": str(book.menu["Hibachi Steak"]), "quantity": 10},
        ],
        "notes": "Customer requested outdoor setup",
        "status": "confirmed",
    }
    if customer_id is not None:
        form["customer_id"] = str(customer_id)
    form.update(changes)
    return form


async def book_one(
    client: httpx.AsyncClient, actor: Actor, form: dict[str, Any], status: int = 201
) -> dict[str, Any]:
    response = await client.post("/api/v1/bookings", json=form, headers=actor.headers)
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


async def count_bookings(database: Database) -> int:
    async with database.transaction(write=False) as session:
        return int(await session.scalar(select(func.count()).select_from(Booking)) or 0)


async def events_named(database: Database, name: str) -> list[dict[str, Any]]:
    async with database.transaction(write=False) as session:
        rows = await session.scalars(
            select(OutboxEvent).where(OutboxEvent.name == name).order_by(OutboxEvent.created_at)
        )
        return [row.payload for row in rows]
