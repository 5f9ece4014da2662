"""Seed 000's and seed 001's analytics on a book whose figures were worked out by hand
(tests/analytics/given.py), not by running the same query twice.

March 2026 holds five bookings: A 7 Mar confirmed $1,000 (C1, 18:00, Sacramento, 10 guests),
B 8 Mar completed $2,000 (C2, 19:00, Folsom, wedding, 20), C 15 Mar cancelled $800 with its
$100 deposit kept (C3, 8), D 31 Mar pending $600 (C2, Roseville, corporate, 6), H 20 Mar no-show
$400 that kept $50 of $100 paid (C4, Folsom, 4). Outside it: 1 Apr (C4), 20 Feb $700 (C5, the
previous period's only booking) and 10 Jan $500 completed (C1's first booking)."""

from __future__ import annotations

import httpx
import pytest

from maitred.kit.db import Database
from tests.analytics.given import given_march
from tests.factories import Actor, signed_in_as

MARCH = {"start_date": "2026-03-01", "end_date": "2026-03-31"}


@pytest.fixture
async def viewer(client: httpx.AsyncClient, database: Database) -> tuple[Actor, dict[str, str]]:
    march = await given_march(database)
    actor = await signed_in_as(client, database, "viewer", march.organization)
    return actor, {name: str(id_) for name, id_ in march.customers.items()}


async def test_booking_statistics_of_march(
    client: httpx.AsyncClient, viewer: tuple[Actor, dict[str, str]]
) -> None:
    actor, _ = viewer
    answer = await client.get(
        "/api/analytics/bookings", params={**MARCH, "group_by": "week"}, headers=actor.headers
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["period"] == {"from": "2026-03-01", "to": "2026-03-31"}
    assert body["total_bookings"] == 5
    assert body["confirmed_bookings"] == 2  # A confirmed, B completed
    assert body["pending_bookings"] == 1
    assert body["cancelled_bookings"] == 1
    assert body["no_show_bookings"] == 1
    assert body["total_revenue"] == 3150.0  # 1,000 + 2,000 + C's kept 100 + H's kept 50
    assert body["average_booking_value"] == 1500.0  # (1,000 + 2,000) / 2
    assert body["average_party_size"] == 9.6  # 48 guests / 5
    assert body["cancellation_rate"] == 0.2
    assert body["no_show_rate"] == 0.25  # 1 of the 4 not cancelled
    assert body["popular_times"] == ["18:00", "19:00"]  # A, D, H; B (C was cancelled)
    # Not cancelled: H on Friday 20, A on Saturday 7, B on Sunday 8, D on Tuesday 31.
    assert [(d["weekday"], d["bookings"]) for d in body["popular_days"]] == [
        ("tuesday", 1),
        ("friday", 1),
        ("saturday", 1),
        ("sunday", 1),
    ]
    # Asked 30 (A, 5 Feb -> 7 Mar), 7 (B), 10 (H) and 29 (D) days ahead: 76 / 4 days on
    # average, and halfway between 10 and 29.
    assert body["lead_time"] == {"average_days": 19.0, "median_days": 19.5}
    assert body["top_locations"] == [
        {"city": "Folsom", "count": 2},
        {"city": "Roseville", "count": 1},
        {"city": "Sacramento", "count": 1},
    ]
    assert body["by_event_type"] == {"birthday": 3, "corporate": 1, "wedding": 1}
    # Weeks from Monday: 1 March is a Sunday, so the first bucket starts on 23 February.
    assert [(p["period"], p["bookings"], p["revenue"]) for p in body["series"]] == [
        ("2026-02-23", 0, 0.0),
        ("2026-03-02", 2, 3000.0),  # A on Saturday 7, B on Sunday 8 (the DST day)
        ("2026-03-09", 1, 100.0),  # C, cancelled: its kept deposit
        ("2026-03-16", 1, 50.0),
        ("2026-03-23", 0, 0.0),
        ("2026-03-30", 1, 0.0),  # D, pending: nothing recognised yet
    ]
    assert body["previous"] == {
        "period": {"from": "2026-01-29", "to": "2026-02-28"},
        "total_bookings": 1,
        "total_revenue": 700.0,
    }
    assert body["change_percent"] == {"bookings": 400.0, "revenue": 350.0}


async def test_revenue_recognised_and_cash_collected_by_local_day(
    client: httpx.AsyncClient, viewer: tuple[Actor, dict[str, str]]
) -> None:
    actor, _ = viewer
    answer = await client.get(
        "/api/v1/analytics/revenue", params={**MARCH, "group_by": "month"}, headers=actor.headers
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["recognised"]["total"] == 3150.0
    assert body["recognised"]["previous"] == 700.0
    assert body["recognised"]["trend"] == "up"
    assert body["recognised"]["series"] == [{"period": "2026-03-01", "amount": 3150.0}]
    # The $100 card payment at 23:30 on 28 February (local) is February's; the $200 in cash at
    # 00:30 on 8 March is March's; its $50 refund on 2 April belongs to April.
    assert body["collected"]["gross"] == 200.0
    assert body["collected"]["refunded"] == 0.0
    assert body["collected"]["net"] == 200.0
    assert body["collected"]["previous_net"] == 100.0
    assert body["collected"]["change_percent"] == 100.0
    assert body["average_booking_value"] == 1500.0
    assert body["balances_due"] == 1500.0  # A owes 900, D owes 600
    assert body["deposits_outstanding"] >= 0


async def test_customers_new_returning_and_active(
    client: httpx.AsyncClient, viewer: tuple[Actor, dict[str, str]]
) -> None:
    actor, ids = viewer
    answer = await client.get("/api/v1/analytics/customers", params=MARCH, headers=actor.headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    # Booked in March (not cancelled): C1 (first in January: returning), C2 and C4 (new).
    assert (body["new"], body["returning"]) == (2, 1)
    assert body["active"] == 4  # C1, C2, C4 and C5 (February); C3 only cancelled
    assert body["repeat_rate"] == 0.3333
    assert [(c["id"], c["bookings"], c["revenue"]) for c in body["top_customers"]] == [
        (ids["C2"], 2, 2000.0),
        (ids["C1"], 1, 1000.0),
        (ids["C4"], 1, 50.0),
    ]
    assert body["top_customers"][0]["name"] == "Customer 2"


async def test_seed_001_admin_analytics(
    client: httpx.AsyncClient, viewer: tuple[Actor, dict[str, str]]
) -> None:
    actor, _ = viewer
    answer = await client.get(
        "/api/v1/admin/analytics",
        params={
            "date_from": "2026-03-01",
            "date_to": "2026-03-31",
            "metric": "revenue,bookings,customers",
        },
        headers=actor.headers,
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["period"] == {"from": "2026-03-01", "to": "2026-03-31"}
    assert body["revenue"] == {"total": 3150.0, "change_percent": 350.0, "trend": "up"}
    assert body["bookings"] == {
        "total": 5,
        "confirmed": 2,
        "pending": 1,
        "cancelled": 1,
        "change_percent": 400.0,
    }
    assert body["customers"] == {"new": 2, "returning": 1, "total_active": 4}
    by_day = body["charts"]["revenue_by_day"]
    assert len(by_day) == 31
    assert {"date": "2026-03-08", "amount": 2000.0} in by_day
    assert sum(day["amount"] for day in by_day) == 3150.0
    assert body["charts"]["bookings_by_type"] == {"birthday": 3, "corporate": 1, "wedding": 1}

    only_revenue = await client.get(
        "/api/v1/admin/analytics",
        params={"date_from": "2026-03-01", "date_to": "2026-03-31", "metric": "revenue"},
        headers=actor.headers,
    )
    assert only_revenue.status_code == 200
    assert set(only_revenue.json()) == {"period", "revenue", "charts"}


async def test_bad_periods_and_metrics_are_refused(
    client: httpx.AsyncClient, viewer: tuple[Actor, dict[str, str]]
) -> None:
    actor, _ = viewer
    for path, params in (
        ("/api/v1/analytics/bookings", {"start_date": "2026-03-31", "end_date": "2026-03-01"}),
        ("/api/v1/analytics/bookings", {"start_date": "2020-01-01", "end_date": "2026-03-01"}),
        ("/api/v1/analytics/bookings", {"group_by": "hour"}),
        ("/api/v1/admin/analytics", {"metric": "revenue,secrets"}),
    ):
        answer = await client.get(path, params=params, headers=actor.headers)
        assert answer.status_code == 422, (path, params, answer.text)
        assert answer.json()["error"] == "validation_error"


async def test_who_may_read_analytics(
    client: httpx.AsyncClient, database: Database, viewer: tuple[Actor, dict[str, str]]
) -> None:
    actor, _ = viewer
    staff = await signed_in_as(client, database, "staff", actor.organization)
    refused = await client.get("/api/v1/analytics/bookings", params=MARCH, headers=staff.headers)
    assert refused.status_code == 403
    assert (await client.get("/api/v1/analytics/bookings", params=MARCH)).status_code == 401

    # Another business sees its own (empty) March, nothing of this one's.
    other = await signed_in_as(client, database, "admin")
    theirs = await client.get("/api/v1/analytics/bookings", params=MARCH, headers=other.headers)
    assert theirs.status_code == 200
    assert theirs.json()["total_bookings"] == 0
    assert theirs.json()["top_locations"] == []
