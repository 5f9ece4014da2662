"""The claim ledger through the service functions: claim, confirm, release and expiry."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, datetime, time, timedelta

import pytest

import maitred.availability.events  # noqa: F401  (registers the hold-expiry handler)
from maitred.availability import service as availability_service
from maitred.availability.errors import CapacityExceeded
from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from maitred.kit.errors import ValidationFailed
from maitred.kit.worker import Worker
from maitred.tenancy.models import Organization
from tests.availability.given import (
    ZONE,
    add_booking,
    claims_of,
    events_named,
    given_booking,
    given_team,
    next_weekday,
    set_booking_status,
    window_of,
)
from tests.factories import given_organization

HOLD = timedelta(hours=72)


async def claim(
    database: Database,
    organization: Organization,
    booking_id: uuid.UUID,
    day: date,
    at: str = "18:00",
    *,
    guest_count: int = 8,
    hold: timedelta | None = HOLD,
    team_id: uuid.UUID | None = None,
) -> uuid.UUID:
    window = await window_of(database, organization, day, at)
    async with database.transaction() as session:
        return await availability_service.claim(
            session,
            organization_id=organization.id,
            booking_id=booking_id,
            window=window,
            guest_count=guest_count,
            hold_until=utcnow() + hold if hold is not None else None,
            team_id=team_id,
        )


async def confirm(
    database: Database, organization: Organization, booking_id: uuid.UUID, day: date, at: str
) -> uuid.UUID:
    window = await window_of(database, organization, day, at)
    async with database.transaction() as session:
        return await availability_service.confirm(
            session,
            organization_id=organization.id,
            booking_id=booking_id,
            window=window,
            guest_count=8,
        )


async def release(database: Database, organization: Organization, booking_id: uuid.UUID) -> None:
    async with database.transaction() as session:
        await availability_service.release(
            session, organization_id=organization.id, booking_id=booking_id
        )


async def problems(database: Database, organization: Organization) -> list[str]:
    async with database.transaction(write=False) as session:
        return await availability_service.ledger_problems(session, organization_id=organization.id)


async def test_the_only_team_is_promised_once(database: Database) -> None:
    organization = await given_organization(database)
    team = await given_team(database, organization)
    day = next_weekday(3)
    window = await window_of(database, organization, day, "18:00")
    first = await given_booking(database, organization, day)

    assert await claim(database, organization, first, day) == team
    second = uuid.uuid4()

    async def book_second() -> None:
        nonlocal second
        async with database.transaction() as session:
            second = await add_booking(session, organization, window)
            await availability_service.claim(
                session,
                organization_id=organization.id,
                booking_id=second,
                window=window,
                guest_count=8,
                hold_until=None,
            )

    with pytest.raises(CapacityExceeded):
        await book_second()

    assert len(await claims_of(database, first)) == 1
    assert await claims_of(database, second) == []
    assert await problems(database, organization) == []


async def test_a_claim_holds_until_the_hold_ends_and_schedules_its_expiry(
    database: Database,
) -> None:
    organization = await given_organization(database)
    await given_team(database, organization)
    day = next_weekday(3)
    booking = await given_booking(database, organization, day, hold=HOLD)

    await claim(database, organization, booking, day, "18:00")

    [held] = await claims_of(database, booking)
    assert held.released_at is None
    assert held.expires_at is not None
    assert abs(held.expires_at - (utcnow() + HOLD)) < timedelta(seconds=30)
    assert held.day == day
    # The event 18:00-20:00 local, with the default hour of buffer on each side.
    window = await window_of(database, organization, day, "18:00")
    assert (held.starts_at, held.ends_at) == (
        window.starts_at - timedelta(hours=1),
        window.ends_at + timedelta(hours=1),
    )
    assert await events_named(database, "capacity.hold_expired") == [{"booking_id": str(booking)}]


async def test_a_released_team_can_be_promised_again(database: Database) -> None:
    organization = await given_organization(database)
    await given_team(database, organization)
    day = next_weekday(4)
    first = await given_booking(database, organization, day)
    second = await given_booking(database, organization, day)
    await claim(database, organization, first, day)
    await set_booking_status(database, first, "cancelled")

    await release(database, organization, first)
    await claim(database, organization, second, day)

    [released] = await claims_of(database, first)
    assert released.released_at is not None
    assert await events_named(database, "capacity.released") == [
        {"day": day.isoformat(), "booking_id": str(first)}
    ]
    assert await problems(database, organization) == []


async def test_releasing_twice_announces_once(database: Database) -> None:
    organization = await given_organization(database)
    await given_team(database, organization)
    day = next_weekday(4)
    booking = await given_booking(database, organization, day)
    await claim(database, organization, booking, day)

    await release(database, organization, booking)
    await release(database, organization, booking)

    assert len(await events_named(database, "capacity.released")) == 1


async def test_confirming_makes_the_hold_permanent(database: Database) -> None:
    organization = await given_organization(database)
    team = await given_team(database, organization)
    day = next_weekday(5)
    booking = await given_booking(database, organization, day)
    await claim(database, organization, booking, day, "17:00")
    await set_booking_status(database, booking, "confirmed")

    assert await confirm(database, organization, booking, day, "17:00") == team

    [kept] = await claims_of(database, booking)
    assert kept.expires_at is None
    assert kept.released_at is None
    assert await problems(database, organization) == []


async def test_an_expired_hold_frees_the_team_without_any_job(database: Database) -> None:
    organization = await given_organization(database)
    await given_team(database, organization)
    day = next_weekday(5)
    lapsed = await given_booking(database, organization, day, hold=-timedelta(seconds=1))
    other = await given_booking(database, organization, day)
    await claim(database, organization, lapsed, day, hold=-timedelta(seconds=1))

    await claim(database, organization, other, day)

    [expired] = await claims_of(database, lapsed)
    assert expired.released_at is None  # nobody tidied up yet; it simply no longer counts
    with pytest.raises(CapacityExceeded):
        await confirm(database, organization, lapsed, day, "18:00")
    assert await problems(database, organization) == []


async def test_confirming_a_lapsed_hold_claims_again_when_free(database: Database) -> None:
    organization = await given_organization(database)
    team = await given_team(database, organization)
    day = next_weekday(5)
    booking = await given_booking(database, organization, day)
    await claim(database, organization, booking, day, hold=-timedelta(seconds=1))
    await set_booking_status(database, booking, "confirmed")

    assert await confirm(database, organization, booking, day, "18:00") == team

    lapsed, renewed = await claims_of(database, booking)
    assert lapsed.released_at is not None
    assert (renewed.released_at, renewed.expires_at) == (None, None)
    assert await problems(database, organization) == []


async def test_the_worker_releases_a_hold_when_it_runs_out(database: Database) -> None:
    organization = await given_organization(database)
    await given_team(database, organization)
    day = next_weekday(6)
    booking = await given_booking(database, organization, day)
    await claim(database, organization, booking, day, hold=timedelta(milliseconds=300))
    await set_booking_status(database, booking, "cancelled")
    worker = Worker(database)

    assert await worker.run_once() == 0  # not due yet
    await asyncio.sleep(0.4)
    assert await worker.run_once() == 1

    [released] = await claims_of(database, booking)
    assert released.released_at is not None
    assert await events_named(database, "capacity.released") == [
        {"day": day.isoformat(), "booking_id": str(booking)}
    ]
    assert await problems(database, organization) == []


async def test_the_expiry_job_leaves_a_confirmed_booking_alone(database: Database) -> None:
    organization = await given_organization(database)
    await given_team(database, organization)
    day = next_weekday(6)
    booking = await given_booking(database, organization, day)
    await claim(database, organization, booking, day, "19:00", hold=timedelta(milliseconds=300))
    await set_booking_status(database, booking, "confirmed")
    await confirm(database, organization, booking, day, "19:00")

    await asyncio.sleep(0.4)
    assert await Worker(database).run_once() == 1

    [kept] = await claims_of(database, booking)
    assert (kept.released_at, kept.expires_at) == (None, None)
    assert await events_named(database, "capacity.released") == []


async def test_rescheduling_moves_the_claim_in_one_step(database: Database) -> None:
    organization = await given_organization(database)
    team = await given_team(database, organization)
    day = next_weekday(7)
    later = day + timedelta(days=1)
    booking = await given_booking(database, organization, day)
    await claim(database, organization, booking, day)

    assert await claim(database, organization, booking, later, "19:00") == team

    old, new = await claims_of(database, booking)
    assert old.released_at is not None
    assert (new.day, new.released_at) == (later, None)
    assert await events_named(database, "capacity.released") == [
        {"day": day.isoformat(), "booking_id": str(booking)}
    ]


async def test_a_failed_reschedule_keeps_the_old_claim(database: Database) -> None:
    organization = await given_organization(database)
    await given_team(database, organization)
    day = next_weekday(7)
    other_day = day + timedelta(days=1)
    booking = await given_booking(database, organization, day)
    blocker = await given_booking(database, organization, other_day)
    await claim(database, organization, booking, day)
    await claim(database, organization, blocker, other_day)

    async with database.transaction() as session:
        window = await availability_service.window(
            session, organization_id=organization.id, event_date=other_day, event_time=time(18)
        )
        with pytest.raises(CapacityExceeded):
            await availability_service.claim(
                session,
                organization_id=organization.id,
                booking_id=booking,
                window=window,
                guest_count=8,
                hold_until=None,
            )
    # The transaction went on and committed: the failed claim changed nothing.

    [kept] = await claims_of(database, booking)
    assert kept.released_at is None
    assert kept.day == day


async def test_a_large_party_takes_several_teams(database: Database) -> None:
    organization = await given_organization(
        database, settings={"availability": {"max_guests_per_team": 20}}
    )
    teams = {await given_team(database, organization, f"Team {n}") for n in range(3)}
    day = next_weekday(3)
    big = await given_booking(database, organization, day, guest_count=35)
    small = await given_booking(database, organization, day, guest_count=10)

    await claim(database, organization, big, day, guest_count=35)
    with pytest.raises(CapacityExceeded):
        await claim(database, organization, small, day, guest_count=21)
    await claim(database, organization, small, day, guest_count=10)

    assert {c.team_id for c in await claims_of(database, big)} | {
        c.team_id for c in await claims_of(database, small)
    } == teams
    assert await problems(database, organization) == []


async def test_a_forced_team_is_taken_or_refused(database: Database) -> None:
    organization = await given_organization(database)
    await given_team(database, organization, "Alpha")
    beta = await given_team(database, organization, "Beta")
    day = next_weekday(3)
    first = await given_booking(database, organization, day)
    second = await given_booking(database, organization, day)

    assert await claim(database, organization, first, day, team_id=beta) == beta
    with pytest.raises(CapacityExceeded):
        await claim(database, organization, second, day, team_id=beta)
    with pytest.raises(ValidationFailed) as unknown:
        await claim(database, organization, second, day, team_id=uuid.uuid4())

    assert unknown.value.details == {"chef_team_id": "No such active chef team"}
    assert await claims_of(database, second) == []


async def test_the_ledger_check_finds_what_is_wrong(database: Database) -> None:
    organization = await given_organization(database)
    team = await given_team(database, organization)
    day = next_weekday(4)
    kept_after_cancel = await given_booking(database, organization, day)
    without_team = await given_booking(database, organization, day + timedelta(days=1))
    await set_booking_status(database, without_team, "confirmed")
    await claim(database, organization, kept_after_cancel, day)
    await set_booking_status(database, kept_after_cancel, "cancelled")

    found = await problems(database, organization)

    assert found == [
        f"booking {kept_after_cancel} is cancelled but holds team {team}",
        f"booking {without_team} is confirmed but holds no team",
    ]


async def test_bookable_dates_follow_the_calendar(database: Database) -> None:
    organization = await given_organization(
        database,
        settings={
            "availability": {
                "blackout_dates": [next_weekday(5).isoformat()],
                "service_area": ["Folsom", "95630"],
                "horizon_days": 30,
            }
        },
    )

    async def details(
        day: date, at: time | None, *, public: bool, city: str | None = None
    ) -> object:
        async with database.transaction(write=False) as session:
            try:
                await availability_service.check_bookable(
                    session,
                    organization_id=organization.id,
                    event_date=day,
                    event_time=at,
                    city=city,
                    zip_code=None,
                    public=public,
                )
            except ValidationFailed as exc:
                return exc.details
        return None

    assert await details(next_weekday(3), time(18), public=True, city="Folsom") is None
    assert await details(next_weekday(1), time(18), public=False) == {
        "event_date": "We are closed on Mondays"
    }
    assert await details(next_weekday(5), None, public=False) == {
        "event_date": "We are not taking bookings on this date"
    }
    assert await details(next_weekday(3, after_days=40), None, public=False) == {
        "event_date": "Bookings are taken at most 30 days ahead"
    }
    assert await details(next_weekday(3, after_days=-9), None, public=False) == {
        "event_date": "This date has passed"
    }
    assert await details(next_weekday(3), time(18, 30), public=True, city="Reno") == {
        "event_time": "Choose one of 17:00, 18:00, 19:00",
        "location": "We do not serve this location",
    }
    assert await details(next_weekday(3), time(18, 30), public=False, city="Reno") is None


async def test_customers_must_book_with_notice_staff_need_not(database: Database) -> None:
    soon = datetime.now(ZONE).replace(second=0, microsecond=0) + timedelta(hours=3)
    organization = await given_organization(
        database,
        settings={"availability": {"closed_weekdays": [], "slot_times": [soon.strftime("%H:%M")]}},
    )

    async def check(*, public: bool) -> None:
        async with database.transaction(write=False) as session:
            await availability_service.check_bookable(
                session,
                organization_id=organization.id,
                event_date=soon.date(),
                event_time=soon.time(),
                city=None,
                zip_code=None,
                public=public,
            )

    await check(public=False)
    with pytest.raises(ValidationFailed) as refused:
        await check(public=True)
    assert refused.value.details == {"event_date": "Book at least 24 hours ahead"}
