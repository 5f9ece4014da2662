"""GET /availability and GET /public/availability: seed 000's answer of free slots."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import httpx

from maitred.availability import service as availability_service
from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from maitred.kit.roles import Role
from maitred.tenancy.models import Organization
from tests.availability.given import (
    given_booking,
    given_team,
    local_today,
    next_weekday,
    window_of,
)
from tests.factories import Actor, given_organization, signed_in_as
from tests.probe_router import error_of

AVAILABILITY = "/api/v1/availability"
SEED_000_PRICING = {"price_per_adult": 45, "deposit_percent": 0.25}
EVENING = ["17:00", "18:00", "19:00"]


def free(capacity: int, times: list[str] = EVENING) -> list[dict[str, Any]]:
    return [{"time": t, "capacity": capacity, "available": capacity > 0} for t in times]


async def given_staff(
    client: httpx.AsyncClient, database: Database, settings: dict[str, Any] | None = None
) -> tuple[Actor, Organization]:
    organization = await given_organization(database, settings=settings)
    return await signed_in_as(client, database, Role.staff, organization), organization


async def taken(
    database: Database,
    organization: Organization,
    day: date,
    at: str = "18:00",
    *,
    guest_count: int = 8,
    hold: timedelta = timedelta(hours=72),
) -> uuid.UUID:
    """A pending booking holding its team(s) at `day` `at`."""
    booking = await given_booking(database, organization, day, at, guest_count=guest_count)
    window = await window_of(database, organization, day, at)
    async with database.transaction() as session:
        await availability_service.claim(
            session,
            organization_id=organization.id,
            booking_id=booking,
            window=window,
            guest_count=guest_count,
            hold_until=utcnow() + hold,
        )
    return booking


async def availability(client: httpx.AsyncClient, actor: Actor, **params: Any) -> dict[str, Any]:
    response = await client.get(AVAILABILITY, params=params, headers=actor.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def alternatives(*days: date, slots: list[str] = EVENING) -> list[dict[str, Any]]:
    return [{"date": d.isoformat(), "available_slots": slots} for d in days]


async def test_a_free_date_answers_seed_000s_shape(
    client: httpx.AsyncClient, database: Database
) -> None:
    staff, organization = await given_staff(client, database, {"pricing": SEED_000_PRICING})
    await given_team(database, organization)
    day = next_weekday(2)

    body = await availability(
        client, staff, date=day.isoformat(), guest_count=6, location="Sacramento, CA"
    )

    assert body == {
        "date": day.isoformat(),
        "available": True,
        "reason": None,
        "available_slots": EVENING,
        "slots": free(1),
        "price_estimate": {"base_price": 270.0, "deposit_required": 67.5, "total_estimate": 270.0},
        "alternative_dates": [],
    }


async def test_capacity_is_the_number_of_free_teams(
    client: httpx.AsyncClient, database: Database
) -> None:
    staff, organization = await given_staff(client, database)
    for name in ("Alpha", "Bravo", "Charlie"):
        await given_team(database, organization, name)
    day = next_weekday(3)
    await taken(database, organization, day, "17:00")
    await taken(database, organization, day, "19:00")

    two_taken = await availability(client, staff, date=day.isoformat())
    await taken(database, organization, day, "18:00")
    all_taken = await availability(client, staff, date=day.isoformat())

    assert two_taken["slots"] == free(1)
    assert two_taken["available"] is True
    assert all_taken["slots"] == free(0)
    assert all_taken["available_slots"] == []
    assert (all_taken["available"], all_taken["reason"]) == (False, "Fully booked")
    assert all_taken["price_estimate"] is None
    thursday, friday, saturday = (day + timedelta(days=n) for n in (1, 2, 3))
    assert all_taken["alternative_dates"] == alternatives(thursday, friday, saturday)
    for label in ("17:00", "18:00", "19:00"):
        await taken(database, organization, friday, label)
    friday_taken = await availability(client, staff, date=day.isoformat())
    sunday = day + timedelta(days=4)
    assert friday_taken["alternative_dates"] == alternatives(thursday, saturday, sunday)


async def test_buffers_make_the_neighbouring_slots_busy(
    client: httpx.AsyncClient, database: Database
) -> None:
    times = ["16:00", "17:00", "18:00", "19:00", "20:00"]
    staff, organization = await given_staff(
        client,
        database,
        {"availability": {"slot_times": times, "event_duration_minutes": 60, "buffer_minutes": 30}},
    )
    await given_team(database, organization)
    day = next_weekday(4)
    await taken(database, organization, day, "18:00")

    body = await availability(client, staff, date=day.isoformat())

    # 18:00-19:00 holds the team 17:30-19:30; another event holds it 30 minutes either side.
    assert body["slots"] == [
        {"time": "16:00", "capacity": 1, "available": True},
        {"time": "17:00", "capacity": 0, "available": False},
        {"time": "18:00", "capacity": 0, "available": False},
        {"time": "19:00", "capacity": 0, "available": False},
        {"time": "20:00", "capacity": 1, "available": True},
    ]
    assert body["available_slots"] == ["16:00", "20:00"]


async def test_a_lapsed_hold_does_not_count(client: httpx.AsyncClient, database: Database) -> None:
    staff, organization = await given_staff(client, database)
    await given_team(database, organization)
    day = next_weekday(4)
    await taken(database, organization, day, "18:00", hold=-timedelta(seconds=1))

    body = await availability(client, staff, date=day.isoformat())

    assert body["slots"] == free(1)


async def test_a_team_on_time_off_is_not_offered(
    client: httpx.AsyncClient, database: Database
) -> None:
    staff, organization = await given_staff(client, database)
    day = next_weekday(5)
    off = {"date_from": day.isoformat(), "date_to": (day + timedelta(days=1)).isoformat()}
    await given_team(database, organization, "Only", time_off=[off])

    body = await availability(client, staff, date=day.isoformat())

    assert body["available"] is False
    assert body["reason"] == "No chef team works on this date"
    assert body["slots"] == free(0)
    sunday, tuesday, wednesday = (day + timedelta(days=n) for n in (2, 4, 5))
    assert body["alternative_dates"] == alternatives(sunday, tuesday, wednesday)


async def test_each_team_is_counted_by_its_own_weekdays_and_time_off(
    client: httpx.AsyncClient, database: Database
) -> None:
    staff, organization = await given_staff(client, database)
    day = next_weekday(5)
    off = {"date_from": day.isoformat(), "date_to": day.isoformat()}
    for name in ("Plain", "Plain too"):  # the same weekdays and time off
        await given_team(database, organization, name)
    await given_team(database, organization, "Off", time_off=[off])
    await given_team(database, organization, "Weekends", working_weekdays=[6, 7])
    await given_team(database, organization, "Fridays", working_weekdays=[5], time_off=[])

    body = await availability(client, staff, date=day.isoformat())
    saturday = await availability(client, staff, date=(day + timedelta(days=1)).isoformat())

    assert body["slots"] == free(3)
    assert saturday["slots"] == free(4)


async def test_closed_weekdays_and_blackout_dates_are_not_available(
    client: httpx.AsyncClient, database: Database
) -> None:
    christmas_like = next_weekday(4, after_days=20)
    staff, organization = await given_staff(
        client, database, {"availability": {"blackout_dates": [christmas_like.isoformat()]}}
    )
    await given_team(database, organization)
    monday = next_weekday(1)

    closed = await availability(client, staff, date=monday.isoformat())
    blackout = await availability(client, staff, date=christmas_like.isoformat())

    assert closed == {
        "date": monday.isoformat(),
        "available": False,
        "reason": "We are closed on Mondays",
        "available_slots": [],
        "slots": [],
        "price_estimate": None,
        "alternative_dates": alternatives(*(monday + timedelta(days=n) for n in (1, 2, 3))),
    }
    assert blackout["reason"] == "We are not taking bookings on this date"
    assert blackout["alternative_dates"] == alternatives(
        *(christmas_like + timedelta(days=n) for n in (1, 2, 3))
    )


async def test_short_notice_past_dates_and_the_horizon(
    client: httpx.AsyncClient, database: Database
) -> None:
    staff, organization = await given_staff(
        client,
        database,
        {"availability": {"closed_weekdays": [], "horizon_days": 10, "min_notice_hours": 72}},
    )
    await given_team(database, organization)
    today = local_today()

    yesterday = await availability(client, staff, date=(today - timedelta(days=1)).isoformat())
    tomorrow = await availability(client, staff, date=(today + timedelta(days=1)).isoformat())
    far = await availability(client, staff, date=(today + timedelta(days=11)).isoformat())

    assert yesterday["reason"] == "This date has passed"
    assert tomorrow["reason"] == "Book at least 72 hours ahead"
    assert tomorrow["slots"] == [{**s, "available": False} for s in free(1)]
    assert tomorrow["alternative_dates"][0]["date"] in {
        (today + timedelta(days=n)).isoformat() for n in (3, 4)
    }
    assert far["reason"] == "Bookings are taken at most 10 days ahead"
    assert far["alternative_dates"] == []


async def test_large_parties_need_several_free_teams(
    client: httpx.AsyncClient, database: Database
) -> None:
    staff, organization = await given_staff(
        client, database, {"availability": {"max_guests_per_team": 10}}
    )
    await given_team(database, organization, "Alpha")
    await given_team(database, organization, "Bravo")
    day = next_weekday(6)
    await taken(database, organization, day, guest_count=4)

    small = await availability(client, staff, date=day.isoformat(), guest_count=10)
    large = await availability(client, staff, date=day.isoformat(), guest_count=15)

    assert small["available_slots"] == EVENING
    assert large["slots"] == [{**s, "available": False} for s in free(1)]
    assert large["reason"] == "Fully booked"


async def test_a_run_of_days(client: httpx.AsyncClient, database: Database) -> None:
    staff, organization = await given_staff(client, database, {"pricing": SEED_000_PRICING})
    await given_team(database, organization)
    monday = next_weekday(1)
    await taken(database, organization, monday + timedelta(days=1))

    body = await availability(client, staff, date=monday.isoformat(), days=3, guest_count=8)

    estimate = {"base_price": 360.0, "deposit_required": 90.0, "total_estimate": 360.0}
    assert body == {
        "days": [
            {
                "date": monday.isoformat(),
                "available": False,
                "reason": "We are closed on Mondays",
                "available_slots": [],
                "slots": [],
                "price_estimate": estimate,
            },
            {
                "date": (monday + timedelta(days=1)).isoformat(),
                "available": False,
                "reason": "Fully booked",
                "available_slots": [],
                "slots": free(0),
                "price_estimate": estimate,
            },
            {
                "date": (monday + timedelta(days=2)).isoformat(),
                "available": True,
                "reason": None,
                "available_slots": EVENING,
                "slots": free(1),
                "price_estimate": estimate,
            },
        ]
    }


async def test_outside_the_service_area_nothing_is_available(
    client: httpx.AsyncClient, database: Database
) -> None:
    staff, organization = await given_staff(
        client, database, {"availability": {"service_area": ["Folsom", "95630"]}}
    )
    await given_team(database, organization)
    day = next_weekday(3)

    reno = await availability(client, staff, date=day.isoformat(), location="Reno, NV")
    by_zip = await availability(client, staff, date=day.isoformat(), location="1 Oak St 95630")
    by_city = await availability(client, staff, date=day.isoformat(), location="folsom, CA")

    assert (reno["available"], reno["reason"]) == (False, "We do not serve this location")
    assert reno["alternative_dates"] == []
    assert by_zip["available"] is by_city["available"] is True


async def test_the_public_answer_is_the_same(client: httpx.AsyncClient, database: Database) -> None:
    staff, organization = await given_staff(client, database, {"pricing": SEED_000_PRICING})
    await given_team(database, organization)
    day = next_weekday(3)
    params: dict[str, Any] = {"date": day.isoformat(), "guest_count": 6}

    public = await client.get("/api/v1/public/availability", params=params)
    by_slug = await client.get(
        "/api/v1/public/availability", params=params | {"org": organization.slug}
    )
    staffs = await availability(client, staff, **params)
    await given_organization(database, "Second Grill")
    ambiguous = await client.get("/api/v1/public/availability", params=params)
    unknown = await client.get(
        "/api/v1/public/availability", params=params, headers={"X-Tenant-ID": "no-such-grill"}
    )

    assert public.status_code == 200
    assert public.json() == by_slug.json() == staffs
    assert ambiguous.status_code == 422
    assert unknown.status_code == 404


async def test_bad_questions_are_refused(client: httpx.AsyncClient, database: Database) -> None:
    staff, _organization = await given_staff(client, database)

    bad_date = await client.get(AVAILABILITY, params={"date": "20-02-2030"}, headers=staff.headers)
    no_guests = await client.get(AVAILABILITY, params={"guest_count": 0}, headers=staff.headers)
    too_many_days = await client.get(AVAILABILITY, params={"days": 32}, headers=staff.headers)

    assert [r.status_code for r in (bad_date, no_guests, too_many_days)] == [422] * 3
    assert list(bad_date.json()["details"]) == ["date"]
    assert list(no_guests.json()["details"]) == ["guest_count"]
    assert list(too_many_days.json()["details"]) == ["days"]


async def test_who_may_ask(client: httpx.AsyncClient, database: Database) -> None:
    staff, organization = await given_staff(client, database)
    customer = await signed_in_as(client, database, Role.customer, organization)
    facilitator = await signed_in_as(client, database, Role.facilitator, organization)
    other = await given_organization(database, "Other Grill")
    await given_team(database, other)  # capacity of another business is never counted
    day = next_weekday(3).isoformat()

    signed_out = await client.get(AVAILABILITY, params={"date": day})
    denied = await client.get(AVAILABILITY, params={"date": day}, headers=facilitator.headers)
    as_customer = await client.get(AVAILABILITY, params={"date": day}, headers=customer.headers)
    elsewhere = await client.get(
        AVAILABILITY, params={"date": day}, headers=staff.headers | {"X-Tenant-ID": str(other.id)}
    )

    assert signed_out.status_code == 401
    assert error_of(denied)["message"] == "Requires permission availability:read"
    assert as_customer.status_code == 200
    assert as_customer.json()["reason"] == "No chef team works on this date"
    assert elsewhere.status_code == 404
