"""Inbox: conversations across channels, newest first, kept live by the inbox WebSocket; a
thread's messages and a reply on the channel the customer last wrote from, typed or started
from one of the business's templates; where the assistant answers the conversation, its drafts
(sent as they are or edited) and how the customer's messages read (their sentiment)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from maitred.ai import threads as ai_threads
from maitred.dashboard import csrf
from maitred.dashboard.access import page_user
from maitred.dashboard.forms import Problems, problems_of
from maitred.dashboard.templating import dashboard_pages
from maitred.identity.deps import AuthContext
from maitred.kit.deps import database_of
from maitred.kit.errors import AppError, ValidationFailed
from maitred.kit.pagination import PageParams
from maitred.messaging import inbox
from maitred.notifications import replies

router = APIRouter(prefix="/app/inbox", include_in_schema=False)
Readers = Annotated[AuthContext, page_user("messages:read")]
Writers = Annotated[AuthContext, page_user("messages:write")]
Form = Annotated[FormData, Depends(csrf.checked_form)]
THREADS = PageParams(page=1, limit=30)
DONE = {"sent": "Reply queued.", "draft": "The assistant's draft was sent."}


def _assistant_view(assistant: dict[str, Any] | None) -> dict[str, Any]:
    """The assistant's unsent drafts, and the sentiment of the customer's latest message it
    read (-1 upset to 1 pleased), where it has one."""
    if assistant is None:
        return {"assistant": None, "drafts": [], "sentiment": None, "mood": ""}
    messages = assistant["messages"]
    read = [m["sentiment"] for m in messages if m["role"] == "user" and m["sentiment"] is not None]
    return {
        "assistant": assistant,
        "drafts": [m for m in messages if m["status"] == "draft"],
        "sentiment": read[-1] if read else None,
        "mood": mood(read[-1] if read else None),
    }


def mood(score: float | None) -> str:
    if score is None:
        return ""
    return "Upset" if score <= -0.3 else ("Pleased" if score >= 0.3 else "Neutral")


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
    assistant = None
    if opened is not None:
        try:
            async with database_of(request).transaction(write=False) as session:
                thread = await inbox.get_conversation(
                    session, auth.org_id, opened, cursor=None, limit=50
                )
                assistant = await ai_threads.of_conversation(session, auth, opened)
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
            **_assistant_view(assistant),
            "templates": replies.REPLY_TEMPLATES,
            "problems": problems,
            "sent": DONE.get(request.query_params.get("done", "")),
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


@router.get("/{conversation_id:uuid}/template")
async def reply_from_template(
    request: Request, auth: Writers, conversation_id: uuid.UUID, template: str = ""
) -> Response:
    """The reply box filled with the chosen template's wording, to edit before sending."""
    content, problem = "", ""
    try:
        async with database_of(request).transaction(write=False) as session:
            thread = await inbox.get_conversation(
                session, auth.org_id, conversation_id, cursor=None, limit=50
            )
            last = next((m for m in thread["messages"] if m["direction"] == "inbound"), None)
            content = await replies.reply_text(
                session,
                auth.org_id,
                template,
                channel=last["channel"] if last else "sms",
                customer_id=thread["customer_id"],
            )
    except AppError as exc:
        problems = problems_of(exc)
        problem = problems.message
    return dashboard_pages.render(
        request, "inbox/_reply_box.html", {"content": content, "problem": problem}
    )


@router.post("/{conversation_id:uuid}/drafts/{message_id:uuid}")
async def send_draft(
    request: Request, auth: Writers, conversation_id: uuid.UUID, message_id: uuid.UUID, form: Form
) -> Response:
    """The assistant's draft goes out as staff left it in the box."""
    content = str(form.get("content") or "").strip()[:5000]
    try:
        async with database_of(request).transaction() as session:
            assistant = await ai_threads.of_conversation(session, auth, conversation_id)
            if assistant is None:
                raise ValidationFailed("The assistant has no draft in this conversation")
            await ai_threads.send_draft(session, auth, assistant["id"], message_id, content or None)
    except AppError as exc:
        return await _page(request, auth, conversation_id, problems_of(exc))
    return RedirectResponse(f"/app/inbox?c={conversation_id}&done=draft", status_code=303)
