"""The figures, composed from the domains' grouped statements: every total comes with the equal
period before it and the change. Python only folds already-aggregated rows (days × statuses ×
event types), never bookings one by one."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.analytics import cash_days, rollup_folds, rollups, sources
from maitred.analytics.periods import GroupBy, Period, change_percent, period_of, trend
from maitred.analytics.totals import WEEKDAYS, Folded, Totals, fold, lead_time
from maitred.bookings import service as bookings_service
from maitred.customers import briefs as customer_briefs
from maitred.kit.errors import ValidationFailed
from maitred.kit.money import from_minor
from maitred.locations import service as locations_service
from maitred.payments import service as payments_service
from maitred.tenancy.snapshots import local_frame

ACTIVE_DAYS = 365  # "active" customers: a booking in the year up to the period's end
METRICS = ("revenue", "bookings", "customers")
Place = uuid.UUID | None  # a location's figures only (bookings of its chef teams and events)


async def organization_context(
    session: AsyncSession, organization_id: uuid.UUID
) -> tuple[date, str, str]:
    """(local today, currency, time zone) of the organization (tenancy/snapshots.local_frame)."""
    frame = await local_frame(session, organization_id)
    return frame.today, frame.currency, frame.zone


async def check_location(
    session: AsyncSession, organization_id: uuid.UUID, location_id: Place
) -> None:
    """Another organization's location reads as unknown (422), as a wrong id would."""
    if location_id is not None:
        await locations_service.check_ours(
            session, organization_id=organization_id, location_id=location_id, field="location_id"
        )


async def _period(
    session: AsyncSession,
    organization_id: uuid.UUID,
    start: date | None,
    end: date | None,
    location_id: Place = None,
) -> tuple[Period, str]:
    frame = await local_frame(session, organization_id)
    await check_location(session, organization_id, location_id)
    return period_of(start, end, frame.today), frame.currency


async def _folded(
    session: AsyncSession,
    organization_id: uuid.UUID,
    period: Period,
    group_by: GroupBy,
    location_id: Place = None,
) -> Folded:
    if location_id is None:
        return await rollup_folds.folded(session, organization_id, period, group_by)
    rows = await sources.day_rows(session, organization_id, period.start, period.end, location_id)
    return fold(rows, period, group_by)


async def _before(
    session: AsyncSession, organization_id: uuid.UUID, period: Period, location_id: Place
) -> Totals:
    """The previous equal period's totals, for the change: without its series or weekdays
    (`by_weekday` stays empty), summed by the database for the whole organization."""
    previous = period.previous()
    if location_id is not None:
        totals = (
            await _folded(session, organization_id, previous, GroupBy.day, location_id)
        ).totals
    else:
        rows = await rollups.period_rows(session, organization_id, previous.start, previous.end)
        totals = fold(rows, previous, GroupBy.day).totals
    totals.by_weekday.clear()
    return totals


async def period_at(
    session: AsyncSession,
    organization_id: uuid.UUID,
    start: date | None,
    end: date | None,
    location_id: Place = None,
) -> tuple[Period, str]:
    """The period asked (location checked) and the organization's currency."""
    return await _period(session, organization_id, start, end, location_id)


async def totals_of(
    session: AsyncSession, organization_id: uuid.UUID, period: Period, location_id: Place = None
) -> Totals:
    if location_id is None:
        folded = rollup_folds.folded(session, organization_id, period, GroupBy.day, series=False)
        return (await folded).totals
    return (await _folded(session, organization_id, period, GroupBy.day, location_id)).totals


def _span(period: Period) -> dict[str, date]:
    return {"from": period.start, "to": period.end}


def _rate(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


async def bookings_report(
    session: AsyncSession,
    organization_id: uuid.UUID,
    *,
    start: date | None,
    end: date | None,
    group_by: GroupBy,
    location_id: Place = None,
) -> dict[str, Any]:
    """Seed 000's booking statistics for events in the period, with the breakdowns and series."""
    period, currency = await _period(session, organization_id, start, end, location_id)
    now = await _folded(session, organization_id, period, group_by, location_id)
    before = await _before(session, organization_id, period, location_id)
    totals = now.totals
    times = await sources.popular_times(
        session, organization_id, period.start, period.end, location_id
    )
    cities = await sources.top_cities(
        session, organization_id, period.start, period.end, location_id
    )
    _, _, zone = await organization_context(session, organization_id)
    lead = await sources.lead_days(
        session, organization_id, period.start, period.end, zone, location_id
    )
    going = totals.count - totals.by_status["cancelled"]
    return {
        "period": _span(period),
        "group_by": group_by,
        "currency": currency,
        "total_bookings": totals.count,
        "confirmed_bookings": totals.went_ahead,
        "pending_bookings": totals.by_status["pending"],
        "cancelled_bookings": totals.by_status["cancelled"],
        "no_show_bookings": totals.by_status["no_show"],
        "total_revenue": totals.revenue,
        "average_booking_value": totals.average_value,
        "average_party_size": round(totals.guests / totals.count, 1) if totals.count else 0.0,
        "cancellation_rate": _rate(totals.by_status["cancelled"], totals.count),
        "no_show_rate": _rate(totals.by_status["no_show"], going),
        "popular_times": [at.strftime("%H:%M") for at, _ in times],
        "popular_days": [
            {"weekday": WEEKDAYS[day], "bookings": n}
            for day, n in sorted(totals.by_weekday.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        "lead_time": lead_time(lead),
        "top_locations": [{"city": city, "count": n} for city, n in cities],
        "by_status": dict(sorted(totals.by_status.items())),
        "by_event_type": dict(sorted(totals.by_type.items())),
        "series": [
            {
                "period": first,
                "bookings": bucket.count,
                "confirmed": bucket.went_ahead,
                "cancelled": bucket.by_status["cancelled"],
                "revenue": bucket.revenue,
            }
            for first, bucket in now.series.items()
        ],
        "previous": {
            "period": _span(period.previous()),
            "total_bookings": before.count,
            "total_revenue": before.revenue,
        },
        "change_percent": {
            "bookings": change_percent(totals.count, before.count),
            "revenue": change_percent(totals.revenue, before.revenue),
        },
    }


async def _collected(
    session: AsyncSession, organization_id: uuid.UUID, period: Period, *, owed: bool = True
) -> dict[str, Any]:
    """`GET /payments/summary`'s figures for the period, the cash read from its day rollup;
    what bookings still owe only with `owed`."""
    by_method = await cash_days.collected(session, organization_id, period.start, period.end)
    refunds, refunded = await cash_days.refunded(session, organization_id, period.start, period.end)
    answer = payments_service.cash_figures(by_method, refunds, refunded)
    if owed:
        due = await bookings_service.outstanding(
            session, organization_id, date_from=period.start, date_to=period.end
        )
        answer |= {"outstanding_balance": due.balances, "deposits_due": due.deposits}
    return answer


async def revenue_report(
    session: AsyncSession,
    organization_id: uuid.UUID,
    *,
    start: date | None,
    end: date | None,
    group_by: GroupBy,
    location_id: Place = None,
) -> dict[str, Any]:
    """Revenue recognised on the event date and cash collected on the payment date, named
    apart: they differ by deposits taken ahead and refunds made after. Payments are the
    organization's: with a location, `collected` and what is due stay organization-wide
    (`collected.scope`)."""
    period, currency = await _period(session, organization_id, start, end, location_id)
    now = await _folded(session, organization_id, period, group_by, location_id)
    before = await _before(session, organization_id, period, location_id)
    cash = await _collected(session, organization_id, period)
    cash_before = await _collected(session, organization_id, period.previous(), owed=False)
    recognised, recognised_before = now.totals.revenue, before.revenue
    return {
        "period": _span(period),
        "group_by": group_by,
        "currency": currency,
        "recognised": {
            "total": recognised,
            "previous": recognised_before,
            "change_percent": change_percent(recognised, recognised_before),
            "trend": trend(recognised, recognised_before),
            "series": [
                {"period": first, "amount": bucket.revenue} for first, bucket in now.series.items()
            ],
        },
        "collected": {
            "scope": "organization",
            "gross": cash["collected"],
            "refunded": cash["refunded"],
            "net": cash["net"],
            "payments": cash["payments"],
            "refunds": cash["refunds"],
            "by_method": cash["by_method"],
            "previous_net": cash_before["net"],
            "change_percent": change_percent(cash["net"], cash_before["net"]),
            "trend": trend(cash["net"], cash_before["net"]),
        },
        "average_booking_value": now.totals.average_value,
        "deposits_outstanding": cash["deposits_due"],
        "balances_due": cash["outstanding_balance"],
    }


async def customers_report(
    session: AsyncSession,
    organization_id: uuid.UUID,
    *,
    start: date | None,
    end: date | None,
    location_id: Place = None,
) -> dict[str, Any]:
    """New (first booking ever in the period), returning and active customers, the repeat
    rate and the period's best customers by recognised revenue. At a location, "first ever"
    means first at that location."""
    period, currency = await _period(session, organization_id, start, end, location_id)
    previous = period.previous()
    now, before = await sources.customers_of(
        session,
        organization_id,
        [(p.start, p.end, p.end - timedelta(days=ACTIVE_DAYS - 1)) for p in (period, previous)],
        location_id,
    )
    best = await sources.top_customers(
        session, organization_id, period.start, period.end, location_id
    )
    names = await customer_briefs.briefs(
        session, organization_id=organization_id, customer_ids=[row[0] for row in best]
    )
    booked = now.new + now.returning
    return {
        "period": _span(period),
        "currency": currency,
        "new": now.new,
        "returning": now.returning,
        "active": now.active,
        "repeat_rate": _rate(now.returning, booked),
        "change_percent": {
            "new": change_percent(now.new, before.new),
            "returning": change_percent(now.returning, before.returning),
        },
        "top_customers": [
            {
                "id": customer_id,
                "name": names[customer_id].name if customer_id in names else "",
                "bookings": count,
                "revenue": from_minor(cents),
            }
            for customer_id, count, cents in best
        ],
    }


def _metrics(metric: str | None) -> tuple[str, ...]:
    if not metric:
        return METRICS
    asked = tuple(part.strip() for part in metric.split(",") if part.strip())
    if not asked or any(m not in METRICS for m in asked):
        raise ValidationFailed(details={"metric": "Choose from " + ", ".join(METRICS)})
    return asked


async def dashboard(
    session: AsyncSession,
    organization_id: uuid.UUID,
    *,
    start: date | None,
    end: date | None,
    metrics: str | None = None,
    location_id: Place = None,
) -> dict[str, Any]:
    """Seed 001's admin analytics: the sections asked for (`metric`, comma-separated; all by
    default), with daily charts."""
    asked = _metrics(metrics)
    period, _ = await _period(session, organization_id, start, end, location_id)
    answer: dict[str, Any] = {"period": _span(period)}
    now = await _folded(session, organization_id, period, GroupBy.day, location_id)
    before = await _before(session, organization_id, period, location_id)
    totals = now.totals
    if "revenue" in asked:
        answer["revenue"] = {
            "total": totals.revenue,
            "change_percent": change_percent(totals.revenue, before.revenue),
            "trend": trend(totals.revenue, before.revenue),
        }
    if "bookings" in asked:
        answer["bookings"] = {
            "total": totals.count,
            "confirmed": totals.went_ahead,
            "pending": totals.by_status["pending"],
            "cancelled": totals.by_status["cancelled"],
            "change_percent": change_percent(totals.count, before.count),
        }
    if "customers" in asked:
        counts = await sources.customers(
            session,
            organization_id,
            period.start,
            period.end,
            period.end - timedelta(days=ACTIVE_DAYS - 1),
            location_id,
        )
        answer["customers"] = {
            "new": counts.new,
            "returning": counts.returning,
            "total_active": counts.active,
        }
    answer["charts"] = {
        "revenue_by_day": [
            {"date": day, "amount": bucket.revenue} for day, bucket in now.series.items()
        ],
        "bookings_by_type": dict(sorted(totals.by_type.items())),
    }
    return answer
