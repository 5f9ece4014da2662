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


async def test_a_monthly_series_on_the_first_saturday_keeps_its_local_time(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)

    response = await client.post(
        SERIES,
        json=event_form(
            start_datetime="2031-02-01T18:00:00",
            end_datetime="2031-02-01T21:00:00",
            rrule="FREQ=MONTHLY;BYDAY=1SA;COUNT=4",
        ),
        headers=admin.headers,
    )

    assert response.status_code == 201, response.text
    assert [(e["start_datetime"], e["end_datetime"]) for e in response.json()["events"]] == [
        ("2031-02-01T18:00:00-08:00", "2031-02-01T21:00:00-08:00"),
        ("2031-03-01T18:00:00-08:00", "2031-03-01T21:00:00-08:00"),
        ("2031-04-05T18:00:00-07:00", "2031-04-05T21:00:00-07:00"),
        ("2031-05-03T18:00:00-07:00", "2031-05-03T21:00:00-07:00"),
    ]


async def test_the_last_friday_of_each_month(client: httpx.AsyncClient, database: Database) -> None:
    admin = await signed_in_as(client, database, Role.admin)

    response = await client.post(
        SERIES,
        json=event_form(**FIRST_CLASS, rrule="RRULE:FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20310601"),
        headers=admin.headers,
    )

    assert response.status_code == 201, response.text
    assert [e["start_datetime"] for e in response.json()["events"]] == [
        "2031-03-28T07:00:00-07:00",
        "2031-04-25T07:00:00-07:00",
        "2031-05-30T07:00:00-07:00",
    ]


@pytest.mark.parametrize(
    "left_out",
    [
        "EXDATE:20310310T070000",
        "EXDATE;VALUE=DATE:20310310",
        "EXDATE:20310310T140000Z",
        "EXDATE;TZID=America/New_York:20310310T100000",
        "EXDATE:20310310T070000,20310401",
    ],
)
async def test_an_exdate_leaves_one_occurrence_out(
    client: httpx.AsyncClient, database: Database, left_out: str
) -> None:
    """The Monday after the DST change is a holiday, however the EXDATE names it."""
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None

    response = await client.post(
        SERIES,
        json=event_form(
            **FIRST_CLASS, rrule=f"RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=6\n{left_out}"
        ),
        headers=admin.headers,
    )

    assert response.status_code == 201, response.text
    assert response.json()["count"] == 5
    assert [e["start_datetime"] for e in response.json()["events"]] == [
        "2031-03-03T07:00:00-08:00",
        "2031-03-05T07:00:00-08:00",
        "2031-03-07T07:00:00-08:00",
        "2031-03-12T07:00:00-07:00",
        "2031-03-14T07:00:00-07:00",
    ]
    assert await count_events(database, admin.organization) == 5


async def test_an_rdate_adds_an_occurrence_at_the_series_time(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)

    response = await client.post(
        SERIES,
        json=event_form(
            **FIRST_CLASS, rrule="RRULE:FREQ=WEEKLY;COUNT=2\nRDATE;VALUE=DATE:20310308"
        ),
        headers=admin.headers,
    )

    assert response.status_code == 201, response.text
    assert [e["start_datetime"] for e in response.json()["events"]] == [
        "2031-03-03T07:00:00-08:00",
        "2031-03-08T07:00:00-08:00",
        "2031-03-10T07:00:00-07:00",
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
        (
            {"rrule": "FREQ=YEARLY;UNTIL=20991231"},
            {"series": "A series ends within 20 years of its first occurrence"},
        ),
        (
            # Matches no day at all: dateutil alone would search on to the year 9999.
            {"rrule": "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;COUNT=1"},
            {"series": "A series ends within 20 years of its first occurrence"},
        ),
        (
            {"rrule": "FREQ=HOURLY;COUNT=3"},
            {"rrule": "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY: a series repeats a day"},
        ),
        (
            {"rrule": "FREQ=DAILY;BYHOUR=9;COUNT=3"},
            {"rrule": "BYHOUR is not supported: the time of day is start_datetime's"},
        ),
        ({"rrule": "FREQ=WEEKLY;BYDAY=MO"}, {"rrule": "Give COUNT or UNTIL: a series must end"}),
        (
            {"rrule": "FREQ=WEEKLY;BYDAY=XX;COUNT=2"},
            {"rrule": "Not a valid RFC 5545 rule: invalid 'BYDAY': XX"},
        ),
        (
            {"rrule": "FREQ=MONTHLY;BYSETPOS=0;BYDAY=SA;COUNT=2"},
            {
                "rrule": "Not a valid RFC 5545 rule: "
                "bysetpos must be between 1 and 366, or between -366 and -1"
            },
        ),
        ({"rrule": "FREQ=WEEKLY;COUNT"}, {"rrule": "'COUNT' is not NAME=VALUE"}),
        (
            {"rrule": "FREQ=DAILY;INTERVAL=0;COUNT=2"},
            {"rrule": "INTERVAL must be a positive whole number"},
        ),
        (
            {"rrule": "DTSTART:20310303T070000\nRRULE:FREQ=DAILY;COUNT=2"},
            {"rrule": "Leave DTSTART out: start_datetime is the first occurrence"},
        ),
        (
            {"rrule": "RRULE:FREQ=DAILY;COUNT=2\nEXDATE:20310304T7"},
            {
                "rrule": "'20310304T7' is not a date (20310331) or a time "
                "(20310331T070000, or Z for UTC)"
            },
        ),
        (
            {"rrule": "RRULE:FREQ=DAILY;COUNT=2\nVEVENT:1"},
            {"rrule": "VEVENT is not supported; use RRULE, RDATE, EXDATE or EXRULE"},
        ),
        ({"rrule": "EXDATE:20310304"}, {"rrule": "Give an RRULE"}),
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
