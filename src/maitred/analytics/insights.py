"""Plain-language findings (seed 004's `/insights`), computed by rules from the same figures as
the dashboards, each with the figure it comes from:

- the largest changes against the equal period before (bookings, revenue recognised,
  cancellations; a change of at least 20% on something that was there before);
- an anomaly: the period's last week against the 8 weeks before it, when it lies more than two
  standard deviations (and at least two bookings) from their mean;
- slow days to promote: open weekdays with less than half the bookings of an average open
  weekday in the period.

Texts are in the request's language (en, es); numbers are formatted for it by Babel. When the
organization has a language model, it rewords them (insights_phrasing.py)."""

from __future__ import annotations

import statistics
import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from babel import Locale
from babel.numbers import format_decimal
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.analytics import service as analytics_service
from maitred.analytics import sources
from maitred.analytics.insights_phrasing import phrased
from maitred.analytics.periods import Period, change_percent
from maitred.analytics.totals import WEEKDAYS, Totals
from maitred.availability.policy import policy_of
from maitred.config import Settings
from maitred.kit import i18n

CHANGE_THRESHOLD = 20.0  # percent
TRAILING_WEEKS = 8
LIMIT = 3  # changes reported at most


def _number(value: Decimal | float | int, language: str) -> str:
    return format_decimal(value, format="#,##0.##", locale=language)


def _weekday(index: int, language: str) -> str:
    return str(Locale.parse(language).days["format"]["wide"][index])


def _changes(now: Totals, before: Totals, language: str) -> list[dict[str, Any]]:
    figures = (
        ("bookings", now.count, before.count),
        ("revenue", now.revenue, before.revenue),
        ("cancellations", now.by_status["cancelled"], before.by_status["cancelled"]),
    )
    found: list[tuple[float, dict[str, Any]]] = []
    for name, current, previous in figures:
        change = change_percent(current, previous)
        if change is None or abs(change) < CHANGE_THRESHOLD:
            continue
        label = {
            "bookings": i18n.gettext("Bookings", language),
            "revenue": i18n.gettext("Revenue", language),
            "cancellations": i18n.gettext("Cancellations", language),
        }[name]
        values = {
            "figure": label,
            "percent": _number(abs(change), language),
            "current": _number(current, language),
            "previous": _number(previous, language),
        }
        text = (
            i18n.gettext(
                "{figure} rose {percent}% to {current}, from {previous} the period before.",
                language,
                **values,
            )
            if change > 0
            else i18n.gettext(
                "{figure} fell {percent}% to {current}, from {previous} the period before.",
                language,
                **values,
            )
        )
        good = (change > 0) != (name == "cancellations")
        found.append(
            (
                abs(change),
                {
                    "kind": "change",
                    "severity": "positive" if good else "warning",
                    "message": text,
                    "figure": {
                        "name": name,
                        "value": float(current),
                        "previous": float(previous),
                        "change_percent": change,
                    },
                },
            )
        )
    return [finding for _, finding in sorted(found, key=lambda f: -f[0])[:LIMIT]]


async def _anomaly(
    session: AsyncSession,
    organization_id: uuid.UUID,
    period: Period,
    location_id: uuid.UUID | None,
    language: str,
) -> list[dict[str, Any]]:
    first = period.end - timedelta(days=7 * (TRAILING_WEEKS + 1) - 1)
    rows = await sources.day_rows(session, organization_id, first, period.end, location_id)
    weeks = [0] * (TRAILING_WEEKS + 1)  # oldest first; the last is the period's last week
    for row in rows:
        weeks[(row.day - first).days // 7] += row.count
    *trailing, latest = weeks
    mean, spread = statistics.fmean(trailing), statistics.pstdev(trailing)
    if abs(latest - mean) < max(2 * spread, 2):
        return []
    values = {
        "count": _number(latest, language),
        "end": period.end.isoformat(),
        "average": _number(round(mean, 1), language),
    }
    text = (
        i18n.gettext(
            "Unusually busy: {count} bookings in the week to {end}, against {average} a week "
            "over the 8 weeks before.",
            language,
            **values,
        )
        if latest > mean
        else i18n.gettext(
            "Unusually quiet: {count} bookings in the week to {end}, against {average} a week "
            "over the 8 weeks before.",
            language,
            **values,
        )
    )
    return [
        {
            "kind": "anomaly",
            "severity": "positive" if latest > mean else "warning",
            "message": text,
            "figure": {
                "name": "weekly_bookings",
                "value": float(latest),
                "previous": round(mean, 1),
                "change_percent": change_percent(Decimal(latest), Decimal(str(round(mean, 4)))),
            },
        }
    ]


def _slow_days(
    totals: Totals, period: Period, closed: list[int], language: str
) -> list[dict[str, Any]]:
    days = (period.start + timedelta(days=n) for n in range(period.days))
    open_weekdays = sorted({d.weekday() for d in days if d.isoweekday() not in closed})
    if not open_weekdays:
        return []
    average = sum(totals.by_weekday[w] for w in open_weekdays) / len(open_weekdays)
    found = []
    for weekday in open_weekdays:
        count = totals.by_weekday[weekday]
        if average and count < average / 2:
            found.append(
                {
                    "kind": "slow_day",
                    "severity": "info",
                    "message": i18n.gettext(
                        "{weekday} is a slow day: {count} bookings against {average} on an "
                        "average open weekday. A promotion could fill it.",
                        language,
                        weekday=_weekday(weekday, language),
                        count=_number(count, language),
                        average=_number(round(average, 1), language),
                    ),
                    "figure": {
                        "name": f"bookings_on_{WEEKDAYS[weekday]}",
                        "value": float(count),
                        "previous": round(average, 1),
                        "change_percent": None,
                    },
                }
            )
    return found


async def insights(
    session: AsyncSession,
    organization_id: uuid.UUID,
    *,
    start: date | None,
    end: date | None,
    location_id: uuid.UUID | None = None,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """The rule-based findings; reworded by the language model when one is configured and
    `settings` are given (insights_phrasing.py)."""
    language = i18n.current_language()
    period, _ = await analytics_service.period_at(session, organization_id, start, end, location_id)
    now = await analytics_service.totals_of(session, organization_id, period, location_id)
    before = await analytics_service.totals_of(
        session, organization_id, period.previous(), location_id
    )
    closed = (await policy_of(session, organization_id)).rules.closed_weekdays
    findings = [
        *_changes(now, before, language),
        *await _anomaly(session, organization_id, period, location_id, language),
        *_slow_days(now, period, closed, language),
    ]
    reworded = None
    if settings is not None:
        texts = [finding["message"] for finding in findings]
        reworded = await phrased(session, organization_id, settings, texts, language)
    for finding, text in zip(findings, reworded or [], strict=False):
        finding["message"] = text
    return {
        "period": {"from": period.start, "to": period.end},
        "language": language,
        "generated_by": "ai" if reworded is not None else "rules",
        "insights": findings,
    }
