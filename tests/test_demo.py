"""`maitred demo` loads a living hibachi book: what the demo admin sees once signed in, and that
loading it again creates nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from maitred.availability import service as availability_service
from maitred.bookings.service.status import STATUSES
from maitred.demo import DEMO_ADMIN, DEMO_PASSWORD, load_demo
from maitred.kit.db import Database
from maitred.tenancy import service as tenancy_service
from tests.factories import bearer, sign_in
from tests.pricing.test_quotes import MY_HIBACHI

pytestmark = pytest.mark.long  # loads the demo: scheduled first

API = "/api/v1"
LEAD_STAGES = ("new", "contacted", "qualified", "quoted", "won", "lost")


async def total(client: httpx.AsyncClient, path: str, headers: dict[str, str], **query: Any) -> int:
    response = await client.get(f"{API}{path}", params={**query, "limit": 1}, headers=headers)
    assert response.status_code == 200, response.text
    count: int = response.json()["pagination"]["total_items"]
    return count


async def every(
    client: httpx.AsyncClient, path: str, headers: dict[str, str], **query: Any
) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    page = 1
    while True:
        response = await client.get(
            f"{API}{path}", params={**query, "page": page, "limit": 100}, headers=headers
        )
        assert response.status_code == 200, response.text
        items += response.json()["items"]
        if not response.json()["pagination"]["has_next"]:
            return items
        page += 1


async def counts(client: httpx.AsyncClient, admin: dict[str, str]) -> dict[str, int]:
    return {
        path: await total(client, path, admin)
        for path in ("/bookings", "/customers", "/leads", "/menu/items", "/availability/teams")
    }


def local_today() -> date:
    return datetime.now(ZoneInfo("America/Los_Angeles")).date()


async def test_demo_loads_a_living_hibachi_book_once(
    client: httpx.AsyncClient, database: Database
) -> None:
    first = await load_demo(database)
    admin = bearer(await sign_in(client, DEMO_ADMIN, DEMO_PASSWORD))
    today = local_today()

    assert (
        first[0] == "created demo organization 'Hibachi at Home (demo)' (slug hibachi-at-home-demo)"
    )
    assert await counts(client, admin) == {
        "/bookings": 600,
        "/customers": 200,
        "/leads": 100,
        "/menu/items": 7,
        "/availability/teams": 3,
    }

    # Every status of the machine, the past closed and the coming ones open.
    by_status = {s: await total(client, "/bookings", admin, status=s) for s in STATUSES}
    assert sum(by_status.values()) == 600
    assert all(by_status.values()), by_status
    assert by_status["completed"] > by_status["cancelled"] + by_status["no_show"]
    yesterday, tomorrow = today - timedelta(days=1), today + timedelta(days=1)
    assert await total(client, "/bookings", admin, event_date_from=tomorrow) > 100
    assert await total(client, "/bookings", admin, event_date_to=yesterday) > 300
    open_past = await total(
        client, "/bookings", admin, status="pending,confirmed", event_date_to=yesterday
    )
    closed_future = await total(
        client, "/bookings", admin, status="completed,no_show", event_date_from=today
    )
    assert (open_past, closed_future) == (0, 0)
    # The past was recorded without the outbox; the analytics rollups count it all the same.
    half_year = {"start_date": today - timedelta(days=180), "end_date": yesterday}
    figures = await client.get(f"{API}/analytics/bookings", params=half_year, headers=admin)
    assert figures.json()["total_bookings"] == await total(
        client, "/bookings", admin, event_date_from=half_year["start_date"], event_date_to=yesterday
    )
    span = await every(client, "/bookings", admin, sort="event_date", order="asc")
    assert date.fromisoformat(span[0]["event_date"]) < today - timedelta(days=200)
    assert date.fromisoformat(span[-1]["event_date"]) > today + timedelta(days=60)

    # A completed booking went through the machine, was paid, and earned its customer points.
    done = (await every(client, "/bookings", admin, status="completed"))[0]
    detail = (await client.get(f"{API}/bookings/{done['id']}", headers=admin)).json()
    assert [c["to_status"] for c in detail["status_history"]] == [
        "pending",
        "confirmed",
        "completed",
    ]
    assert (detail["payment_status"], detail["chef_team_id"] is not None) == ("paid", True)
    assert detail["total_amount"] >= 550 * 1.0825  # the party minimum, taxed
    customer = (await client.get(f"{API}/customers/{detail['customer_id']}", headers=admin)).json()
    assert customer["loyalty_points"] > 0
    assert customer["total_spent"] >= detail["total_amount"]

    # Customers in the service area, some with dietary restrictions.
    customers = await every(client, "/customers", admin)
    assert {c["address"]["city"] for c in customers} == {"Sacramento", "Folsom", "Roseville"}
    assert 20 < sum(1 for c in customers if c["dietary_restrictions"]) < 100
    assert len({c["email"] for c in customers}) == len({c["phone"] for c in customers}) == 200

    # Leads at every stage, from many channels; the won ones are customers, most booked.
    for stage in LEAD_STAGES:
        assert await total(client, "/leads", admin, status=stage) > 0, stage
    assert len({lead["source"] for lead in await every(client, "/leads", admin)}) >= 5
    won = await every(client, "/leads", admin, status="won")
    assert all(lead["customer_id"] for lead in won)
    assert sum(1 for lead in won if lead["booking_id"]) == 12

    # The public menu names seed 001's items at seed 001's prices.
    menu = await client.get(f"{API}/menu", params={"org": "hibachi-at-home-demo"})
    assert menu.status_code == 200
    prices = {i["name"]: i["price"] for g in menu.json()["categories"] for i in g["items"]}
    assert (prices["Hibachi Chicken"], prices["Hibachi Steak"]) == (25.0, 35.0)

    # MyHibachi's pricing: the quote of tests/pricing/test_quotes.py, to the cent.
    policy = (await client.get(f"{API}/settings/pricing", headers=admin)).json()
    assert {k: policy[k] for k in MY_HIBACHI if k != "upgrades"} == {
        k: v for k, v in MY_HIBACHI.items() if k != "upgrades"
    }
    quote = await client.post(
        f"{API}/quotes",
        json={
            "guest_count": 10,
            "child_ages": [8, 4, 10],
            "location": "Marysville, CA 95901",
            "upgrades": [
                {"name": "filet mignon", "quantity": 3},
                {"name": "Lobster", "quantity": 2},
            ],
        },
        headers=admin,
    )
    assert quote.status_code == 200, quote.text
    body = quote.json()
    assert (body["subtotal"], body["travel_fee"], body["tax"]) == (550.0, 21.0, 45.38)
    assert (body["total_amount"], body["deposit_amount"]) == (616.38, 100.0)

    # The calendar: a booked evening has fewer free chef teams, and no team is promised twice.
    coming = (
        await every(
            client,
            "/bookings",
            admin,
            status="confirmed",
            event_date_from=tomorrow,
            sort="event_date",
        )
    )[0]
    answer = await client.get(
        f"{API}/availability", params={"date": coming["event_date"]}, headers=admin
    )
    assert answer.status_code == 200, answer.text
    slots = answer.json()["slots"]
    assert [s["time"] for s in slots] == ["17:00", "18:00", "19:00"]
    assert all(s["capacity"] < 3 for s in slots), slots
    async with database.transaction(write=False) as session:
        organization = await tenancy_service.find(session, "hibachi-at-home-demo")
        assert organization is not None
        problems = await availability_service.ledger_problems(
            session, organization_id=organization.id
        )
    assert problems == []

    # Again: nothing new.
    again = await load_demo(database)

    # The hibachi business's lines; the studio's follow (tests/test_demo_studio.py).
    assert again[:12] == [
        *(
            f"kept demo user {who}@hibachi-demo.example ({role}) / password {DEMO_PASSWORD}"
            for who, role in (
                ("admin", "admin"),
                ("manager", "manager"),
                ("staff", "staff"),
                ("chef", "facilitator"),
            )
        ),
        "kept MyHibachi's pricing settings",
        "kept the calendar settings",
        "kept the booking policy settings",
        "kept the menu (7 items)",
        "kept 3 chef teams",
        "kept 200 customers",
        "kept 600 bookings",
        "kept 100 leads",
    ]
    assert await counts(client, admin) == {
        "/bookings": 600,
        "/customers": 200,
        "/leads": 100,
        "/menu/items": 7,
        "/availability/teams": 3,
    }
