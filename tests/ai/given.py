"""A hibachi caterer for the concierge's tests: MyHibachi's pricing, a calendar serving
Sacramento, Folsom and Roseville, a menu with dietary tags, and small chat helpers."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import func, select

from maitred.ai.models import AiConfirmation, AiToolCall
from maitred.availability import teams as teams_service
from maitred.bookings.models import Booking
from maitred.customers import service as customers_service
from maitred.kit.db import Database
from maitred.menu import service as menu_service
from maitred.tenancy.models import Organization
from tests.factories import given_organization

SETTINGS: dict[str, Any] = {
    "pricing": {
        "price_per_adult": 55,
        "price_per_child": 30,
        "minimum_total": 550,
        "upgrades": [
            {"name": "Filet Mignon", "price_per_person": 5},
            {"name": "Lobster", "price_per_person": 15},
        ],
        "tax_rate": 0.0825,
        "deposit_fixed": 100,
        "gratuity_suggestion_rates": [0.2],
    },
    "availability": {
        "slot_times": ["17:00", "18:00", "19:00"],
        "closed_weekdays": [1],
        "min_notice_hours": 0,
        "service_area": ["Sacramento", "Folsom", "Roseville"],
    },
    "bookings": {
        "event_types": ["birthday", "wedding", "corporate", "anniversary", "other"],
        "customer_cancel_hours": 48,
    },
    "payments": {"cancellation_policy": [{"days_before": 14, "refund_rate": 1.0}]},
}
MENU = (
    ("Hibachi Chicken", ["gluten_free"]),
    ("Vegetable Fried Rice", ["vegetarian", "vegan"]),
    ("Tofu Steak", ["vegetarian", "vegan", "gluten_free"]),
    ("Filet Mignon", []),
)
EVERY_DAY = [1, 2, 3, 4, 5, 6, 7]


@dataclass
class Caterer:
    organization: Organization

    @property
    def headers(self) -> dict[str, str]:
        """A website visitor of this business (nobody signed in)."""
        return {"X-Tenant-ID": str(self.organization.id)}


async def given_caterer(database: Database, name: str = "Hibachi at Home") -> Caterer:
    organization = await given_organization(database, name, settings=SETTINGS)
    async with database.transaction() as session:
        for item, tags in MENU:
            await menu_service.create_item(
                session,
                organization_id=organization.id,
                name=item,
                price=Decimal(0),
                pricing_unit="per_guest",
                dietary_tags=tags,
            )
        for n in range(2):
            await teams_service.create(
                session,
                organization_id=organization.id,
                name=f"Team {n + 1}",
                working_weekdays=EVERY_DAY,
                time_off=[],
            )
    return Caterer(organization)


async def given_customer(
    database: Database,
    caterer: Caterer,
    name: str = "Maria Lopez",
    email: str = "maria@example.com",
    phone: str = "+19165550177",
) -> uuid.UUID:
    async with database.transaction() as session:
        brief = await customers_service.find_or_create(
            session, organization_id=caterer.organization.id, name=name, email=email, phone=phone
        )
    return brief.id


async def say(
    client: httpx.AsyncClient,
    caterer: Caterer,
    message: str,
    thread_id: str | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"message": message}
    if thread_id:
        body["thread_id"] = thread_id
    response = await client.post("/api/v1/ai/chat", json=body, headers=headers or caterer.headers)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def confirm_token(answer: dict[str, Any]) -> str:
    tokens = [
        a["confirmation_token"] for a in answer["suggested_actions"] if a["type"] == "confirm"
    ]
    assert len(tokens) == 1, answer
    token: str = tokens[0]
    return token


async def count(database: Database, model: Any, **where: Any) -> int:
    async with database.transaction(write=False) as session:
        statement = select(func.count()).select_from(model)
        for name, value in where.items():
            statement = statement.where(getattr(model, name) == value)
        return int(await session.scalar(statement) or 0)


async def bookings(database: Database) -> int:
    return await count(database, Booking)


async def tool_calls(database: Database) -> list[AiToolCall]:
    async with database.transaction(write=False) as session:
        return list(
            (await session.scalars(select(AiToolCall).order_by(AiToolCall.created_at))).all()
        )


async def confirmations(database: Database) -> list[AiConfirmation]:
    async with database.transaction(write=False) as session:
        return list((await session.scalars(select(AiConfirmation))).all())


LINK = re.compile(r"https?://\S+/public/payments/pay\?token=\S+")


async def given_llm(client: httpx.AsyncClient, admin_headers: dict[str, str], url: str) -> None:
    """The business's own OpenAI-compatible endpoint (the stand-in), its key stored encrypted."""
    response = await client.patch(
        "/api/v1/ai/settings",
        json={
            "llm_base_url": url,
            "llm_api_key": "sk-test-of-the-business",
            "llm_model": "stand-in-1",
        },
        headers=admin_headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["llm_api_key_set"] is True
    assert "sk-test" not in response.text


def events_of(stream: str) -> list[dict[str, Any]]:
    import json

    return [
        json.loads(block[len("data: ") :])
        for block in stream.split("\n\n")
        if block.startswith("data: ")
    ]


@dataclass
class Victim:
    """Another customer of the same business, with a booking, whose details must never leak."""

    customer_id: uuid.UUID
    booking_id: uuid.UUID
    reference: str
    name: str = "Vera Hidden"
    email: str = "vera.secret@example.com"
    phone: str = "+19165550199"


async def given_victim(
    database: Database,
    caterer: Caterer,
    day: str,
    *,
    name: str = "Vera Hidden",
    email: str = "vera.secret@example.com",
    phone: str = "+19165550199",
) -> Victim:
    from datetime import date

    from maitred.bookings import service as bookings_service
    from maitred.bookings.schemas import PublicBookingRequest

    async with database.transaction() as session:
        made = await bookings_service.request_booking(
            session,
            caterer.organization,
            PublicBookingRequest(
                name=name,
                phone=phone,
                email=email,
                event_date=date.fromisoformat(day),
                event_time="17:00",
                guest_count=20,
                event_type="wedding",
                location="Roseville",
            ),
        )
        brief = await customers_service.find_by_contact(
            session, organization_id=caterer.organization.id, email=email
        )
    assert brief is not None
    return Victim(brief.id, made["booking_id"], made["reference_number"], name, email, phone)


async def booking_facts(database: Database) -> list[tuple[Any, ...]]:
    """Every booking's status, date, time and guests: what an attack must leave unchanged."""
    async with database.transaction(write=False) as session:
        rows = await session.scalars(select(Booking).order_by(Booking.reference_number))
        return [
            (b.organization_id, b.reference_number, b.status, b.event_date, b.event_time,
             b.guest_count, b.customer_id)
            for b in rows
        ]  # fmt: skip
