"""Today: the day's and the week's bookings, what needs a person, and the headline figures.

A facilitator's Today is their own dashboard (their events' bookings, from the CRM records)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Request
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from maitred.bookings import service as bookings_service
from maitred.crm import dashboard as crm_dashboard
from maitred.crm import views as crm_views
from maitred.dashboard.access import page_user
from maitred.dashboard.clock import local_today
from maitred.dashboard.templating import dashboard_pages
from maitred.identity.deps import AuthContext
from maitred.kit.deps import database_of
from maitred.kit.list_params import ListQuery
from maitred.kit.pagination import PageParams
from maitred.kit.roles import Role
from maitred.leads import service as leads_service
from maitred.messaging import inbox_stats

router = APIRouter(prefix="/app", include_in_schema=False)
Staff = Annotated[AuthContext, page_user("organizations:read", facilitators=True)]
FIRST = PageParams(page=1, limit=50)
COUNT_ONLY = PageParams(page=1, limit=1)


async def _facilitator_today(session: AsyncSession, auth: AuthContext) -> dict[str, Any]:
    audience = await crm_views.audience_of(session, auth)
    if audience.facilitator_id is None:
        return {"facilitator": None}
    board = await crm_dashboard.facilitator_dashboard(
        session, auth, facilitator_id=str(audience.facilitator_id)
    )
    return {"facilitator": board}


async def _staff_today(
    request: Request, session: AsyncSession, auth: AuthContext
) -> dict[str, Any]:
    reads = database_of(request).reads
    viewer = bookings_service.viewer_of(auth)
    today = await local_today(session, auth.org_id)
    week_end = today + timedelta(days=6)
    todays, _ = await bookings_service.list_bookings(
        session,
        reads,
        viewer,
        FIRST,
        date_from=today,
        date_to=today,
        sort="event_date",
        order="asc",
        status="pending,confirmed",
    )
    week, week_info = await bookings_service.list_bookings(
        session,
        reads,
        viewer,
        FIRST,
        date_from=today,
        date_to=week_end,
        sort="event_date",
        order="asc",
        status="pending,confirmed",
    )
    pending, pending_info = await bookings_service.list_bookings(
        session,
        reads,
        viewer,
        PageParams(page=1, limit=10),
        date_from=today,
        status="pending",
        sort="event_date",
        order="asc",
    )
    figures: dict[str, Any] = {
        "today": len(todays),
        "week": week_info.total_items,
        "pending": pending_info.total_items,
    }
    if auth.can("leads:read"):
        _, new_leads = await leads_service.list_leads(
            session,
            organization_id=auth.org_id,
            params=COUNT_ONLY,
            listing=ListQuery(sort_by="created_at", descending=True, statuses=("new",)),
        )
        figures["new_leads"] = new_leads.total_items
    if auth.can("messages:read"):
        figures["unread"] = (await inbox_stats.summary(session, auth.org_id, days=7))["unread"]
    return {
        "todays": todays,
        "week": week,
        "pending": pending,
        "figures": figures,
        "today_date": today,
    }


@router.get("")
async def today_page(request: Request, auth: Staff) -> Response:
    async with database_of(request).transaction(write=False) as session:
        if auth.role == Role.facilitator:
            context = await _facilitator_today(session, auth)
        else:
            context = await _staff_today(request, session, auth)
    return dashboard_pages.render(request, "today/page.html", {"title": "Today", **context})
