"""The concierge's routes: seed 001's chat (and its SSE stream), confirming a draft, choosing a
person; and the staff side: threads with their tool calls and cost, FAQ entries, settings and
the usage ledger."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import StreamingResponse

from maitred.ai import ai_settings, concierge, faq, replies, streaming, threads, usage
from maitred.ai.deps import ChatCaller
from maitred.ai.engines.base import StreamEvent
from maitred.ai.schemas import (
    AiSettingsRead,
    AiSettingsUpdate,
    ChatRequest,
    ChatResponse,
    ConfirmRead,
    ConfirmRequest,
    DraftSend,
    FaqCreate,
    FaqRead,
    FaqUpdate,
    HandoffRead,
    HandoffRequest,
    ThreadDetail,
    ThreadMessageRead,
    ThreadRead,
    UsageRead,
)
from maitred.identity.deps import AuthContext, requires
from maitred.kit.deps import AppSettings, DbSession, Reads, ReadsFirst, database_of
from maitred.kit.errors import ErrorBody, ServiceUnavailable
from maitred.kit.list_params import ListQuery, list_query
from maitred.kit.pagination import Page, Pagination
from maitred.kit.reads import ReadPool

SSE_EVENT = {
    "type": "object",
    "properties": {
        "data": {"type": "string", "contentMediaType": "application/json"},
        "event": {"type": "string"},
        "id": {"type": "string"},
        "retry": {"type": "integer"},
    },
    "required": ["data"],
}

router = APIRouter(tags=["ai"])

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "Not signed in"},
    403: {"model": ErrorBody, "description": "The role lacks the permission"},
    404: {"model": ErrorBody, "description": "No such thread (or another organization's)"},
    422: {"model": ErrorBody, "description": "Invalid input; `details` names each field"},
    429: {"model": ErrorBody, "description": "Too many AI requests"},
}
Reader = Annotated[AuthContext, requires("messages:read")]
Writer = Annotated[AuthContext, requires("messages:write")]
DaysQuery = Annotated[int, Query(ge=1, le=366, description="Days to look back")]


async def _web_mode(db: DbSession, caller: concierge.Caller, reads: ReadPool | None = None) -> str:
    """`reads`: the turn only reads the settings (kit/reads.py, no session machinery)."""
    row = (
        await ai_settings.looked_up(reads, db, caller.organization_id)
        if reads is not None
        else await ai_settings.row_of(db, caller.organization_id)
    )
    mode = ai_settings.mode_for(row, "web")
    if mode == "off":
        raise ServiceUnavailable("The assistant is not available; please contact us directly")
    return mode


@router.post(
    "/ai/chat",
    response_model=ChatResponse,
    responses=ERRORS,
    # The turn writes its rows after its reads (ai/turn_rows.py); a thread it continues is
    # claimed by its first write, and tools that write take the writers' turn first.
    dependencies=[ReadsFirst],
)
async def chat(
    body: ChatRequest, caller: ChatCaller, db: DbSession, reads: Reads, settings: AppSettings
) -> dict[str, Any]:
    """Seed 001's chat. Committing actions come back as a `confirm` suggested action with a
    `confirmation_token`: nothing is booked, changed or paid until `POST /ai/confirm`."""
    mode = await _web_mode(db, caller, reads)
    thread = await threads.open_thread(
        db, caller.organization_id, caller.auth, body.thread_id, deferred=True
    )
    result = await concierge.respond(db, caller, thread, body.message, settings, mode=mode)
    return result.as_seed()


def _sse(data: dict[str, Any]) -> bytes:
    return b"data: " + orjson.dumps(data, default=str) + b"\n\n"


def _stream_event(event: StreamEvent) -> dict[str, Any]:
    if event.kind == "token":
        return {"type": "token", "content": event.content}
    if event.kind == "tool":
        assert event.tool is not None
        return {
            "type": "tool",
            "tool": event.tool.tool,
            "outcome": event.tool.outcome,
            "message": event.tool.message,
        }
    assert event.reply is not None
    reply = event.reply
    return {
        "type": "done",
        "intent": reply.intent,
        "suggested_actions": reply.suggested_actions,
        "metadata": {
            "model": reply.model,
            "engine": reply.engine,
            "tokens_used": reply.input_tokens + reply.output_tokens,
            "fallback_reason": reply.fallback_reason,
            "handed_off": reply.handoff is not None,
        },
    }


@router.post(
    "/ai/chat/stream",
    response_class=StreamingResponse,
    responses={
        **ERRORS,
        200: {
            "description": "Server-sent events: start, token, tool, done",
            # Each event as OpenAPI 3.2 describes server-sent events: `data` is one JSON object.
            "content": {"text/event-stream": {"schema": SSE_EVENT}},
        },
    },
)
async def chat_stream(
    body: ChatRequest,
    caller: ChatCaller,
    db: DbSession,
    request: Request,
    settings: AppSettings,
) -> StreamingResponse:
    """Seed 001's stream: `start`, `token`s, `tool` (each tool call's outcome), `done`."""
    await _web_mode(db, caller)
    thread = await threads.open_thread(db, caller.organization_id, caller.auth, body.thread_id)
    thread_id = thread.id
    database = database_of(request)

    async def events() -> AsyncIterator[bytes]:
        # The request's transaction is committed before the first event; each step of the
        # turn writes in a short transaction of its own (ai/streaming.py).
        yield _sse({"type": "start", "thread_id": f"thread_{thread_id}"})
        async for event in streaming.stream(database, caller, thread_id, body.message, settings):
            yield _sse(_stream_event(event))

    return StreamingResponse(
        events(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"}
    )


@router.post("/ai/confirm", response_model=ConfirmRead, responses=ERRORS)
async def confirm(body: ConfirmRequest, caller: ChatCaller, db: DbSession) -> dict[str, Any]:
    """Runs the drafted action behind `confirmation_token`, once; a replay answers the same
    result. The token works only in the thread it was drafted in."""
    thread = await threads.open_thread(
        db, caller.organization_id, caller.auth, body.thread_id, also=("api",)
    )
    return await concierge.confirm(db, caller, thread, body.confirmation_token)


@router.post("/ai/chat/handoff", response_model=HandoffRead, responses=ERRORS)
async def choose_person(body: HandoffRequest, caller: ChatCaller, db: DbSession) -> dict[str, Any]:
    """The visible "talk to a person" choice: the thread goes to staff at once."""
    thread = await threads.open_thread(db, caller.organization_id, caller.auth, body.thread_id)
    await threads.hand_off(db, thread, "asked for a person")
    text = replies.handoff((thread.state or {}).get("language") or "en")
    await threads.say(db, thread, text)
    return {
        "thread_id": f"thread_{thread.id}",
        "status": thread.status,
        "response": text,
        "assigned": thread.assigned_user_id is not None,
    }


@router.get("/ai/threads", response_model=Page[ThreadRead], responses=ERRORS)
async def list_threads(
    auth: Reader,
    db: DbSession,
    pagination: Pagination,
    listing: Annotated[
        ListQuery,
        list_query(
            sorts=("updated_at", "created_at"),
            default_sort="updated_at",
            statuses=("open", "handed_off", "closed"),
        ),
    ],
) -> dict[str, Any]:
    items, info = await threads.list_threads(db, auth, pagination, listing)
    return {"items": items, "pagination": info}


@router.get("/ai/threads/{thread_id}", response_model=ThreadDetail, responses=ERRORS)
async def read_thread(thread_id: str, auth: Reader, db: DbSession) -> dict[str, Any]:
    """The thread's messages, every tool call (arguments and outcome) and its cost."""
    return await threads.read_thread(db, auth, threads.thread_uuid(thread_id))


@router.post("/ai/threads/{thread_id}/hand-back", response_model=ThreadRead, responses=ERRORS)
async def hand_back(thread_id: str, auth: Writer, db: DbSession) -> dict[str, Any]:
    """Staff give the conversation back to the assistant."""
    thread = await threads.hand_back(db, auth, threads.thread_uuid(thread_id))
    return threads.thread_view(thread)


@router.post(
    "/ai/threads/{thread_id}/drafts/{message_id}/send",
    response_model=ThreadMessageRead,
    responses=ERRORS,
)
async def send_draft(
    thread_id: str,
    message_id: uuid.UUID,
    auth: Writer,
    db: DbSession,
    body: DraftSend | None = None,
) -> dict[str, Any]:
    """Staff send the assistant's draft answer (channels in `draft` mode), edited or not."""
    return await threads.send_draft(
        db, auth, threads.thread_uuid(thread_id), message_id, body.content if body else None
    )


@router.get("/ai/faq", response_model=list[FaqRead], responses=ERRORS)
async def list_faq(
    auth: Reader,
    db: DbSession,
    status: Annotated[str | None, Query(pattern="^(approved|suggested)$")] = None,
) -> list[dict[str, Any]]:
    """Approved entries, and `suggested` ones: questions the assistant could not answer."""
    return await faq.list_entries(db, auth.org_id, status)


@router.post("/ai/faq", status_code=201, response_model=FaqRead, responses=ERRORS)
async def create_faq(body: FaqCreate, auth: Writer, db: DbSession) -> dict[str, Any]:
    return await faq.create(db, auth.org_id, body)


@router.patch("/ai/faq/{entry_id}", response_model=FaqRead, responses=ERRORS)
async def update_faq(
    entry_id: uuid.UUID, body: FaqUpdate, auth: Writer, db: DbSession
) -> dict[str, Any]:
    """Staff answer a suggested question and approve it (`status: approved`)."""
    return await faq.update(db, auth.org_id, entry_id, body)


@router.delete("/ai/faq/{entry_id}", status_code=204, response_class=Response, responses=ERRORS)
async def delete_faq(entry_id: uuid.UUID, auth: Writer, db: DbSession) -> Response:
    await faq.delete(db, auth.org_id, entry_id)
    return Response(status_code=204)


@router.get("/ai/settings", response_model=AiSettingsRead, responses=ERRORS)
async def get_ai_settings(
    auth: Annotated[AuthContext, requires("settings:read")], db: DbSession
) -> dict[str, Any]:
    return ai_settings.read(await ai_settings.row_of(db, auth.org_id))


@router.patch("/ai/settings", response_model=AiSettingsRead, responses=ERRORS)
async def update_ai_settings(
    body: AiSettingsUpdate,
    auth: Annotated[AuthContext, requires("settings:write")],
    db: DbSession,
) -> dict[str, Any]:
    """Channel modes (off, draft, auto), the monthly budget, the price table and the
    organization's own LLM endpoint; the key is stored encrypted and never shown."""
    return await ai_settings.update(db, auth.org_id, body.model_dump(exclude_unset=True))


UsageReader = Annotated[AuthContext, requires("analytics:read")]


@router.get("/ai/usage", response_model=UsageRead, responses=ERRORS)
async def usage_totals(auth: UsageReader, db: DbSession, days: DaysQuery = 30) -> dict[str, Any]:
    """The ledger's totals over the last `days`, and the month's cost against the budget."""
    return await usage.period(db, auth.org_id, days)
