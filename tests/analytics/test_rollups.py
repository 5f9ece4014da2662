"""The booking rollups stay exact: after bookings made, paid, refunded, cancelled, moved and
changed (guests, menu, event type, place, team) through the API, some of it at the same time and
delivered by two workers at once, every rollup row equals the full aggregation over the
bookings: the day figures, popular times, cities, lead times, customers' first bookings and the
new, returning and active customers; a cancelled booking's kept deposit shows as recognised
revenue there."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import astuple
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.analytics import (
    cash_days,
    customer_firsts,
    customer_spans,
    day_tallies,
    rollup_folds,
    rollups,
    sources,
    span_pieces,
)
from maitred.analytics.models import CustomerSpanFigures, CustomerYear
from maitred.analytics.periods import GroupBy, Period
from maitred.analytics.totals import Totals, fold
from maitred.bookings.figures_repository import BookingFigures, DayRow
from maitred.bookings.models import Booking
from maitred.kit.clock import local_days, utcnow
from maitred.kit.db import Database
from maitred.kit.outbox import OutboxDelivery
from maitred.kit.worker import Worker, WorkerOptions
from maitred.payments.repository import PaymentRepository, RefundRepository
from maitred.tenancy.snapshots import local_frame
from tests.bookings.given import book_one, given_book, given_customer, saturday, seed_001_form
from tests.factories import deliver_everything, signed_in_as
from tests.payments.calls import pay, refund


async def _both(
    database: Database, organization_id: uuid.UUID
) -> tuple[list[DayRow], list[DayRow]]:
    """The day rows from the rollup and from the bookings, after checking that every other
    rolled-up figure equals its full query too."""
    start, end = utcnow().date() - timedelta(days=7), utcnow().date() + timedelta(days=90)
    async with database.transaction(write=False) as session:
        full = await BookingFigures(session, organization_id).by_day(start, end)
        rolled = await rollups.day_rows(session, organization_id, start, end)
        period = Period(start, end)
        summed = fold(
            await rollups.period_rows(session, organization_id, start, end), period, GroupBy.day
        )
        for group_by in GroupBy:  # folded by the database as by Python, weekdays included
            by_sql = await rollup_folds.folded(session, organization_id, period, group_by)
            by_python = fold(full, period, group_by)
            assert by_sql.totals == by_python.totals
            assert {k: _sums(v) for k, v in by_sql.series.items()} == {
                k: _sums(v) for k, v in by_python.series.items()
            }
        folded = fold(full, period, GroupBy.day)
        folded.totals.by_weekday.clear()
        summed.totals.by_weekday.clear()
        assert summed.totals == folded.totals
        await _same_tallies(session, organization_id, start, end)
    return sorted(rolled, key=astuple), sorted(full, key=astuple)


def _sums(totals: Totals) -> tuple[object, ...]:
    """What the answers read of a bucket of the series."""
    counts = +totals.by_status  # without zero counts
    return (totals.count, totals.guests, totals.recognised_minor, totals.earned_minor, counts)


async def _same_tallies(
    session: AsyncSession, organization_id: uuid.UUID, start: date, end: date
) -> None:
    figures = BookingFigures(session, organization_id)
    zone = (await local_frame(session, organization_id)).zone
    for first, last in ((start, end), (start, start + timedelta(days=30)), (end, end)):
        assert await figures.popular_times(first, last, None) == await day_tallies.popular_times(
            session, organization_id, first, last, limit=1000
        )
        assert await figures.top_cities(first, last, None) == await day_tallies.top_cities(
            session, organization_id, first, last, limit=1000
        )
        assert sorted(await figures.lead_days(first, last, zone)) == sorted(
            await day_tallies.lead_days(session, organization_id, first, last)
        )
        assert await figures.top_customers(first, last, None) == await customer_spans.top_customers(
            session, organization_id, first, last, limit=1000
        )
        since, until = local_days(first, last, zone)
        assert await PaymentRepository(session, organization_id).collected(
            since, until
        ) == await cash_days.collected(session, organization_id, first, last)
        assert await RefundRepository(session, organization_id).refunded(
            since, until
        ) == await cash_days.refunded(session, organization_id, first, last)
        since = last - timedelta(days=364)
        assert await figures.customers(first, last, since) == await sources.customers(
            session, organization_id, first, last, since, None
        )
    firsts = await session.execute(
        select(Booking.customer_id, func.min(Booking.event_date))
        .where(Booking.organization_id == organization_id, Booking.status != "cancelled")
        .group_by(Booking.customer_id)
    )
    assert sorted((c, d) for c, d in firsts.all()) == sorted(
        await customer_firsts.all_of(session, organization_id)
    )
    await _same_spans(session, organization_id)
    await _same_years(session, organization_id)


async def _same_years(session: AsyncSession, organization_id: uuid.UUID) -> None:
    """Every customer's year rows (first and last day, the day before) equal their bookings'."""
    booked = await session.execute(
        select(Booking.customer_id, Booking.event_date)
        .where(Booking.organization_id == organization_id, Booking.status != "cancelled")
        .distinct()
        .order_by(Booking.customer_id, Booking.event_date)
    )
    expected: dict[tuple[uuid.UUID, date], tuple[date, date, date | None]] = {}
    before: dict[uuid.UUID, date] = {}
    for customer, day in booked.all():
        key = (customer, date(day.year, 1, 1))
        first, _, previous = expected.get(key, (day, day, before.get(customer)))
        expected[key] = (first, day, previous)
        before[customer] = day
    y = CustomerYear
    kept = await session.execute(
        select(y.customer_id, y.year_start, y.first_day, y.last_day, y.previous_day).where(
            y.organization_id == organization_id
        )
    )
    assert {(c, s): (f, la, p) for c, s, f, la, p in kept.all()} == expected


async def _same_spans(session: AsyncSession, organization_id: uuid.UUID) -> None:
    """Every customer's day, month and year sums (calendar years and years from April, July
    and October) equal their bookings', summed here."""
    figures = BookingFigures(session, organization_id)
    everyone = await figures.customers_of(date(2000, 1, 1), date(2100, 12, 31))
    expected: dict[tuple[uuid.UUID, str, date], list[int]] = {}
    for day in sorted({r.day for r in await figures.by_day(date(2000, 1, 1), date(2100, 1, 1))}):
        for customer, n, cents in await figures.customers_of(day, day):
            spans = [("d", day), ("m", day.replace(day=1)), ("y", date(day.year, 1, 1))]
            for span, month in (("a", 4), ("j", 7), ("o", 10)):  # years from Apr, Jul, Oct 1
                spans.append((span, date(day.year - (day.month < month), month, 1)))
            for span, start in spans:
                sums = expected.setdefault((customer, span, start), [0, 0])
                sums[0] += n
                sums[1] += cents
    assert sum(n for _, n, _ in everyone) == sum(v[0] for k, v in expected.items() if k[1] == "y")
    s = CustomerSpanFigures
    kept = await session.execute(
        select(s.customer_id, s.span, s.start, s.count, s.amount_minor).where(
            s.organization_id == organization_id
        )
    )
    assert {(c, span, start): [n, a] for c, span, start, n, a in kept.all()} == expected


async def _patch(
    client: httpx.AsyncClient, headers: dict[str, str], booking: dict[str, Any], **changes: Any
) -> None:
    response = await client.patch(
        f"/api/v1/bookings/{booking['id']}", json=changes, headers=headers
    )
    assert response.status_code == 200, response.text


async def test_the_rollup_equals_the_full_aggregation_after_concurrent_changes(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database, teams=6)
    customer = await given_customer(database, book)
    manager = await signed_in_as(client, database, "manager", book.organization)
    first, second, moved_to = saturday(3), saturday(4), saturday(6)

    def form(day: date, **changes: Any) -> dict[str, Any]:
        return seed_001_form(customer, book, event_date=day.isoformat(), **changes)

    a = await book_one(client, manager, form(first))
    b = await book_one(client, manager, form(first, event_type="wedding", guest_count=40))
    c = await book_one(client, manager, form(first, status="pending"))
    d = await book_one(client, manager, form(second, event_type="corporate"))
    paid = await pay(client, manager, a["id"], 200)
    await pay(client, manager, c["id"], 100)
    await deliver_everything(database)

    payment_id = paid.get("payment_id") or paid.get("id")
    await asyncio.gather(
        _patch(client, manager.headers, c, status="cancelled"),  # keeps its deposit
        _patch(client, manager.headers, d, event_date=moved_to.isoformat()),
        refund(client, manager, str(payment_id), 50),
        pay(client, manager, b["id"], 300),
        book_one(client, manager, form(first, event_type="corporate")),
        book_one(client, manager, form(second, guest_count=12)),
    )
    await asyncio.gather(deliver_everything(database), deliver_everything(database))

    rolled, full = await _both(database, book.organization.id)
    assert rolled == full
    days = {row.day for row in full}
    assert days == {first, second, moved_to}
    [kept] = [r for r in full if r.day == first and r.status == "cancelled"]
    assert (kept.count, kept.recognised_minor) == (1, 10000)  # the 100.00 deposit kept

    async with database.transaction() as session:  # a rebuild (after an import) agrees
        assert await rollups.rebuild(session, book.organization.id) == 3
        assert await cash_days.rebuild(session, book.organization.id) == 1  # paid today
    assert await _both(database, book.organization.id) == (full, full)


async def test_changes_by_patch_reach_the_rollups_even_at_the_same_time(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database, teams=6)
    jane = await given_customer(database, book)
    omar = await given_customer(database, book, "Omar Diaz", "omar@example.com", "+19165550102")
    manager = await signed_in_as(client, database, "manager", book.organization)
    early, late = saturday(2), saturday(5)

    def form(customer: uuid.UUID, day: date, **changes: Any) -> dict[str, Any]:
        return seed_001_form(customer, book, event_date=day.isoformat(), **changes)

    bigger = await book_one(client, manager, form(jane, late))
    retyped = await book_one(client, manager, form(jane, late, event_time="12:00"))
    moved_place = await book_one(client, manager, form(omar, late))
    other_team = await book_one(client, manager, form(omar, late, guest_count=10))
    first_of_omar = await book_one(client, manager, form(omar, early))
    await deliver_everything(database)
    free_team = str(book.teams[-1])
    await asyncio.gather(
        _patch(client, manager.headers, bigger, guest_count=60),  # priced again
        _patch(client, manager.headers, retyped, event_type="wedding"),
        _patch(client, manager.headers, moved_place, location="9 Oak Ave, Pasadena, CA 91101"),
        _patch(client, manager.headers, other_team, chef_team_id=free_team),
        _patch(client, manager.headers, first_of_omar, status="cancelled"),  # Omar's first moves
    )
    await asyncio.gather(deliver_everything(database), deliver_everything(database))

    rolled, full = await _both(database, book.organization.id)
    assert rolled == full
    [wedding] = [r for r in full if r.event_type == "wedding"]
    assert (wedding.day, wedding.count) == (late, 1)
    assert sum(r.guests for r in full if r.day == late) == 60 + 25 + 25 + 10
    async with database.transaction(write=False) as session:
        cities = await day_tallies.top_cities(session, book.organization.id, late, late)
        assert dict(cities) == {"Los Angeles": 3, "Pasadena": 1}
        firsts = dict(await customer_firsts.all_of(session, book.organization.id))
        assert firsts == {jane: late, omar: late}


async def test_a_customer_merge_moves_their_figures_to_the_survivor(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database, teams=6)
    jane = await given_customer(database, book)
    twin = await given_customer(database, book, "Jane S.", "jane.s@example.com", "+19165550103")
    manager = await signed_in_as(client, database, "manager", book.organization)
    early, late = saturday(2), saturday(5)
    for customer, day in ((jane, late), (twin, early), (twin, late)):
        form = seed_001_form(customer, book, event_date=day.isoformat())
        await book_one(client, manager, form)
    await deliver_everything(database)

    response = await client.post(
        f"/api/v1/customers/{twin}/merge", json={"into": str(jane)}, headers=manager.headers
    )
    assert response.status_code == 200, response.text
    await deliver_everything(database)

    rolled, full = await _both(database, book.organization.id)  # customers' counts included
    assert rolled == full
    async with database.transaction(write=False) as session:
        firsts = dict(await customer_firsts.all_of(session, book.organization.id))
        assert firsts == {jane: early}  # the twin's earlier booking is Jane's now
        best = await customer_spans.top_customers(session, book.organization.id, early, late)
        assert [(c, n) for c, n, _ in best] == [(jane, 3)]


async def test_the_best_customers_of_any_period_are_exact_whichever_spans_it_is_cut_into(
    client: httpx.AsyncClient, database: Database
) -> None:
    """Bookings over months and a new year, of customers spending differently: for periods
    cut into years, months and days, added and taken, the best customers read from the spans
    (among one or two candidates per span on PostgreSQL, of the big span and everyone at the
    edges on SQLite, or all when those cannot be the best) equal the full query's, ties and
    the customers left out included; so do the customers with a booking, read by year parts
    across a year's edge or by day inside one."""
    book = await given_book(database, teams=6)
    manager = await signed_in_as(client, database, "manager", book.organization)
    names = ("Ann Lee", "Bo Chan", "Cy Diaz", "Di Park")
    customers = [
        await given_customer(database, book, name, f"c{i}@example.com", f"+1916555011{i}")
        for i, name in enumerate(names)
    ]
    plan = [(0, 2, 40), (1, 2, 10), (1, 3, 20), (2, 5, 30), (0, 7, 10), (3, 8, 50), (2, 9, 25)]
    plan += [(3, 12, 10), (1, 14, 45), (0, 16, 20), (2, 16, 20)]
    booked = []
    for who, weeks, guests in plan:
        form = seed_001_form(
            customers[who], book, event_date=saturday(weeks).isoformat(), guest_count=guests
        )
        booked.append(await book_one(client, manager, form))
    await _patch(client, manager.headers, booked[5], status="cancelled")
    await deliver_everything(database)

    days = [saturday(w) for w in (2, 3, 5, 7, 8, 9, 12, 14, 16)]
    edges = sorted({*days, *(d.replace(day=1) for d in days), date(days[-1].year, 1, 1)})
    edges += [d - timedelta(days=1) for d in edges] + [days[0] - timedelta(days=400)]
    periods = [(a, b) for a in edges for b in edges if a <= b][::7]
    years = {d.year for d in days}  # a year up to a day, and whole years: one or two spans
    periods += [(d - timedelta(days=n), d + timedelta(days=364 - n)) for d in days for n in (3, 40)]
    periods += [(date(y, 1, 1), date(y, 12, 31)) for y in years]
    org = book.organization.id
    async with database.transaction(write=False) as session:
        figures = BookingFigures(session, org)
        for start, end in periods:
            for limit, first in ((1, 1), (2, 2), (10, None)):
                assert await customer_spans.top_customers(
                    session, org, start, end, limit=limit, first=first
                ) == await figures.top_customers(start, end, limit), (start, end, limit)
            # The customers with a booking, read by year or by day: as many as the bookings'.
            booked = await figures.customers(start, end, start)
            assert booked.active == await customer_firsts.booked_between(session, org, start, end)
            assert booked == await sources.customers(session, org, start, end, start, None)
        await _same_spans(session, org)
        await _same_years(session, org)


def test_a_period_is_cut_into_spans_covering_each_of_its_days_once() -> None:
    """Whatever the period, its signed spans add every day of it once and no other day; so
    do those around a year starting in April, July or October."""
    start = date(2025, 11, 20)
    for length in (*range(0, 70, 3), 300, 364, 365, 366, 400, 800):
        for shift in range(0, 400, 37):
            first = start + timedelta(days=shift)
            last = first + timedelta(days=length)
            for cut in (
                span_pieces.pieces(first, last),
                span_pieces.around_shifted_year(first, last),
            ):
                covered: dict[date, int] = {}
                for piece in cut:
                    for day in _days_of(piece):
                        covered[day] = covered.get(day, 0) + piece.sign
                assert {d for d, n in covered.items() if n} == {
                    first + timedelta(days=i) for i in range(length + 1)
                }
                assert all(n in (0, 1) for n in covered.values())


def _days_of(piece: span_pieces.Piece) -> list[date]:
    """The days the spans of `piece` hold."""
    found, day = [], piece.first
    while day <= piece.last:
        if piece.span == "d":
            found.append(day)
            day += timedelta(days=1)
            continue
        if piece.span in ("y", "a", "j", "o"):  # a calendar year, or one from Apr, Jul, Oct
            end = date(day.year + 1, day.month, 1)
        else:
            end = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
        found += [day + timedelta(days=i) for i in range((end - day).days)]
        day = end
    return found


async def test_an_erasure_leaves_the_rollups_exact_without_a_rebuild(
    client: httpx.AsyncClient, database: Database
) -> None:
    """An erasure keeps the bookings' dates, amounts and city and the customer's id, all the
    rollups hold: they still equal the bookings, and the customers' figures are the same but
    for the name."""
    book = await given_book(database, teams=6)
    jane = await given_customer(database, book)
    omar = await given_customer(database, book, "Omar Diaz", "omar@example.com", "+19165550102")
    manager = await signed_in_as(client, database, "manager", book.organization)
    early, late = saturday(2), saturday(5)
    for customer, day in ((jane, early), (jane, late), (omar, late)):
        await book_one(client, manager, seed_001_form(customer, book, event_date=day.isoformat()))
    await deliver_everything(database)
    url = f"/api/v1/analytics/customers?start_date={early}&end_date={late}"
    before = (await client.get(url, headers=manager.headers)).json()

    erased = await client.delete(f"/api/v1/customers/{jane}", headers=manager.headers)
    assert erased.status_code == 204, erased.text
    await deliver_everything(database)

    rolled, full = await _both(database, book.organization.id)
    assert rolled == full
    after = (await client.get(url, headers=manager.headers)).json()
    assert [c["name"] for c in after["top_customers"]] == ["Erased customer", "Omar Diaz"]
    for answer in (before, after):
        for best in answer["top_customers"]:
            best.pop("name")
    assert after == before
    assert [c["bookings"] for c in after["top_customers"]] == [2, 1]


async def test_a_change_of_time_zone_moves_the_rollups_to_the_new_local_days(
    client: httpx.AsyncClient, database: Database
) -> None:
    """Cash counts on the local day it was paid. When the zone moves from Pago Pago (UTC-11) to
    Kiritimati (UTC+14), every instant falls on another local date; the worker recomputes the
    organization's rollups, so each local day's cash equals its payments in the new zone."""
    book = await given_book(database, teams=6)
    jane = await given_customer(database, book)
    manager = await signed_in_as(client, database, "manager", book.organization)
    admin = await signed_in_as(client, database, "admin", book.organization)
    path = f"/api/v1/organizations/{book.organization.id}"
    moved = await client.patch(path, json={"timezone": "Pacific/Pago_Pago"}, headers=admin.headers)
    assert moved.status_code == 200, moved.text
    form = seed_001_form(jane, book, event_date=saturday(3).isoformat())
    await pay(client, manager, (await book_one(client, manager, form))["id"], 200)
    await deliver_everything(database)

    moved = await client.patch(path, json={"timezone": "Pacific/Kiritimati"}, headers=admin.headers)
    assert moved.status_code == 200, moved.text
    await deliver_everything(database)

    org = book.organization.id
    async with database.transaction(write=False) as session:
        zone = (await local_frame(session, org)).zone
        today = utcnow().astimezone(ZoneInfo(zone)).date()
        assert await cash_days.collected(session, org, today, today)  # paid today, there
        for day in (today - timedelta(days=2), today - timedelta(days=1), today):
            since, until = local_days(day, day, zone)
            assert await PaymentRepository(session, org).collected(
                since, until
            ) == await cash_days.collected(session, org, day, day)
    rolled, full = await _both(database, org)
    assert rolled == full


async def test_a_batch_of_bookings_of_two_businesses_over_several_days_moves_the_rollups_exactly(
    client: httpx.AsyncClient, database: Database
) -> None:
    """The worker reconciles a batch's bookings together (one upsert per rollup for all): with
    two businesses' bookings over several days, some cancelled or moved before the worker came
    by (so a booking is named twice in the batch), every rollup equals each business's full
    aggregation, as when each booking was reconciled alone."""
    first, second, third = saturday(2), saturday(3), saturday(5)
    expected_days = {}
    for name in ("Hibachi at Home", "Grill on Wheels"):
        book = await given_book(database, teams=6, name=name)
        jane = await given_customer(database, book)
        omar = await given_customer(database, book, "Omar Diaz", "omar@example.com", "+19165550102")
        manager = await signed_in_as(client, database, "manager", book.organization)

        def form(customer: uuid.UUID, day: date, book: Any = book, **changes: Any) -> dict:
            return seed_001_form(customer, book, event_date=day.isoformat(), **changes)

        await book_one(client, manager, form(jane, first))
        await book_one(client, manager, form(omar, first, event_type="wedding", guest_count=40))
        cancelled = await book_one(client, manager, form(omar, second))
        moved = await book_one(client, manager, form(jane, second, event_time="12:00"))
        await _patch(client, manager.headers, cancelled, status="cancelled")
        await _patch(client, manager.headers, moved, event_date=third.isoformat())
        expected_days[book.organization.id] = {first, second, third}

    worker = Worker(database, WorkerOptions(batch_size=1000, batch_seconds=60.0))
    claimed = await worker.claim()
    async with database.transaction(write=False) as session:
        rollup_deliveries = await session.scalar(
            select(func.count())
            .select_from(OutboxDelivery)
            .where(
                OutboxDelivery.handler == "analytics.rollups.booking_days",
                OutboxDelivery.id.in_(claimed),
            )
        )
    assert rollup_deliveries == 12  # 8 created, 2 cancelled, 2 moved: all in the one batch
    await worker.deliver_batch(claimed)
    assert worker.failed == 0
    await deliver_everything(database)

    for organization_id, days in expected_days.items():
        rolled, full = await _both(database, organization_id)
        assert rolled == full
        assert {row.day for row in full} == days
        [wedding] = [r for r in full if r.event_type == "wedding"]
        assert (wedding.day, wedding.count, wedding.guests) == (first, 1, 40)
        assert [r.count for r in full if r.status == "cancelled"] == [1]
