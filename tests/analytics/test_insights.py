"""Seed 004's insights on the March book (tests/analytics/given.py), worked out by hand.

March against 29 Jan - 28 Feb: bookings 5 against 1 (+400%), revenue recognised $3,150 against
$700 (+350%); cancellations 1 against none (nothing to compare: no finding).
Last week against the 8 before (from 28 January, all bookings): 0, 0, 0, 1, 0, 2, 1, 1 and then
1 (D on the 31st): within two bookings of the mean, no anomaly.
Open weekdays (Mondays are closed) and bookings not cancelled: Tuesday 1 (D), Friday 1 (H),
Saturday 1 (A), Sunday 1 (B), Wednesday and Thursday none: 4 / 6 = 0.7 on an average open
weekday, so Wednesday and Thursday are slow (under half of it)."""

from __future__ import annotations

from datetime import date, timedelta

import httpx

from maitred.kit.db import Database
from tests.analytics.given import given_booking, given_march
from tests.bookings.given import given_book, given_customer
from tests.factories import signed_in_as

MARCH = {"start_date": "2026-03-01", "end_date": "2026-03-31"}


async def test_insights_of_march_in_english_and_spanish(
    client: httpx.AsyncClient, database: Database
) -> None:
    march = await given_march(database)
    manager = await signed_in_as(client, database, "manager", march.organization)
    answer = await client.get("/api/v1/insights", params=MARCH, headers=manager.headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["generated_by"], body["language"]) == ("rules", "en")
    assert [(i["kind"], i["severity"], i["message"]) for i in body["insights"]] == [
        ("change", "positive", "Bookings rose 400% to 5, from 1 the period before."),
        ("change", "positive", "Revenue rose 350% to 3,150, from 700 the period before."),
        (
            "slow_day",
            "info",
            "Wednesday is a slow day: 0 bookings against 0.7 on an average open weekday. "
            "A promotion could fill it.",
        ),
        (
            "slow_day",
            "info",
            "Thursday is a slow day: 0 bookings against 0.7 on an average open weekday. "
            "A promotion could fill it.",
        ),
    ]
    assert body["insights"][1]["figure"] == {
        "name": "revenue",
        "value": 3150.0,
        "previous": 700.0,
        "change_percent": 350.0,
    }

    spanish = await client.get(
        "/api/v1/insights", params=MARCH, headers={**manager.headers, "Accept-Language": "es"}
    )
    assert spanish.json()["language"] == "es"
    messages = [i["message"] for i in spanish.json()["insights"]]
    assert messages[0] == "Reservas: subieron un 400% hasta 5, desde 1 en el periodo anterior."
    assert messages[2] == (
        "El miércoles es un día flojo: 0 reservas frente a 0,7 en un día laborable medio. "
        "Una promoción podría llenarlo."
    )


async def test_insights_need_analytics_rights(
    client: httpx.AsyncClient, database: Database
) -> None:
    march = await given_march(database)
    staff = await signed_in_as(client, database, "staff", march.organization)
    assert (await client.get("/api/v1/insights", headers=staff.headers)).status_code == 403
    assert (await client.get("/api/v1/insights")).status_code == 401


async def test_an_unusually_busy_week_stands_out(
    client: httpx.AsyncClient, database: Database
) -> None:
    """One $100 booking a week for the 8 weeks before 25-31 March (Saturdays 31 Jan to 21 Mar),
    then five on Saturday 28 March: 5 against a steady 1 a week (no spread) is an anomaly, and
    bookings and revenue both rose 400% on the week before."""
    book = await given_book(database)
    customer = await given_customer(database, book)
    organization = book.organization
    saturdays = [date(2026, 1, 31) + timedelta(weeks=n) for n in range(8)]
    for day in [*saturdays, *[date(2026, 3, 28)] * 5]:
        await given_booking(
            database, organization, customer, day.isoformat(), "18:00", "confirmed", "100"
        )
    viewer = await signed_in_as(client, database, "viewer", organization)
    week = {"start_date": "2026-03-25", "end_date": "2026-03-31"}
    body = (await client.get("/api/v1/insights", params=week, headers=viewer.headers)).json()
    anomalies = [i for i in body["insights"] if i["kind"] == "anomaly"]
    assert anomalies == [
        {
            "kind": "anomaly",
            "severity": "positive",
            "message": "Unusually busy: 5 bookings in the week to 2026-03-31, against 1 a week "
            "over the 8 weeks before.",
            "figure": {
                "name": "weekly_bookings",
                "value": 5.0,
                "previous": 1.0,
                "change_percent": 400.0,
            },
        }
    ]
    assert [i["figure"]["name"] for i in body["insights"] if i["kind"] == "change"] == [
        "bookings",
        "revenue",
    ]
