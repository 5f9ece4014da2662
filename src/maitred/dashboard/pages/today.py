"""Today: the day's and the week's bookings, what needs a person, and the headline figures.

A facilitator's Today is their own dashboard (their events' bookings, from the CRM records)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Request
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from maitred.bookings.service import today as bookings_today
from maitred.crm import dashboard as crm_dashboard
from maitred.crm import views as crm_views
from maitred.dashboard.access import page_user
from maitred.dashboard.clock import local_today
from maitred.dashboard.templating import dashboard_pages
from maitred.identity.deps import AuthContext
from maitred.kit.clock import utcnow
from maitred.kit.deps import database_of
from maitred.kit.roles import Role
from maitred.leads import waiting as leads_waiting
from maitred.messaging import unread as messaging_unread

router = APIRouter(prefix="/app", include_in_schema=False)
Staff = Annotated[AuthContext, page_user("organizations:read", facilitators=True)]
TODAY_ROWS = 50
WEEK_ROWS = 20  # the rest of the week is one link away, in the bookings list
PENDING_ROWS = 10


async def _facilitator_today(session: AsyncSession, auth: AuthContext) -> dict[str, Any]:
    audience = await crm_views.audience_of(session, auth)
    if audience.facilitator_id is None:
        return {"facilitator": None}
    board = await crm_dashboard.facilitator_dashboard(
        session, auth, facilitator_id=str(audience.facilitator_id)
    )
    return {"facilitator": board}


async def _staff_today(request: Request, auth: AuthContext) -> dict[str, Any]:
    """One compiled read a panel (bookings/service/today.py), each counted or limited in SQL;
    no session (and so no transaction) at all."""
    reads = database_of(request).reads
    today = await local_today(request, auth)
    week_end = today + timedelta(days=6)
    figures: dict[str, Any] = await bookings_today.figures(reads, auth.org_id, today, week_end)
    todays = await bookings_today.upcoming(reads, auth.org_id, today, today, TODAY_ROWS)
    later = today + timedelta(days=1)
    week = await bookings_today.upcoming(reads, auth.org_id, later, week_end, WEEK_ROWS)
    pending = await bookings_today.pending_from(reads, auth.org_id, today, PENDING_ROWS)
    if auth.can("leads:read"):
        figures["new_leads"] = await leads_waiting.new_leads(reads, auth.org_id)
    if auth.can("messages:read"):
        since = utcnow() - timedelta(days=7)
        figures["unread"] = await messaging_unread.unread_since(reads, auth.org_id, since)
    return {
        "todays": todays,
        "week": week,
        "pending": pending,
        "figures": figures,
        "today_date": today,
        "week_end": week_end,
    }


@router.get("")
async def today_page(request: Request, auth: Staff) -> Response:
    if auth.role == Role.facilitator:
        async with database_of(request).transaction(write=False) as session:
            context = await _facilitator_today(session, auth)
    else:
        context = await _staff_today(request, auth)
    return dashboard_pages.render(request, "today/page.html", {"title": "Today", **context})
