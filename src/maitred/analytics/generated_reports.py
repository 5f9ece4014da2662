"""Seed 003's reports (`/reports/{project_id}/generate`, list, get, delete) on the same
machinery as stored reports: a generated report is a report run without a definition, its
`report_type` is the run's figure and its `payload` the run's summary. Seed 003's project is
the caller's organization.

- `sales`: the bookings of the period (seed 003's orders) and the revenue recognised on them.
- `performance`: seed 001's dashboard (revenue, bookings, customers, with changes).
- `messages`: the inbox figures (sent, received, failed, first response) since `start_date`.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from pydantic_core import to_jsonable_python
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.analytics import service as analytics_service
from maitred.analytics.models import ReportRun
from maitred.analytics.periods import GroupBy, period_of
from maitred.analytics.reports_repository import ReportRuns
from maitred.kit import i18n
from maitred.kit.clock import utcnow
from maitred.kit.errors import NotFound
from maitred.kit.list_params import ListQuery
from maitred.kit.pagination import PageParams, paginate
from maitred.messaging import inbox_stats

REPORT_TYPES = ("sales", "messages", "performance")
NAMES = {"sales": "Sales report", "messages": "Messages report", "performance": "Performance"}


def _project(organization_id: uuid.UUID, project_id: uuid.UUID) -> None:
    """Another organization's project does not exist for the caller."""
    if project_id != organization_id:
        raise NotFound("No such project")


def _text(report_type: str, payload: dict[str, Any]) -> str:
    """Seed 003's one-line `summary`, from the payload (so it is never out of step with it)."""
    if report_type == "sales":
        return i18n.gettext(
            "{orders} bookings with {revenue} {currency} in total revenue, {start} to {end}",
            orders=payload["total_orders"],
            revenue=payload["total_revenue"],
            currency=payload["currency"],
            start=payload["period"]["from"],
            end=payload["period"]["to"],
        )
    if report_type == "messages":
        return i18n.gettext(
            "{sent} messages sent, {received} received and {failed} failed since {since}",
            sent=payload["total_sent"],
            received=payload["total_received"],
            failed=payload["failed"],
            since=str(payload["since"])[:10],
        )
    return i18n.gettext(
        "Revenue {revenue}, {bookings} bookings and {new} new customers, {start} to {end}",
        revenue=payload["revenue"]["total"],
        bookings=payload["bookings"]["total"],
        new=payload["customers"]["new"],
        start=payload["period"]["from"],
        end=payload["period"]["to"],
    )


def generated_read(run: ReportRun) -> dict[str, Any]:
    return {
        "id": run.id,
        "project_id": run.organization_id,
        "report_type": run.figure,
        "summary": _text(run.figure, run.summary),
        "payload": run.summary,
        "generated_at": run.created_at,
    }


async def _payload(
    session: AsyncSession, organization_id: uuid.UUID, report_type: str, start: date, end: date
) -> dict[str, Any]:
    if report_type == "sales":
        answer = await analytics_service.bookings_report(
            session, organization_id, start=start, end=end, group_by=GroupBy.day
        )
        return {
            "total_orders": answer["total_bookings"],
            "total_revenue": answer["total_revenue"],
        } | answer
    if report_type == "messages":
        days = max((utcnow().date() - start).days + 1, 1)
        return await inbox_stats.summary(session, organization_id, days=days)
    return await analytics_service.dashboard(session, organization_id, start=start, end=end)


async def generate(
    session: AsyncSession,
    organization_id: uuid.UUID,
    project_id: uuid.UUID,
    *,
    user_id: uuid.UUID | None,
    report_type: str,
    start: date | None,
    end: date | None,
) -> dict[str, Any]:
    _project(organization_id, project_id)
    today, _, _ = await analytics_service.organization_context(session, organization_id)
    period = period_of(start, end, today)
    payload = await _payload(session, organization_id, report_type, period.start, period.end)
    run = ReportRuns(session, organization_id).add(
        ReportRun(
            name=NAMES[report_type],
            figure=report_type,
            period_from=period.start,
            period_to=period.end,
            trigger="generate",
            summary=to_jsonable_python(payload),
            created_by=user_id,
        )
    )
    await session.flush()
    return generated_read(run)


async def listed(
    session: AsyncSession,
    organization_id: uuid.UUID,
    project_id: uuid.UUID,
    report_type: str | None,
    page: PageParams,
    listing: ListQuery,
) -> dict[str, Any]:
    """The organization's report runs, newest first by default; `report_type` keeps one kind,
    `created_from` / `created_to` (local days of the organization) a window."""
    _project(organization_id, project_id)
    statement = ReportRuns(session, organization_id).scoped()
    if report_type is not None:
        statement = statement.where(ReportRun.figure == report_type)
    _, _, zone = await analytics_service.organization_context(session, organization_id)
    window = listing.created_window(ZoneInfo(zone))
    if window.since is not None:
        statement = statement.where(ReportRun.created_at >= window.since)
    if window.before is not None:
        statement = statement.where(ReportRun.created_at < window.before)
    created = ReportRun.created_at.desc() if listing.descending else ReportRun.created_at
    rows, info = await paginate(session, statement.order_by(created, ReportRun.id), page)
    return {"items": [generated_read(row) for row in rows], "pagination": info}


async def get(
    session: AsyncSession, organization_id: uuid.UUID, project_id: uuid.UUID, run_id: uuid.UUID
) -> dict[str, Any]:
    _project(organization_id, project_id)
    return generated_read(await ReportRuns(session, organization_id).get_or_404(run_id))


async def delete(
    session: AsyncSession, organization_id: uuid.UUID, project_id: uuid.UUID, run_id: uuid.UUID
) -> None:
    """The run and its files."""
    _project(organization_id, project_id)
    run = await ReportRuns(session, organization_id).get_or_404(run_id)
    await session.delete(run)
    await session.flush()
