"""Inbox: conversations across channels, newest first, kept live by the inbox WebSocket; a
thread's messages and a reply on the channel the customer last wrote from."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from maitred.dashboard import csrf
from maitred.dashboard.access import page_user
from maitred.dashboard.forms import Problems, problems_of
from maitred.dashboard.templating import dashboard_pages
from maitred.identity.deps import AuthContext
from maitred.kit.deps import database_of
from maitred.kit.errors import AppError, ValidationFailed
from maitred.kit.pagination import PageParams
from maitred.messaging import inbox

router = APIRouter(prefix="/app/inbox", include_in_schema=False)
Readers = Annotated[AuthContext, page_user("messages:read")]
Writers = Annotated[AuthContext, page_user("messages:write")]
Form = Annotated[FormData, Depends(csrf.checked_form)]
THREADS = PageParams(page=1, limit=30)


async def _conversations(request: Request, auth: AuthContext) -> list[dict[str, Any]]:
    async with database_of(request).transaction(write=False) as session:
        rows, _ = await inbox.list_conversations(session, auth.org_id, THREADS)
        return [inbox.conversation_view(row) for row in rows]


@router.get("")
async def inbox_page(request: Request, auth: Readers, c: uuid.UUID | None = None) -> Response:
    if request.headers.get("hx-target") == "conversations":
        return dashboard_pages.render(
            request,
            "inbox/_conversations.html",
            {"conversations": await _conversations(request, auth), "open": c},
        )
    return await _page(request, auth, c)


async def _page(
    request: Request, auth: AuthContext, opened: uuid.UUID | None, problems: Problems | None = None
) -> Response:
    thread = None
    if opened is not None:
        try:
            async with database_of(request).transaction(write=False) as session:
                thread = await inbox.get_conversation(
                    session, auth.org_id, opened, cursor=None, limit=50
                )
        except AppError as exc:
            return dashboard_pages.render(
                request, "refused.html", {"message": exc.message}, status_code=exc.status_code
            )
    return dashboard_pages.render(
        request,
        "inbox/page.html",
        {
            "title": "Inbox",
            "conversations": await _conversations(request, auth),
            "open": opened,
            "thread": thread,
            "problems": problems,
            "sent": request.query_params.get("done") == "sent",
        },
        status_code=problems.status_code if problems else 200,
    )


@router.post("/{conversation_id:uuid}/reply")
async def reply(
    request: Request, auth: Writers, conversation_id: uuid.UUID, form: Form
) -> Response:
    content = str(form.get("content") or "").strip()
    try:
        if not content:
            raise ValidationFailed(details={"content": "Write the reply first"})
        async with database_of(request).transaction() as session:
            thread = await inbox.get_conversation(
                session, auth.org_id, conversation_id, cursor=None, limit=50
            )
            last = next((m for m in thread["messages"] if m["direction"] == "inbound"), None)
            if last is None:
                raise ValidationFailed(details={"content": "Nobody has written in this thread"})
            await inbox.send(
                session,
                auth.org_id,
                channel=last["channel"],
                recipient=last["sender"],
                content=content[:5000],
                customer_id=thread["customer_id"],
                created_by=auth.user_id,
            )
    except AppError as exc:
        return await _page(request, auth, conversation_id, problems_of(exc))
    return RedirectResponse(f"/app/inbox?c={conversation_id}&done=sent", status_code=303)
