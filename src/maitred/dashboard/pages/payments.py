"""Payments: what came in and went back in a period, what is still owed, and the payments."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from maitred.dashboard.access import page_user
from maitred.dashboard.clock import local_today
from maitred.dashboard.forms import problems_of
from maitred.dashboard.templating import dashboard_pages
from maitred.identity.deps import AuthContext
from maitred.kit.deps import database_of
from maitred.kit.errors import AppError
from maitred.kit.pagination import PageParams
from maitred.payments import service as payments_service

router = APIRouter(prefix="/app/payments", include_in_schema=False)
Readers = Annotated[AuthContext, page_user("payments:read")]


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@router.get("")
async def payments_page(
    request: Request, auth: Readers, date_from: str = "", date_to: str = "", page: int = 1
) -> Response:
    problems: dict[str, str] = {}
    context: dict[str, Any] = {"summary": None, "items": [], "info": None}
    async with database_of(request).transaction(write=False) as session:
        today = await local_today(request, auth)
        first = _date(date_from) or today.replace(day=1)
        last = _date(date_to) or today
        try:
            context["summary"] = await payments_service.summary(
                session, auth.org_id, date_from=first, date_to=last
            )
            context["items"], context["info"] = await payments_service.list_payments(
                session,
                auth.org_id,
                booking_id=None,
                method=None,
                date_from=first,
                date_to=last,
                params=PageParams(page=max(page, 1), limit=50),
            )
        except AppError as exc:
            problems = problems_of(exc).fields or {"date_to": problems_of(exc).message}
    return dashboard_pages.render(
        request,
        "payments/page.html",
        {"title": "Payments", "first": first, "last": last, "problems": problems, **context},
    )
