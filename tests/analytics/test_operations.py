"""Operations figures and the location filter on the March book (tests/analytics/given.py),
each worked out by hand.

Default availability: slots 17:00, 18:00, 19:00 and two-hour events, so a team can serve
17:00-21:00, 4 hours on an open day; Mondays are closed. March 2026 has 31 days and five
Mondays (2, 9, 16, 23, 30): 26 open days.
- Team 1 works every day: 26 × 4 = 104 h. It served B (8 Mar) and D (31 Mar, pending): 2 × 2 h.
- Team 2 (Downtown) works Fridays to Sundays: 6, 7, 8, 13, 14, 15, 20, 21, 22, 27, 28, 29 and
  Sunday 1 March, 13 days, less its time off 13-15 March: 10 days, 40 h. It served A (7 Mar) and
  H (20 Mar, a no-show: the team went); C (15 Mar) was cancelled.
The period before (29 Jan - 28 Feb, 31 days, Mondays 2, 9, 16, 23): Team 1 has 27 days, 108 h;
Team 2 has 14 (Fridays 30 Jan, 6, 13, 20, 27; Saturdays 31 Jan, 7, 14, 21, 28; Sundays 1, 8,
15, 22), 56 h: 164 h, of which Team 1's 20 February booking took 2."""

from __future__ import annotations

import httpx
import pytest

from maitred.kit.db import Database
from tests.analytics.given import March, given_march, given_operations
from tests.factories import Actor, given_organization, signed_in_as

MARCH = {"start_date": "2026-03-01", "end_date": "2026-03-31"}


@pytest.fixture
async def march(database: Database) -> March:
    book = await given_march(database)
    await given_operations(database, book)
    return book


async def test_operations_of_march(
    client: httpx.AsyncClient, database: Database, march: March
) -> None:
    viewer = await signed_in_as(client, database, "viewer", march.organization)
    answer = await client.get("/api/v1/analytics/operations", params=MARCH, headers=viewer.headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    teams = body["teams"]
    assert [
        (t["name"], t["events"], t["booked_hours"], t["available_hours"], t["utilisation"])
        for t in teams["by_team"]
    ] == [
        ("Team 1", 2, 4.0, 104.0, 0.0385),  # 4 / 104
        ("Team 2", 2, 4.0, 40.0, 0.1),
    ]
    assert (teams["booked_hours"], teams["available_hours"], teams["utilisation"]) == (
        8.0,
        144.0,
        0.0556,  # 8 / 144
    )
    # Inbox: the SMS thread waited 20 min (17:00 -> 17:20; the 17:05 text is the same wait)
    # and 60 min; the email thread 10 min: the median is 20. The two failures and the SMS of
    # 23:30 on 28 February (local) are not replies.
    messages = body["messages"]
    assert messages["scope"] == "organization"
    assert (messages["sent"], messages["failed"]) == (3, 2)
    assert messages["by_channel"] == [
        {"channel": "email", "sent": 1, "failed": 1, "failure_rate": 0.5},
        {"channel": "sms", "sent": 2, "failed": 1, "failure_rate": 0.3333},
    ]
    assert messages["median_first_response_minutes"] == 20.0
    assert messages["responses_measured"] == 3
    # Events held in March: 7 of 10 seats (Downtown, 11 March local) and 5 of 20; the
    # cancelled one offered nothing; February's sold 4.
    assert body["seats"] == {
        "events": 2,
        "capacity": 30,
        "sold": 12,
        "fill_rate": 0.4,
        "by_event_type": [
            {"event_type": "class", "events": 2, "capacity": 30, "sold": 12, "fill_rate": 0.4}
        ],
    }
    assert body["previous"] == {
        "period": {"from": "2026-01-29", "to": "2026-02-28"},
        "utilisation": 0.0122,  # 2 / 164
        "messages_sent": 1,
        "messages_failed": 0,
        "median_first_response_minutes": None,
        "seats_sold": 4,
    }
    assert body["change_percent"] == {
        "booked_hours": 300.0,  # 8 h against 2 h
        "messages_sent": 200.0,
        "median_first_response": None,
        "seats_sold": 200.0,
    }


async def test_one_locations_figures(
    client: httpx.AsyncClient, database: Database, march: March
) -> None:
    """Downtown's bookings are Team 2's: A (confirmed $1,000), C (cancelled, kept $100) and H
    (no-show, kept $50); its events are the 7-of-10 class."""
    viewer = await signed_in_as(client, database, "viewer", march.organization)
    at = {**MARCH, "location_id": str(march.downtown)}
    bookings = await client.get("/api/v1/analytics/bookings", params=at, headers=viewer.headers)
    assert bookings.status_code == 200, bookings.text
    body = bookings.json()
    assert (body["total_bookings"], body["confirmed_bookings"], body["cancelled_bookings"]) == (
        3,
        1,
        1,
    )
    assert body["total_revenue"] == 1150.0
    assert body["previous"]["total_bookings"] == 0
    assert body["change_percent"] == {"bookings": None, "revenue": None}

    operations = await client.get("/api/v1/analytics/operations", params=at, headers=viewer.headers)
    assert [t["name"] for t in operations.json()["teams"]["by_team"]] == ["Team 2"]
    assert operations.json()["seats"]["sold"] == 7

    customers = await client.get("/api/v1/analytics/customers", params=at, headers=viewer.headers)
    assert (customers.json()["new"], customers.json()["returning"]) == (2, 0)  # C1 and C4
    overview = await client.get("/api/v1/analytics", params=at, headers=viewer.headers)
    assert overview.json()["revenue"]["total"] == 1150.0
    admin = await client.get(
        "/api/v1/admin/analytics",
        params={
            "date_from": "2026-03-01",
            "date_to": "2026-03-31",
            "location_id": at["location_id"],
        },
        headers=viewer.headers,
    )
    assert admin.json()["bookings"]["total"] == 3


async def test_another_organizations_location_is_unknown(
    client: httpx.AsyncClient, database: Database, march: March
) -> None:
    """Asking for this book's Downtown from another organization learns nothing of it."""
    other: Actor = await signed_in_as(client, database, "admin", await given_organization(database))
    at = {**MARCH, "location_id": str(march.downtown)}
    for path in ("bookings", "revenue", "customers", "funnel", "operations"):
        answer = await client.get(f"/api/v1/analytics/{path}", params=at, headers=other.headers)
        assert answer.status_code == 422, (path, answer.text)
        assert answer.json()["details"] == {"location_id": "No such location"}
    team = await client.post(
        "/api/v1/availability/teams",
        json={"name": "Borrowed", "location_id": str(march.downtown)},
        headers=other.headers,
    )
    assert team.status_code == 422
    assert team.json()["details"] == {"location_id": "No such location"}
