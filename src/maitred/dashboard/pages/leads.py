"""Leads: the pipeline as a board, one column per status; move a lead on (or mark it lost, with
the reason the API requires), take it on, or add a note. The service judges every move."""

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
from maitred.identity.deps import AuthContext
from maitred.kit.deps import database_of
from maitred.kit.errors import AppError
from maitred.kit.list_params import ListQuery
from maitred.kit.pagination import PageParams
from maitred.leads import service as leads_service
from maitred.leads.schemas import LeadNoteCreate, LeadStatus, LeadUpdate

router = APIRouter(prefix="/app/leads", include_in_schema=False)
Readers = Annotated[AuthContext, page_user("leads:read")]
Writers = Annotated[AuthContext, page_user("leads:write")]
Form = Annotated[FormData, Depends(csrf.checked_form)]
COLUMN = PageParams(page=1, limit=30)
DONE = {"moved": "Lead moved.", "note": "Note added.", "taken": "Lead assigned to you."}


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
