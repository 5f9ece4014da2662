"""Leads: the pipeline as a board, one column per status; move a lead on (or mark it lost, with
the reason the API requires), assign it to someone on the team, add a note, or convert it into
a customer and a booking. The service judges every move."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from maitred.dashboard import csrf
from maitred.dashboard.access import page_user
from maitred.dashboard.forms import Problems, problems_of
from maitred.dashboard.templating import dashboard_pages
from maitred.identity import members
from maitred.identity.deps import AuthContext
from maitred.kit.deps import database_of
from maitred.kit.errors import AppError
from maitred.kit.list_params import ListQuery
from maitred.kit.pagination import PageParams
from maitred.leads import convert as convert_service
from maitred.leads import service as leads_service
from maitred.leads.schemas import LeadConvert, LeadNoteCreate, LeadStatus, LeadUpdate

router = APIRouter(prefix="/app/leads", include_in_schema=False)
Readers = Annotated[AuthContext, page_user("leads:read")]
Writers = Annotated[AuthContext, page_user("leads:write")]
Form = Annotated[FormData, Depends(csrf.checked_form)]
COLUMN = PageParams(page=1, limit=30)
DONE = {
    "moved": "Lead moved.",
    "note": "Note added.",
    "taken": "Lead assigned to you.",
    "assigned": "Lead assigned.",
}
TEAM = PageParams(page=1, limit=100)


async def _team(request: Request, auth: AuthContext) -> list[dict[str, Any]]:
    """Who a lead can be given to: the organization's active members, by name."""
    if not auth.can("leads:write"):
        return []
    async with database_of(request).transaction(write=False) as session:
        found, _ = await members.list_members(session, auth, TEAM, active=True)
    team = [{"id": m.user.id, "name": m.user.full_name or m.user.email} for m in found]
    return sorted(team, key=lambda m: str(m["name"]).lower())


async def _board(request: Request, auth: AuthContext) -> list[dict[str, Any]]:
    columns = []
    async with database_of(request).transaction(write=False) as session:
        for status in LeadStatus:
            items, info = await leads_service.list_leads(
                session,
                organization_id=auth.org_id,
                params=COLUMN,
                listing=ListQuery(sort_by="created_at", descending=True, statuses=(status.value,)),
            )
            columns.append({"status": status.value, "items": items, "total": info.total_items})
    return columns


async def _render(
    request: Request, auth: AuthContext, problems: Problems | None = None, lead: str = ""
) -> Response:
    return dashboard_pages.render(
        request,
        "leads/board.html",
        {
            "title": "Leads",
            "columns": await _board(request, auth),
            "team": await _team(request, auth),
            "statuses": [s.value for s in LeadStatus],
            "done": DONE.get(request.query_params.get("done", "")),
            "problems": problems,
            "problem_lead": lead,
        },
        status_code=problems.status_code if problems else 200,
    )


@router.get("")
async def leads_board(request: Request, auth: Readers) -> Response:
    return await _render(request, auth)


def _done(what: str) -> Response:
    return RedirectResponse(f"/app/leads?done={what}", status_code=303)


@router.post("/{lead_id:uuid}/move")
async def move_lead(request: Request, auth: Writers, lead_id: uuid.UUID, form: Form) -> Response:
    fields: dict[str, Any] = {"status": form.get("status") or None}
    if str(form.get("lost_reason") or "").strip():
        fields["lost_reason"] = str(form.get("lost_reason"))
    try:
        body = LeadUpdate.model_validate(fields)
        async with database_of(request).transaction() as session:
            await leads_service.update_lead(
                session,
                organization_id=auth.org_id,
                lead_id=lead_id,
                changes=body.model_dump(exclude_unset=True),
            )
    except (AppError, ValidationError) as exc:
        return await _render(request, auth, problems_of(exc), str(lead_id))
    return _done("moved")


@router.post("/{lead_id:uuid}/take")
async def take_lead(request: Request, auth: Writers, lead_id: uuid.UUID, form: Form) -> Response:
    try:
        async with database_of(request).transaction() as session:
            await leads_service.update_lead(
                session,
                organization_id=auth.org_id,
                lead_id=lead_id,
                changes={"assigned_to": auth.user_id},
            )
    except AppError as exc:
        return await _render(request, auth, problems_of(exc), str(lead_id))
    return _done("taken")


@router.post("/{lead_id:uuid}/notes")
async def add_note(request: Request, auth: Writers, lead_id: uuid.UUID, form: Form) -> Response:
    try:
        body = LeadNoteCreate.model_validate({"body": str(form.get("body") or "").strip()})
        async with database_of(request).transaction() as session:
            await leads_service.add_note(
                session,
                organization_id=auth.org_id,
                lead_id=lead_id,
                author_id=auth.user_id,
                body=body.body,
            )
    except (AppError, ValidationError) as exc:
        return await _render(request, auth, problems_of(exc), str(lead_id))
    return _done("note")


@router.post("/{lead_id:uuid}/assign")
async def assign_lead(request: Request, auth: Writers, lead_id: uuid.UUID, form: Form) -> Response:
    try:
        body = LeadUpdate.model_validate({"assigned_to": form.get("assigned_to") or None})
        async with database_of(request).transaction() as session:
            await leads_service.update_lead(
                session,
                organization_id=auth.org_id,
                lead_id=lead_id,
                changes=body.model_dump(exclude_unset=True),
            )
    except (AppError, ValidationError) as exc:
        return await _render(request, auth, problems_of(exc), str(lead_id))
    return _done("assigned")


@router.post("/{lead_id:uuid}/convert")
async def convert_lead(request: Request, auth: Writers, lead_id: uuid.UUID, form: Form) -> Response:
    """Into a customer; with a date and a party, a booking too (then its page opens)."""
    data = {k: str(form.get(k) or "").strip() for k in ("event_date", "event_time", "guest_count")}
    data = {k: v for k, v in data.items() if v}
    fields = {"location": str(form.get("location") or "").strip()[:500], **data}
    try:
        body = LeadConvert.model_validate(
            {"create_booking": bool(data), "booking_data": fields if data else None}
        )
        async with database_of(request).transaction() as session:
            made = await convert_service.convert_lead(
                session,
                organization_id=auth.org_id,
                lead_id=lead_id,
                actor_user_id=auth.user_id,
                create_booking=body.create_booking,
                booking_data=body.booking_data.model_dump() if body.booking_data else None,
            )
    except (AppError, ValidationError) as exc:
        return await _render(request, auth, problems_of(exc), str(lead_id))
    if made["booking_id"]:
        return RedirectResponse(f"/app/bookings/{made['booking_id']}?done=created", 303)
    return RedirectResponse(f"/app/customers/{made['customer_id']}?done=converted", 303)
