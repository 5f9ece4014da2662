"""Weekly series: one event per occurrence, at the same local time across DST changes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from maitred.kit.db import Database
from maitred.kit.roles import Role
from tests.events.given import EVENTS, count_events, event_form, forbidden, invalid
from tests.factories import signed_in_as
from tests.probe_router import error_of

SERIES = f"{EVENTS}/series"
# Clocks in Los Angeles go forward on Sunday 9 March 2031.
FIRST_CLASS = {"start_datetime": "2031-03-03T07:00:00", "end_datetime": "2031-03-03T08:00:00"}


@pytest.mark.parametrize(
    "rule",
    [
        {"rrule": "FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=6"},
        {"rrule": "RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR;UNTIL=20310314"},
        {"weekdays": [1, 3, 5], "until": "2031-03-14"},
        {"weekdays": [5, 1, 3], "count": 6},
    ],
)
async def test_a_series_keeps_local_seven_oclock_across_the_dst_change(
    client: httpx.AsyncClient, database: Database, rule: dict[str, Any]
) -> None:
    admin = await signed_in_as(client, database, Role.admin)

    response = await client.post(
        SERIES, json=event_form(**FIRST_CLASS, **rule), headers=admin.headers
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["count"] == 6
    assert [(e["start_datetime"], e["end_datetime"]) for e in body["events"]] == [
        ("2031-03-03T07:00:00-08:00", "2031-03-03T08:00:00-08:00"),
        ("2031-03-05T07:00:00-08:00", "2031-03-05T08:00:00-08:00"),
        ("2031-03-07T07:00:00-08:00", "2031-03-07T08:00:00-08:00"),
        ("2031-03-10T07:00:00-07:00", "2031-03-10T08:00:00-07:00"),
        ("2031-03-12T07:00:00-07:00", "2031-03-12T08:00:00-07:00"),
        ("2031-03-14T07:00:00-07:00", "2031-03-14T08:00:00-07:00"),
    ]
    assert {e["series_id"] for e in body["events"]} == {body["series_id"]}
    listed = await client.get(
        EVENTS, params={"series_id": body["series_id"]}, headers=admin.headers
    )
    assert [e["id"] for e in listed.json()["items"]] == [e["id"] for e in body["events"]]


async def test_an_interval_skips_weeks(client: httpx.AsyncClient, database: Database) -> None:
    admin = await signed_in_as(client, database, Role.admin)

    response = await client.post(
        SERIES,
        json=event_form(**FIRST_CLASS, rrule="FREQ=WEEKLY;INTERVAL=2;COUNT=3"),
        headers=admin.headers,
    )

    assert response.status_code == 201, response.text
    assert [e["start_datetime"][:10] for e in response.json()["events"]] == [
        "2031-03-03",
        "2031-03-17",
        "2031-03-31",
    ]


async def test_a_series_of_200_is_allowed(client: httpx.AsyncClient, database: Database) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None

    response = await client.post(
        SERIES,
        json=event_form(**FIRST_CLASS, weekdays=[1, 2, 3, 4, 5, 6, 7], count=200),
        headers=admin.headers,
    )

    assert response.status_code == 201
    assert response.json()["count"] == 200
    assert await count_events(database, admin.organization) == 200


@pytest.mark.parametrize(
    ("rule", "details"),
    [
        (
            {"weekdays": [1, 2, 3, 4, 5, 6, 7], "until": "2031-12-31"},
            {"series": "A series has at most 200 occurrences"},
        ),
        (
            {"rrule": "FREQ=WEEKLY;BYDAY=MO;COUNT=201"},
            {"series": "A series has at most 200 occurrences"},
        ),
        (
            {"weekdays": [1], "count": 201},
            {"count": "Input should be less than or equal to 200"},
        ),
        ({"rrule": "FREQ=DAILY;COUNT=3"}, {"rrule": "Only FREQ=WEEKLY is supported"}),
        ({"rrule": "FREQ=WEEKLY;BYDAY=MO"}, {"rrule": "Give COUNT or UNTIL: a series must end"}),
        (
            {"rrule": "FREQ=WEEKLY;BYMONTH=3;COUNT=2"},
            {"rrule": "BYMONTH is not supported; use FREQ, BYDAY, INTERVAL, COUNT or UNTIL"},
        ),
        (
            {"rrule": "FREQ=WEEKLY;BYDAY=XX;COUNT=2"},
            {"rrule": "BYDAY takes MO, TU, WE, TH, FR, SA, SU, not 'XX'"},
        ),
        ({"weekdays": [1]}, {"until": "Give until and/or count: a series must end"}),
        ({}, {"series": "Give either rrule or weekdays"}),
        (
            {"rrule": "FREQ=WEEKLY;COUNT=2", "weekdays": [1]},
            {"series": "Give either rrule or weekdays"},
        ),
        ({"weekdays": [8], "count": 2}, {"weekdays.0": "Input should be less than or equal to 7"}),
    ],
)
async def test_an_invalid_series_is_422_and_creates_nothing(
    client: httpx.AsyncClient, database: Database, rule: dict[str, Any], details: dict[str, str]
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None

    response = await client.post(
        SERIES, json=event_form(**FIRST_CLASS, **rule), headers=admin.headers
    )

    assert response.status_code == 422
    assert error_of(response) == invalid(details)
    assert await count_events(database, admin.organization) == 0


async def test_a_customer_cannot_create_a_series(
    client: httpx.AsyncClient, database: Database
) -> None:
    customer = await signed_in_as(client, database, Role.customer)
    assert customer.organization is not None

    response = await client.post(
        SERIES, json=event_form(**FIRST_CLASS, weekdays=[1], count=2), headers=customer.headers
    )

    assert response.status_code == 403
    assert error_of(response) == forbidden("events:write")
    assert await count_events(database, customer.organization) == 0
