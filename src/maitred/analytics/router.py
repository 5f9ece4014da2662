"""/analytics (seed 000) and /admin/analytics (seed 001): read-only figures of the caller's
organization, for whoever may read analytics (admins, managers, viewers)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query

from maitred.analytics import funnel as funnel_service
from maitred.analytics import insights as insights_service
from maitred.analytics import operations as operations_service
from maitred.analytics import service as analytics_service
from maitred.analytics.operations_schemas import Insights, OperationsReport
from maitred.analytics.periods import GroupBy
from maitred.analytics.schemas import (
    AdminAnalytics,
    BookingStatistics,
    CustomerAnalytics,
    RevenueReport,
    SalesFunnel,
)
from maitred.identity.deps import AuthContext, requires
from maitred.kit.clock import CalendarDate
from maitred.kit.deps import AppSettings, DbSession

router = APIRouter(prefix="/analytics", tags=["analytics"])
admin_router = APIRouter(prefix="/admin", tags=["analytics"])
insights_router = APIRouter(prefix="/insights", tags=["analytics"])

Reader = Annotated[AuthContext, requires("analytics:read")]
Start = Annotated[CalendarDate | None, Query(description="First local day (default: 30 days ago)")]
End = Annotated[CalendarDate | None, Query(description="Last local day (default: today)")]
Grouping = Annotated[GroupBy, Query(description="Buckets of the series")]
Place = Annotated[
    uuid.UUID | None,
    Query(description="Only the bookings of this location's chef teams and events"),
]


@router.get("/bookings", response_model=BookingStatistics, response_model_by_alias=True)
async def booking_statistics(
    auth: Reader,
    db: DbSession,
    start_date: Start = None,
    end_date: End = None,
    group_by: Grouping = GroupBy.day,
    location_id: Place = None,
) -> dict[str, Any]:
    """Bookings whose events fall in the period, by status, type, day, time and city."""
    return await analytics_service.bookings_report(
        db, auth.org_id, start=start_date, end=end_date, group_by=group_by, location_id=location_id
    )


@router.get("/revenue", response_model=RevenueReport, response_model_by_alias=True)
async def revenue_report(
    auth: Reader,
    db: DbSession,
    start_date: Start = None,
    end_date: End = None,
    group_by: Grouping = GroupBy.day,
    location_id: Place = None,
) -> dict[str, Any]:
    return await analytics_service.revenue_report(
        db, auth.org_id, start=start_date, end=end_date, group_by=group_by, location_id=location_id
    )


@router.get("/customers", response_model=CustomerAnalytics, response_model_by_alias=True)
async def customer_analytics(
    auth: Reader,
    db: DbSession,
    start_date: Start = None,
    end_date: End = None,
    location_id: Place = None,
) -> dict[str, Any]:
    return await analytics_service.customers_report(
        db, auth.org_id, start=start_date, end=end_date, location_id=location_id
    )


@router.get("/funnel", response_model=SalesFunnel, response_model_by_alias=True)
async def sales_funnel(
    auth: Reader,
    db: DbSession,
    start_date: Start = None,
    end_date: End = None,
    location_id: Place = None,
) -> dict[str, Any]:
    """Leads by source and by owner: contacted, quoted, won, booked, lost. Leads come in
    before any location is chosen: the funnel is the organization's (`scope`)."""
    return await funnel_service.funnel_report(
        db, auth.org_id, start=start_date, end=end_date, location_id=location_id
    )


@router.get("/operations", response_model=OperationsReport, response_model_by_alias=True)
async def operations_report(
    auth: Reader,
    db: DbSession,
    start_date: Start = None,
    end_date: End = None,
    location_id: Place = None,
) -> dict[str, Any]:
    """Chef team utilisation, messages per channel, first response, seats sold."""
    return await operations_service.operations_report(
        db, auth.org_id, start=start_date, end=end_date, location_id=location_id
    )


@admin_router.get(
    "/analytics",
    response_model=AdminAnalytics,
    response_model_by_alias=True,
    response_model_exclude_unset=True,
)
async def admin_analytics(
    auth: Reader,
    db: DbSession,
    date_from: Start = None,
    date_to: End = None,
    metric: Annotated[
        str | None, Query(description="Comma-separated: revenue, bookings, customers")
    ] = None,
    location_id: Place = None,
) -> dict[str, Any]:
    """The sections asked for in `metric` (all three by default) and the daily charts."""
    return await analytics_service.dashboard(
        db, auth.org_id, start=date_from, end=date_to, metrics=metric, location_id=location_id
    )


@router.get(
    "",
    response_model=AdminAnalytics,
    response_model_by_alias=True,
    response_model_exclude_unset=True,
)
async def analytics_overview(
    auth: Reader,
    db: DbSession,
    start_date: Start = None,
    end_date: End = None,
    location_id: Place = None,
) -> dict[str, Any]:
    """Seed 004's `/analytics`: the overview of `/admin/analytics` (revenue, bookings,
    customers and the daily charts), with seed 000's period parameters."""
    return await analytics_service.dashboard(
        db, auth.org_id, start=start_date, end=end_date, location_id=location_id
    )


@insights_router.get("", response_model=Insights)
async def insights(
    auth: Reader,
    db: DbSession,
    settings: AppSettings,
    start_date: Start = None,
    end_date: End = None,
    location_id: Place = None,
) -> dict[str, Any]:
    """Seed 004's insights: the period's largest changes, an unusual last week against the 8
    before it, and slow weekdays to promote, each with the figure it comes from; reworded by
    the organization's language model when one is configured (`generated_by`: ai)."""
    return await insights_service.insights(
        db,
        auth.org_id,
        start=start_date,
        end=end_date,
        location_id=location_id,
        settings=settings,
    )
